import { Injectable } from '@nestjs/common';

export type ReadinessProbe = (options: { signal: AbortSignal }) => Promise<Record<string, unknown> | void>;

export interface ProbeOptions {
  /**
   * True (default): the service cannot serve without it (its own database; MongoDB for e-mail),
   * so `/health/ready` fails while it is down and the instance gets no traffic. False: a
   * dependency the service works around while it is away (Kafka: events wait in the outbox;
   * SMTP: mails are retried; JWKS: cached keys): reported on `/health/dependencies` and the
   * `coursehub_dependency_up` gauge, never in readiness, so an outage of it does not take every replica
   * out of the load balancer at once.
   */
  critical?: boolean;
}

/**
 * What the app checks about itself and the things it talks to. Feature modules register their own
 * (database, Kafka, Mongo, SMTP) so the health routes grow with the composition, not by edits here.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, { probe: ReadinessProbe; critical: boolean }>();

  register(name: string, probe: ReadinessProbe, options: ProbeOptions = {}): void {
    this.probes.set(name, { probe, critical: options.critical ?? true });
  }

  /** A non-critical dependency: `register(name, probe, { critical: false })`. */
  registerDependency(name: string, probe: ReadinessProbe): void {
    this.register(name, probe, { critical: false });
  }

  /** The probes `/health/ready` runs: what the service cannot serve without. */
  entries(): [string, ReadinessProbe][] {
    return [...this.probes.entries()]
      .filter(([, entry]) => entry.critical)
      .map(([name, entry]) => [name, entry.probe]);
  }

  /** The probes `/health/dependencies` runs: what it works around while away. */
  dependencies(): [string, ReadinessProbe][] {
    return [...this.probes.entries()]
      .filter(([, entry]) => !entry.critical)
      .map(([name, entry]) => [name, entry.probe]);
  }
}
