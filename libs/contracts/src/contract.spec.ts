import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { deadLetterTopicOf, defineEvent, defineRequest, topicOf } from './contract';
import { courseGet, coursePublished, orderCancelled, orderConfirmed, userRegistered } from './events';

/** Legal Kafka topic names: up to 249 of these characters. */
const KAFKA_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

describe('topic names', () => {
  it('derive from the type and version', () => {
    expect(topicOf({ type: 'user.registered', version: 1 })).toBe('coursehub.user.registered.v1');
    expect(topicOf({ type: 'user.registered', version: 2 })).toBe('coursehub.user.registered.v2');
  });

  it('are what every contract carries', () => {
    expect(userRegistered.topic).toBe('coursehub.user.registered.v1');
    expect(coursePublished.topic).toBe('coursehub.course.published.v1');
    expect(orderConfirmed.topic).toBe('coursehub.order.confirmed.v1');
    expect(orderCancelled.topic).toBe('coursehub.order.cancelled.v1');
    expect(courseGet.topic).toBe('coursehub.course.get.v1');
    const defined = defineEvent('test.thing.done', 3, z.object({}));
    expect(defined).toMatchObject({ kind: 'event', type: 'test.thing.done', version: 3 });
    expect(defined.topic).toBe(topicOf(defined));
    expect(defineRequest('test.ask', 2, z.object({}), z.object({})).topic).toBe('coursehub.test.ask.v2');
  });

  it('are distinct, legal Kafka names, and so are their dead-letter topics', () => {
    const topics = [userRegistered, coursePublished, orderConfirmed, orderCancelled, courseGet].map(
      (contract) => contract.topic,
    );
    const all = [...topics, ...topics.map(deadLetterTopicOf)];
    expect(new Set(all).size).toBe(all.length);
    for (const topic of all) expect(topic).toMatch(KAFKA_TOPIC_NAME);
  });

  it('put dead letters on `<topic>.dlq`', () => {
    expect(deadLetterTopicOf('coursehub.order.confirmed.v1')).toBe('coursehub.order.confirmed.v1.dlq');
    expect(deadLetterTopicOf(userRegistered.topic)).toBe('coursehub.user.registered.v1.dlq');
  });
});

describe('course.get request/reply', () => {
  const course = {
    id: randomUUID(),
    slug: 'intro-to-sql',
    title: 'Intro to SQL',
    status: 'published',
    instructorId: randomUUID(),
    category: 'Data',
    tags: ['sql'],
    price: 4900,
    currency: 'EUR',
  };

  it('asks for a course by uuid', () => {
    const courseId = randomUUID();
    expect(courseGet.requestSchema.parse({ courseId })).toEqual({ courseId });
    expect(courseGet.requestSchema.safeParse({ courseId: 'intro-to-sql' }).success).toBe(false);
  });

  it('answers with a course snapshot or not found', () => {
    expect(courseGet.replySchema.parse({ found: true, course })).toEqual({ found: true, course });
    expect(courseGet.replySchema.parse({ found: false })).toEqual({ found: false });
    expect(courseGet.replySchema.safeParse({ found: true }).success).toBe(false);
    expect(
      courseGet.replySchema.safeParse({ found: true, course: { ...course, status: 'deleted' } }).success,
    ).toBe(false);
  });
});
