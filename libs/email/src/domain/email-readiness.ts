import { ReadinessRegistry } from '@coursehub/core';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EmailRecordsRepository } from '../data/email-records.repository';
import { SmtpRelayHealth } from './smtp-relay-health';

/**
 * `/health/ready` of the e-mail feature is its MongoDB only: without it nothing can be recorded.
 * The SMTP relay is a dependency it works around (e-mails wait and are retried), reported on
 * `/health/dependencies` from what real sends saw, so a relay outage never takes every replica out
 * of the load balancer and no replica logs in to the relay just to be probed.
 */
@Injectable()
export class EmailReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly records: EmailRecordsRepository,
    private readonly relay: SmtpRelayHealth,
  ) {}

  onModuleInit(): void {
    this.readiness.register('mongodb', () => this.records.ping());
    this.readiness.registerDependency('smtp', () => this.relay.check());
  }
}
