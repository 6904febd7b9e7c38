import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { EventContract } from './contract';
import { createEnvelope, EventEnvelope, InvalidEnvelopeError, parseEnvelope } from './envelope';
import { coursePublished, orderCancelled, orderConfirmed, userRegistered } from './events';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const validUser = { userId: randomUUID(), email: 'ada@example.com', displayName: 'Ada' };

/** What a consumer receives: the envelope as it went over the wire (JSON). */
const overTheWire = (envelope: EventEnvelope): Record<string, unknown> =>
  JSON.parse(JSON.stringify(envelope)) as Record<string, unknown>;

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvelopeError);
    return (error as InvalidEnvelopeError).issues;
  }
  throw new Error('expected an InvalidEnvelopeError');
}

describe('createEnvelope', () => {
  it('wraps validated data with id, type, version, occurredAt, producer and correlationId', () => {
    const occurredAt = new Date('2025-03-01T12:30:00.000Z');
    const envelope = createEnvelope(userRegistered, validUser, {
      producer: 'auth',
      correlationId: 'req-123',
      occurredAt,
    });
    expect(envelope).toEqual({
      id: expect.stringMatching(UUID_V4),
      type: 'user.registered',
      version: 1,
      occurredAt: '2025-03-01T12:30:00.000Z',
      producer: 'auth',
      correlationId: 'req-123',
      data: validUser,
    });
  });

  it('gives every envelope its own id and fills in the time and a correlation id when not given', () => {
    const before = Date.now();
    const one = createEnvelope(userRegistered, validUser, { producer: 'auth' });
    const two = createEnvelope(userRegistered, validUser, { producer: 'auth' });
    expect(one.id).not.toBe(two.id);
    expect(one.correlationId).toMatch(UUID_V4);
    expect(one.correlationId).not.toBe(two.correlationId);
    const occurredAt = Date.parse(one.occurredAt);
    expect(occurredAt).toBeGreaterThanOrEqual(before);
    expect(occurredAt).toBeLessThanOrEqual(Date.now());
  });

  it('refuses data that does not match the contract, and drops keys the contract does not know', () => {
    expect(() =>
      createEnvelope(userRegistered, { ...validUser, email: 'not-an-email' }, { producer: 'auth' }),
    ).toThrow(ZodError);
    const extra = { ...validUser, password: 'secret' } as typeof validUser;
    expect(createEnvelope(userRegistered, extra, { producer: 'auth' }).data).toEqual(validUser);
  });
});

describe('parseEnvelope', () => {
  const valid = () =>
    overTheWire(createEnvelope(userRegistered, validUser, { producer: 'auth', correlationId: 'req-1' }));

  it('accepts an envelope created for the contract, after a trip over the wire', () => {
    const raw = valid();
    expect(parseEnvelope(userRegistered, raw)).toEqual(raw);
  });

  it('accepts an occurredAt with a UTC offset', () => {
    const raw = { ...valid(), occurredAt: '2025-03-01T14:30:00+02:00' };
    expect(parseEnvelope(userRegistered, raw).occurredAt).toBe('2025-03-01T14:30:00+02:00');
  });

  it('rejects an envelope of another version or another type', () => {
    expect(issuesOf(() => parseEnvelope(userRegistered, { ...valid(), version: 2 }))).toEqual([
      'expected user.registered v1, got user.registered v2',
    ]);
    expect(issuesOf(() => parseEnvelope(userRegistered, { ...valid(), type: 'course.published' }))).toEqual([
      'expected user.registered v1, got course.published v1',
    ]);
  });

  it.each(['id', 'type', 'version', 'occurredAt', 'producer', 'correlationId', 'data'])(
    'rejects an envelope without %s, naming it',
    (field) => {
      const raw = valid();
      delete raw[field];
      const issues = issuesOf(() => parseEnvelope(userRegistered, raw));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(new RegExp(`^${field}: `));
    },
  );

  it.each([
    ['a bad uuid as id', { id: 'not-a-uuid' }, /^id: /],
    ['a date without a time', { occurredAt: '2025-03-01' }, /^occurredAt: /],
    ['a time that is no date', { occurredAt: 'yesterday' }, /^occurredAt: /],
    ['a fractional version', { version: 1.5 }, /^version: /],
    ['a version given as text', { version: '1' }, /^version: /],
    ['an empty producer', { producer: '' }, /^producer: /],
    ['an empty correlation id', { correlationId: '' }, /^correlationId: /],
    ['an overlong correlation id', { correlationId: 'x'.repeat(129) }, /^correlationId: /],
  ])('rejects %s', (_case, change, issue) => {
    const issues = issuesOf(() => parseEnvelope(userRegistered, { ...valid(), ...change }));
    expect(issues).toEqual([expect.stringMatching(issue)]);
  });

  it.each([null, undefined, 'text', 42, []])('rejects %p as an envelope', (raw) => {
    expect(() => parseEnvelope(userRegistered, raw)).toThrow(InvalidEnvelopeError);
  });

  it('says what is wrong in its message', () => {
    expect(() => parseEnvelope(userRegistered, { ...valid(), id: 'nope' })).toThrow(
      /^Invalid event envelope: id: /,
    );
  });
});

