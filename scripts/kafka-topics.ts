/**
 * `npm run kafka:topics [-- options]`: create the declared Kafka topics, report drift, or print
 * Strimzi KafkaTopic resources (--strimzi). A thin CLI over runKafkaTopicsCommand (libs/messaging),
 * so the image runs the same with `node dist/libs/messaging/src/topics/topics-command.js`.
 */
import 'reflect-metadata';
import { runKafkaTopicsCommand } from '@coursehub/messaging';

void runKafkaTopicsCommand(process.argv.slice(2)).then((code) => process.exit(code));
