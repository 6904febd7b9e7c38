import { resolveOptions, type ResolvedOptions } from './model-options';
import { type CourseRecord, ModelState, type StoredCourse } from './model-state';
import type { CourseStatus } from './types';

/*
 * A built model as three flat values: what a worker thread hands back to the main thread (the two
 * typed arrays move without a copy) and what is persisted, so a restart serves the last model at
 * once. It holds everything the model keeps — vectors, co-enrolments, the three neighbour lists
 * with their exact scores, who owns what — so a restored model answers and updates exactly as the
 * one that was saved. Hand-written rather than v8.serialize: that would clone the object graph (a
 * Map per course and list) and take several times the memory and time of these columns.
 */

/** A model as data. `text` is JSON lines (header and every string); the numbers are columns. */
export interface ModelSnapshot {
  readonly text: string;
  readonly integers: Int32Array<ArrayBuffer>;
  readonly floats: Float64Array<ArrayBuffer>;
}

export const SNAPSHOT_VERSION = 1;

/*
 * The text is JSON lines: a header, then one line per COURSES_PER_LINE courses (their data and
 * vector terms), then one per USERS_PER_LINE users, so that a restore on the event loop parses it
 * a slice at a time (a 100 000-course model's text is tens of MiB).
 */
interface SnapshotHeader {
  readonly version: number;
  readonly options: ResolvedOptions;
  readonly builtAt: string;
  readonly documentCount: number;
  readonly enrolmentTotal: number;
  readonly ignoredEnrolments: number;
  readonly dfTerms: string[];
  readonly upserted: string[];
  readonly courses: number;
  readonly users: number;
}

interface CourseLine {
  /** Per course: id, title, category, status, catalogue enrolment counter (or null). */
  readonly courses: [string, string, string, CourseStatus, number | null][];
  readonly vectorTerms: string[];
  /** Parallel to vectorTerms: the displayed word where it differs from the term, else 0. */
  readonly surfaces: (string | 0)[];
}

interface UserLine {
  readonly users: string[];
}

const COURSES_PER_LINE = 250;
const USERS_PER_LINE = 5_000;

const LIST_KINDS = ['collaborative', 'content', 'hybrid'] as const;

/** An append-only typed array (the snapshot's sizes are not known up front). */
class Column<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (size: number) => T,
  ) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(2 * this.data.length);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  pushAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]);
  }

  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export function encodeSnapshot(state: ModelState): ModelSnapshot {
  const integers = new Column(new Int32Array(1 << 16), (size) => new Int32Array(size));
  const floats = new Column(new Float64Array(1 << 16), (size) => new Float64Array(size));
  const dfTerms = [...state.statistics.documentFrequency.keys()];
  for (const term of dfTerms) integers.push(state.statistics.documentFrequency.get(term)!);
  const header: SnapshotHeader = {
    version: SNAPSHOT_VERSION,
    options: state.options,
    builtAt: state.builtAt.toISOString(),
    documentCount: state.statistics.documentCount,
    enrolmentTotal: state.enrolmentTotal,
    ignoredEnrolments: state.ignoredEnrolments,
    dfTerms,
    upserted: [...state.upsertedSinceBuild],
    courses: state.records.length,
    users: state.users.size,
  };
  const lines = [JSON.stringify(header)];
  for (let first = 0; first < state.records.length; first += COURSES_PER_LINE) {
    const line: CourseLine = { courses: [], vectorTerms: [], surfaces: [] };
    for (const record of state.records.slice(first, first + COURSES_PER_LINE)) {
      const { course } = record;
      line.courses.push([
        course.id,
        course.title,
        course.category,
        course.status,
        course.enrolmentCount ?? null,
      ]);
      integers.push(record.enrolled);
      integers.push(record.vector.size);
      for (const [term, weight] of record.vector) {
        line.vectorTerms.push(term);
        line.surfaces.push(record.surfaces.get(term) ?? 0);
        floats.push(weight);
      }
      integers.push(record.coEnrolments.size);
      for (const [index, count] of record.coEnrolments) {
        integers.push(index);
        integers.push(count);
      }
      for (const kind of LIST_KINDS) {
        const columns = record[kind].toColumns();
        integers.push(columns.indexes.length);
        integers.push(columns.complete ? 1 : 0);
        integers.pushAll(columns.indexes);
        floats.pushAll(columns.collaborative);
        floats.pushAll(columns.content);
      }
    }
    lines.push(JSON.stringify(line));
  }
  const users = [...state.users];
  for (let first = 0; first < users.length; first += USERS_PER_LINE) {
    const line: UserLine = { users: [] };
    for (const [userId, owned] of users.slice(first, first + USERS_PER_LINE)) {
      line.users.push(userId);
      integers.push(owned.size);
      for (const index of owned) integers.push(index);
    }
    lines.push(JSON.stringify(line));
  }
  // JSON.stringify escapes every newline inside a value: one line per value.
  return { text: lines.join('\n'), integers: integers.finish(), floats: floats.finish() };
}

