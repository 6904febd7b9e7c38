import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMessagingTables1763700000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_messages (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL,
        topic text NOT NULL,
        message_key text,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    await queryRunner.query(
      'CREATE INDEX outbox_messages_unsent ON outbox_messages (seq) WHERE sent_at IS NULL',
    );
    await queryRunner.query(
      'CREATE INDEX outbox_messages_sent_at ON outbox_messages (sent_at) WHERE sent_at IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TABLE processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE processed_events');
    await queryRunner.query('DROP TABLE outbox_messages');
  }
}
