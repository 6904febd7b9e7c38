/** One measured figure, a row of the table `npm run bench` prints. */
export interface Figure {
  /** What was measured, e.g. `outbox → effect, in-process`. */
  name: string;
  /** NaN when the measurement was skipped (the notes say why). */
  value: number;
  unit: string;
  /** Conditions that matter for reading the value (sizes, concurrency, settings). */
  notes?: string;
}

/** A benchmark: runs on its own, cleans up after itself and returns what it measured. */
export type Benchmark = (log: (line: string) => void) => Promise<Figure[]>;

export function skipped(name: string, unit: string, reason: string): Figure {
  return { name, value: Number.NaN, unit, notes: `skipped: ${reason}` };
}

/** The p-th percentile (nearest rank) of ascending `sorted`. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function ascending(values: Iterable<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Latency percentiles of one operation, in ms (p50, p95, p99 unless told); the notes go on the first row. */
export function latencyFigures(
  name: string,
  latenciesMs: Iterable<number>,
  notes?: string,
  percentiles: readonly number[] = [50, 95, 99],
): Figure[] {
  const sorted = ascending(latenciesMs);
  return percentiles.map((p, index) => ({
    name: `${name} p${p}`,
    value: percentile(sorted, p),
    unit: 'ms',
    notes: index === 0 ? notes : undefined,
  }));
}

/** Three significant digits, no exponent: 0.0123, 1.23, 123, 12300. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toString();
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Polls `probe` every `intervalMs` until `accept` holds; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 60_000, intervalMs = 10 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
