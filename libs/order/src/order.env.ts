import { kafkaEnvSchema } from '@coursehub/messaging';
import { z } from 'zod';

/**
 * Variables the order feature reads: how long it waits for the course service's `course.get`
 * reply, and how often its outbox relay polls. Shared names with the messaging schema.
 */
export const orderEnvSchema = kafkaEnvSchema.pick({ KAFKA_REQUEST_TIMEOUT_MS: true, OUTBOX_POLL_MS: true });

export type OrderEnv = z.infer<typeof orderEnvSchema>;
