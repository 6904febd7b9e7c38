import { ReadinessRegistry } from '@coursehub/core';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { EMAIL_CONNECTION } from './email.constants';
import { Mailer } from './mailer';

/** `/health/ready` of the e-mail feature: its MongoDB answers a ping and the SMTP relay greets us. */
@Injectable()
export class EmailReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @InjectConnection(EMAIL_CONNECTION) private readonly connection: Connection,
    private readonly mailer: Mailer,
  ) {}

  onModuleInit(): void {
    this.readiness.register('mongodb', async () => {
      const db = this.connection.db;
      if (!db) throw new Error('MongoDB connection is not open');
      await db.admin().ping();
    });
    this.readiness.register('smtp', () => this.mailer.verify());
  }
}
