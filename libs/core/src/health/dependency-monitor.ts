import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { gauge } from '../metrics/registry';
import { ReadinessRegistry } from './readiness-registry';

const POLL_MS = 15_000;
const TIMEOUT_MS = 2_000;

const dependencyUp = () =>
  gauge({
    name: 'coursehub_dependency_up',
    help: 'Whether a dependency the service works around (Kafka, SMTP, JWKS) answered its last check (1) or not (0).',
    labelNames: ['dependency'],
  });

/**
 * Keeps the `coursehub_dependency_up` gauge current: checks every non-critical dependency every 15 s (and
 * whenever `/health/dependencies` is called), so an alert does not depend on someone polling.
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private firstCheck?: NodeJS.Timeout;
  private checking = false;

  constructor(private readonly registry: ReadinessRegistry) {}

  record(name: string, up: boolean): void {
    dependencyUp().set({ dependency: name }, up ? 1 : 0);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.checkAll(), POLL_MS).unref();
    // Kept so that shutdown cancels it too: an app closed within its first second would otherwise
    // still probe (and open broker clients) after it closed.
    this.firstCheck = setTimeout(() => void this.checkAll(), 1_000).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.firstCheck);
    this.timer = undefined;
    this.firstCheck = undefined;
  }

  /** Runs every dependency probe once (with a timeout) and records the outcome. */
  async checkAll(): Promise<Record<string, boolean>> {
    const outcome: Record<string, boolean> = {};
    if (this.checking) return outcome;
    this.checking = true;
    try {
      await Promise.all(
        this.registry.dependencies().map(async ([name, probe]) => {
          const controller = new AbortController();
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([
              probe({ signal: controller.signal }),
              new Promise((_, reject) => {
                timer = setTimeout(() => {
                  controller.abort();
                  reject(new Error('timeout'));
                }, TIMEOUT_MS);
              }),
            ]);
            outcome[name] = true;
          } catch {
            outcome[name] = false;
          } finally {
            clearTimeout(timer);
          }
          this.record(name, outcome[name]);
        }),
      );
    } finally {
      this.checking = false;
    }
    return outcome;
  }
}
