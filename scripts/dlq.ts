/**
 * `npm run dlq -- <command>`: list and replay dead letters, list and retry parked outbox events.
 * A thin CLI over runDlqCommand (libs/messaging), so the built image runs the same thing with
 * `node dist/libs/messaging/src/consumer/dlq-command.js <command>`. `npm run dlq -- --help`.
 */
import 'reflect-metadata';
import { runDlqCommand } from '@coursehub/messaging';

void runDlqCommand(process.argv.slice(2)).then((code) => process.exit(code));
