import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  register,
} from 'prom-client';

/**
 * Every CourseHub metric starts with this, so dashboards and alerts select them at once. (Node's
 * default process metrics keep their standard names, which generic dashboards expect.)
 */
export const METRIC_PREFIX = 'coursehub_';

/*
 * One process-wide registry. In the single-process platform (and in tests that start several
 * apps in one process) modules ask for the same metric more than once: they share it instead
 * of failing with "already registered".
 */
let defaultMetricsStarted = false;

export function ensureDefaultMetrics(): void {
  if (defaultMetricsStarted) return;
  defaultMetricsStarted = true;
  collectDefaultMetrics();
}

function prefixed(name: string): string {
  if (!name.startsWith(METRIC_PREFIX)) {
    throw new Error(`Metric ${name} must be named ${METRIC_PREFIX}<name> (one prefix for every metric)`);
  }
  return name;
}

export function counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
  return (register.getSingleMetric(prefixed(config.name)) as Counter<L> | undefined) ?? new Counter(config);
}

export function gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
  return (register.getSingleMetric(prefixed(config.name)) as Gauge<L> | undefined) ?? new Gauge(config);
}

export function histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
  return (
    (register.getSingleMetric(prefixed(config.name)) as Histogram<L> | undefined) ?? new Histogram(config)
  );
}

export const httpRequestDuration = (): Histogram<'method' | 'route' | 'status_code'> =>
  histogram({
    name: 'coursehub_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route template, method and status code (probes and scrapes excluded).',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

/** Routes left out of the HTTP latency histogram: probes and scrapes would drown the real traffic. */
export function isOperationalRoute(route: string): boolean {
  return route === '/metrics' || route === '/health' || route.startsWith('/health/');
}

export { register as metricsRegistry };
