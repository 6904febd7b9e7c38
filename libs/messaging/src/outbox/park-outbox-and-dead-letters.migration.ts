import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox parking (an event that keeps failing to publish is set aside so later events flow) and
 * the `dead_letters` table of the in-process transport (platform mode).
 */
export class ParkOutboxAndDeadLetters1763800000000 implements MigrationInterface {
  name = 'ParkOutboxAndDeadLetters1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE outbox_messages ADD COLUMN parked_at timestamptz');
    await queryRunner.query('DROP INDEX outbox_messages_unsent');
    await queryRunner.query(
      'CREATE INDEX outbox_messages_unsent ON outbox_messages (seq) WHERE sent_at IS NULL AND parked_at IS NULL',
    );
    await queryRunner.query(
      'CREATE INDEX outbox_messages_parked ON outbox_messages (seq) WHERE sent_at IS NULL AND parked_at IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        topic text NOT NULL,
        message_key text,
        reason text NOT NULL,
        error text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        consumer text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        message jsonb,
        replayed_at timestamptz,
        replay_count int NOT NULL DEFAULT 0
      )`);
    await queryRunner.query('CREATE INDEX dead_letters_topic ON dead_letters (topic, failed_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dead_letters');
    await queryRunner.query('DROP INDEX outbox_messages_parked');
    await queryRunner.query('DROP INDEX outbox_messages_unsent');
    await queryRunner.query(
      'CREATE INDEX outbox_messages_unsent ON outbox_messages (seq) WHERE sent_at IS NULL',
    );
    await queryRunner.query('ALTER TABLE outbox_messages DROP COLUMN parked_at');
  }
}