/**
 * Rebuilds the model state of a snapshot. A generator that yields after each line of the text and
 * every `batch` courses, so that a caller on the event loop can restore a large model in slices
 * ({@link decodeSnapshot} runs it through at once).
 */
export function* decodeSnapshotInSlices(snapshot: ModelSnapshot, batch = 2_000): Generator<void, ModelState> {
  const { text, integers, floats } = snapshot;
  let cursor = 0;
  const nextLine = <T>(): T => {
    const end = text.indexOf('\n', cursor);
    const line = text.slice(cursor, end < 0 ? text.length : end);
    cursor = end < 0 ? text.length : end + 1;
    return JSON.parse(line) as T;
  };
  const header = nextLine<SnapshotHeader>();
  if (header.version !== SNAPSHOT_VERSION) {
    throw new Error(`recommendation snapshot version ${header.version}, expected ${SNAPSHOT_VERSION}`);
  }
  let at = 0;
  let floatAt = 0;
  const documentFrequency = new Map<string, number>();
  for (const term of header.dfTerms) documentFrequency.set(term, integers[at++]);
  const state = new ModelState(
    // Options added since the snapshot was written take their defaults.
    resolveOptions(header.options),
    { documentCount: header.documentCount, documentFrequency },
    new Date(header.builtAt),
  );
  yield;
  while (state.records.length < header.courses) {
    const line = nextLine<CourseLine>();
    let termAt = 0;
    for (const [id, title, category, status, enrolmentCount] of line.courses) {
      const course: StoredCourse =
        enrolmentCount === null
          ? { id, title, category, status }
          : { id, title, category, status, enrolmentCount };
      const enrolled = integers[at++];
      const vector = new Map<string, number>();
      const surfaces = new Map<string, string>();
      for (let left = integers[at++]; left > 0; left--, termAt++) {
        const term = line.vectorTerms[termAt];
        const surface = line.surfaces[termAt];
        vector.set(term, floats[floatAt++]);
        if (surface !== 0) surfaces.set(term, surface);
      }
      const record: CourseRecord = state.restoreCourse(course, vector, surfaces, enrolled);
      for (let left = integers[at++]; left > 0; left--) {
        record.coEnrolments.set(integers[at], integers[at + 1]);
        at += 2;
      }
      for (const kind of LIST_KINDS) {
        const length = integers[at++];
        const complete = integers[at++] === 1;
        const indexes = integers.slice(at, at + length);
        at += length;
        const collaborative = floats.slice(floatAt, floatAt + length);
        floatAt += length;
        const content = floats.slice(floatAt, floatAt + length);
        floatAt += length;
        record[kind].loadColumns({ indexes, collaborative, content, complete });
      }
      if (state.records.length % batch === 0) yield;
    }
    yield;
  }
  while (state.users.size < header.users) {
    for (const userId of nextLine<UserLine>().users) {
      const owned = new Set<number>();
      for (let left = integers[at++]; left > 0; left--) owned.add(integers[at++]);
      state.users.set(userId, owned);
    }
    yield;
  }
  state.enrolmentTotal = header.enrolmentTotal;
  state.ignoredEnrolments = header.ignoredEnrolments;
  for (const id of header.upserted) state.upsertedSinceBuild.add(id);
  state.refreshAllPopularity();
  return state;
}

export function decodeSnapshot(snapshot: ModelSnapshot): ModelState {
  const slices = decodeSnapshotInSlices(snapshot);
  for (;;) {
    const step = slices.next();
    if (step.done) return step.value;
  }
}
