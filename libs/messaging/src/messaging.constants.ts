export const MESSAGING_CLIENT = Symbol('MESSAGING_CLIENT');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export type TransportKind = 'kafka' | 'in-process';

export interface MessagingOptions {
  /** Who produces the events of this process (`auth`, `course`, ..., or `platform`). */
  serviceName: string;
  /** Kafka between processes, or in-process for the single-process platform. */
  transport: TransportKind;
  /** Topics of request/reply contracts this process sends (Kafka subscribes to their replies). */
  requestTopics?: string[];
  /** False when no feature of the process handles events or requests: no consumer is attached. */
  consumesMessages?: boolean;
}
