import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IDEMPOTENCY_KEY_TTL_SECONDS } from '../order.constants';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

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

  constructor(private readonly keys: IdempotencyKeysRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<void> {
    try {
      const deleted = await this.keys.deleteExpired(IDEMPOTENCY_KEY_TTL_SECONDS);
      if (deleted > 0) this.logger.log({ deleted }, 'expired idempotency keys deleted');
    } catch (error) {
      this.logger.warn({ err: error }, 'purging expired idempotency keys failed');
    }
  }
}