describe('event contracts', () => {
  const courseId = randomUUID();
  const userId = randomUUID();
  const orderId = randomUUID();

  /** Each contract with data it accepts and changes to that data it must refuse. */
  const cases: { contract: EventContract; data: Record<string, unknown>; invalid: [string, object][] }[] = [
    {
      contract: userRegistered,
      data: validUser,
      invalid: [
        ['userId', { userId: 'user-1' }],
        ['email', { email: 'ada-at-example.com' }],
        ['displayName', { displayName: '' }],
        ['displayName', { displayName: undefined }],
      ],
    },
    {
      contract: coursePublished,
      data: {
        courseId,
        title: 'Intro to SQL',
        instructorId: userId,
        tags: ['sql', 'data'],
        price: 4900,
        currency: 'EUR',
      },
      invalid: [
        ['courseId', { courseId: 42 }],
        ['instructorId', { instructorId: 'me' }],
        ['title', { title: '' }],
        ['tags', { tags: 'sql,data' }],
        ['tags.0', { tags: [1] }],
        ['price', { price: -1 }],
        ['price', { price: 49.99 }],
        ['currency', { currency: 'eur' }],
        ['currency', { currency: 'EURO' }],
      ],
    },
    {
      contract: orderConfirmed,
      data: { orderId, userId, courseId, courseTitle: 'Intro to SQL', price: 0, currency: 'USD' },
      invalid: [
        ['orderId', { orderId: undefined }],
        ['userId', { userId: '' }],
        ['courseTitle', { courseTitle: '' }],
        ['price', { price: '4900' }],
        ['currency', { currency: 'US$' }],
      ],
    },
    {
      contract: orderCancelled,
      data: { orderId, userId, courseId, courseTitle: 'Intro to SQL', reason: 'changed my mind' },
      invalid: [
        ['courseId', { courseId: 'course-1' }],
        ['reason', { reason: 'x'.repeat(501) }],
        ['reason', { reason: null }],
      ],
    },
  ];

  describe.each(cases)('$contract.type', ({ contract, data, invalid }) => {
    const envelopeWith = (eventData: unknown) => ({
      ...overTheWire(createEnvelope(contract, data, { producer: 'test' })),
      data: eventData,
    });

    it('accepts valid data', () => {
      expect(contract.schema.safeParse(data).success).toBe(true);
      expect(parseEnvelope(contract, envelopeWith(data)).data).toEqual(data);
    });

    it.each(invalid)('rejects a bad %s', (path, change) => {
      const bad = { ...data, ...change };
      expect(contract.schema.safeParse(bad).success).toBe(false);
      expect(issuesOf(() => parseEnvelope(contract, envelopeWith(bad)))).toEqual([
        expect.stringMatching(new RegExp(`^data\\.${path.replace('.', '\\.')}: `)),
      ]);
    });

    it('rejects data that is not an object', () => {
      expect(issuesOf(() => parseEnvelope(contract, envelopeWith('text')))).toHaveLength(1);
    });
  });
});
