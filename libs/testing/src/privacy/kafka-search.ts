import { readTopicsToEnd } from '@coursehub/messaging';
import { Kafka, logLevel } from 'kafkajs';

/** A Kafka record holding the searched text. */
export interface KafkaFinding {
  topic: string;
  partition: number;
  offset: string;
}

export interface KafkaSearch {
  findings: KafkaFinding[];
  /** Topics read (those holding at least one record). */
  searched: string[];
  recordsRead: number;
}

/**
 * Reads every record of every (non-internal) topic of a cluster from the beginning, with a fresh
 * consumer group, and reports those whose key, value or headers contain `text` (case-insensitive).
 * Stops once each partition's high watermark (taken at the start) is reached, or after `timeoutMs`
 * (then throws: a search that did not read everything proves nothing).
 */
export async function searchKafka(brokers: string[], text: string, timeoutMs = 60_000): Promise<KafkaSearch> {
  const kafka = new Kafka({ clientId: 'privacy-search', brokers, logLevel: logLevel.NOTHING });
  const needle = text.toLowerCase();
  const findings: KafkaFinding[] = [];
  let recordsRead = 0;
  const searched = await readTopicsToEnd(
    kafka,
    (topic) => !topic.startsWith('__'),
    ({ topic, partition, message }) => {
      recordsRead++;
      const headers = Object.entries(message.headers ?? {}).flatMap(([name, value]) =>
        [value ?? []].flat().map((item) => `${name}=${item.toString()}`),
      );
      const asText = [message.key?.toString('utf8') ?? '', message.value?.toString('utf8') ?? '', ...headers]
        .join('\n')
        .toLowerCase();
      if (asText.includes(needle)) findings.push({ topic, partition, offset: message.offset });
    },
    { what: 'Kafka search', groupPrefix: 'privacy-search', timeoutMs },
  );
  return { findings, searched, recordsRead };
}
