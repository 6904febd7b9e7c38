import { Injectable } from '@nestjs/common';

export type ReadinessProbe = (options: { signal: AbortSignal }) => Promise<Record<string, unknown> | void>;

/**
 * Dependencies that must answer before the app takes traffic. Feature modules register their
 * own (database, Kafka, Mongo, SMTP) so `/health/ready` grows with the composition, not by edits here.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  entries(): [string, ReadinessProbe][] {
    return [...this.probes.entries()];
  }
}
