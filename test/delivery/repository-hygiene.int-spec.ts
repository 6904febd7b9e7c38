/*
 * The files a newcomer and an auditor look for: LICENSE (MIT, as package.json says), SECURITY.md,
 * CONTRIBUTING.md, and .env.example naming every variable the README's configuration table and
 * the apps' env schemas know, with secrets left blank.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envKeys, existingAppSchemas, imageApps, repoRoot } from './support';

const read = (file: string): string => readFileSync(join(repoRoot, file), 'utf8');

/** NAME=value lines of .env.example. */
function envExample(): Map<string, string> {
  const entries = read('.env.example')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null);
  return new Map(entries.map((match) => [match[1], match[2]]));
}

describe('repository hygiene', () => {
  it('has an MIT LICENSE for the CourseHub contributors, as package.json declares', () => {
    expect((JSON.parse(read('package.json')) as { license: string }).license).toBe('MIT');
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} CourseHub contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('tells how to report a vulnerability and how to contribute', () => {
    expect(read('SECURITY.md')).toMatch(/## Reporting a vulnerability/);
    expect(read('SECURITY.md')).toMatch(/do \*\*not\*\* open a public issue/);
    const contributing = read('CONTRIBUTING.md');
    for (const link of ['ARCHITECTURE.md', 'SECURITY.md', 'LICENSE']) {
      expect(contributing).toContain(`(${link})`);
      expect(existsSync(join(repoRoot, link))).toBe(true);
    }
  });

  it('.env.example names every variable of the README configuration table and of the env schemas, once', () => {
    const example = envExample();
    const lines = read('.env.example')
      .split('\n')
      .filter((line) => /^[A-Z]/.test(line));
    expect(lines.length).toBe(example.size); // no variable twice
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('### Configuration'));
    const documented = [...table.slice(0, table.indexOf('\n## ')).matchAll(/^\| (.+?) \|/gm)].flatMap((row) =>
      [...row[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]),
    );
    expect(documented.length).toBeGreaterThan(30);
    const fromSchemas = existingAppSchemas(imageApps).flatMap(([, schema]) => envKeys(schema));
    const missing = [...new Set([...documented, ...fromSchemas])].filter((name) => !example.has(name));
    expect(missing).toEqual([]);
  });

  it('.env.example leaves every secret blank', () => {
    const example = envExample();
    const secrets = [...example.keys()].filter((name) => /PASSWORD|PRIVATE_KEY$|SECRET/.test(name));
    expect(secrets).toEqual(
      expect.arrayContaining(['ADMIN_PASSWORD', 'JWT_PRIVATE_KEY', 'KAFKA_SASL_PASSWORD']),
    );
    for (const name of secrets) expect([name, example.get(name)]).toEqual([name, '']);
    // Connection URLs carry no credentials.
    for (const name of ['DATABASE_URL', 'MONGO_URL', 'SMTP_URL'])
      expect(example.get(name)).not.toMatch(/:[^/@]+@/);
  });
});
