import { z } from 'zod';
import type { EventEnvelope } from './envelope';

/**
 * One definition per contract: the TypeScript type, the runtime validator and the topic all
 * come from it. Topic names are derived here and nowhere else.
 */
export interface EventContract<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  kind: 'event';
  type: Type;
  version: number;
  schema: Schema;
  topic: string;
}

export interface RequestContract<
  Type extends string = string,
  RequestSchema extends z.ZodType = z.ZodType,
  ReplySchema extends z.ZodType = z.ZodType,
> {
  kind: 'request';
  type: Type;
  version: number;
  requestSchema: RequestSchema;
  replySchema: ReplySchema;
  topic: string;
}

export function topicOf(contract: { type: string; version: number }): string {
  return `coursehub.${contract.type}.v${contract.version}`;
}

export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  version: number,
  schema: Schema,
): EventContract<Type, Schema> {
  return { kind: 'event', type, version, schema, topic: topicOf({ type, version }) };
}

export function defineRequest<
  Type extends string,
  RequestSchema extends z.ZodType,
  ReplySchema extends z.ZodType,
>(
  type: Type,
  version: number,
  requestSchema: RequestSchema,
  replySchema: ReplySchema,
): RequestContract<Type, RequestSchema, ReplySchema> {
  return { kind: 'request', type, version, requestSchema, replySchema, topic: topicOf({ type, version }) };
}

export type EventData<Contract extends EventContract> = z.infer<Contract['schema']>;
/** The envelope of a contract's event, as its consumers receive it. */
export type EnvelopeOf<Contract extends EventContract> = EventEnvelope<EventData<Contract>>;
export type RequestOf<Contract extends RequestContract> = z.infer<Contract['requestSchema']>;
export type ReplyOf<Contract extends RequestContract> = z.infer<Contract['replySchema']>;
