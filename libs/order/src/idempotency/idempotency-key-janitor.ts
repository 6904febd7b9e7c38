import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IdempotencyStore } from './idempotency-store';

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Deletes expired idempotency keys hourly. A plain timer rather than @nestjs/schedule: the
 * platform composes several features and ScheduleModule.forRoot belongs to one root only.
 * Expired keys are already ignored when claimed; this only keeps the table small.
 */
@Injectable()
export class IdempotencyKeyJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyKeyJanitor.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: IdempotencyStore) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<void> {
    try {
      const deleted = await this.store.purgeExpired();
      if (deleted > 0) this.logger.log({ deleted }, 'expired idempotency keys deleted');
    } catch (error) {
      this.logger.warn({ err: error }, 'purging expired idempotency keys failed');
    }
  }
}
