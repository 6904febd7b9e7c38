import { createTemporaryDatabase, type TemporaryDatabase } from '@coursehub/testing';
import {
  RELEVANCE_CASES,
  RELEVANCE_CATALOGUE,
  runRelevanceSuite,
} from '../../libs/course/test/search-relevance-cases';
import type { Figure } from './figures';
import { postgresServerUrl } from './infrastructure';
import type { ForkedServerKind, ReadServer } from './read-servers';

async function call(
  server: ReadServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ id: string }> {
  const response = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/**
 * The search relevance suite (libs/course/test/search-relevance-cases.ts) on the demo catalogue,
 * answered by the course service and by the naive baseline on the same database: precision@5 and
 * MRR of each, to read beside the speed figures.
 */
export async function relevanceFigures(
  log: (line: string) => void,
  start: (kind: ForkedServerKind, url: string) => Promise<ReadServer>,
  databases: TemporaryDatabase[],
): Promise<Figure[]> {
  const database = await createTemporaryDatabase('bench_relevance', postgresServerUrl());
  databases.push(database);
  const coursehub = await start('coursehub', database.url);
  for (const course of RELEVANCE_CATALOGUE) {
    const created = await call(coursehub, 'POST', '/courses', course);
    await call(coursehub, 'POST', `/courses/${created.id}/publish`);
  }
  const baseline = await start('baseline', database.url);
  const figures: Figure[] = [];
  for (const server of [baseline, coursehub]) {
    const result = await runRelevanceSuite(async (query) => {
      const response = await fetch(`${server.url}/courses?limit=20&q=${encodeURIComponent(query)}`);
      return ((await response.json()) as { items: { title: string }[] }).items.map((course) => course.title);
    });
    const name = server.kind === 'baseline' ? 'baseline' : 'CourseHub';
    const misses = result.cases.filter((score) => score.reciprocalRank === 0).map((score) => score.query);
    figures.push(
      {
        name: `search relevance ${name}: precision@5`,
        value: result.precisionAt5,
        unit: '',
        notes: `${RELEVANCE_CASES.length} queries on the demo catalogue (${RELEVANCE_CATALOGUE.length} courses)`,
      },
      {
        name: `search relevance ${name}: MRR`,
        value: result.mrr,
        unit: '',
        notes: misses.length > 0 ? `nothing relevant for: ${misses.join(', ')}` : undefined,
      },
    );
    log(`  relevance ${name}: P@5 ${result.precisionAt5.toFixed(3)}, MRR ${result.mrr.toFixed(3)}`);
  }
  return figures;
}
