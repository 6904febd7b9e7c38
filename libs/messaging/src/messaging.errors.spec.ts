import {
  backoffDelayMs,
  classifyFailure,
  PermanentEventError,
  TransportUnavailableError,
} from './messaging.errors';

/** Fixed "random" numbers: 0 gives the shortest delay of a retry, just under 1 the longest. */
const lowest = () => 0;
const highest = () => 0.999999;

describe('backoffDelayMs', () => {
  it('doubles the ceiling with every retry, starting at the base', () => {
    const ceilings = [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, 200, 30_000, highest));
    expect(ceilings).toEqual([200, 400, 800, 1600, 3200]);
  });

  it('waits at least half the ceiling (jitter only on the upper half)', () => {
    const floors = [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, 200, 30_000, lowest));
    expect(floors).toEqual([100, 200, 400, 800, 1600]);
    expect(backoffDelayMs(3, 200, 30_000, () => 0.5)).toBe(600);
  });

  it('stays between half the ceiling and the ceiling for any random number', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(30_000, 50 * 2 ** (attempt - 1));
      for (let sample = 0; sample < 50; sample++) {
        const delay = backoffDelayMs(attempt, 50);
        expect(delay).toBeGreaterThanOrEqual(Math.round(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('caps the ceiling at the maximum, 30 s unless given', () => {
    expect(backoffDelayMs(20, 200, undefined, highest)).toBe(30_000);
    expect(backoffDelayMs(20, 200, undefined, lowest)).toBe(15_000);
    expect(backoffDelayMs(1_000, 200, undefined, highest)).toBe(30_000);
    // The outbox relay's settings: poll interval as the base, 10 s at most.
    expect(
      [1, 2, 3, 4, 5, 6, 7, 8].map((failures) => backoffDelayMs(failures, 250, 10_000, highest)),
    ).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('treats an attempt below 1 as the first retry', () => {
    expect(backoffDelayMs(0, 200, 30_000, highest)).toBe(200);
    expect(backoffDelayMs(-3, 200, 30_000, lowest)).toBe(100);
  });

  it('rounds to whole milliseconds', () => {
    expect(backoffDelayMs(1, 3, 30_000, lowest)).toBe(2);
    expect(backoffDelayMs(1, 3, 30_000, () => 0.25)).toBe(2);
  });
});

describe('classifyFailure', () => {
  const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

  it('treats an unavailable database, broker or mail relay as transient', () => {
    for (const code of [
      '40001',
      '40P01',
      '57P01',
      '57P03',
      '3D000',
      '08006',
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
    ])
      expect(classifyFailure(withCode(code))).toBe('transient');
    // TypeORM's QueryFailedError keeps the pg error as driverError.
    expect(
      classifyFailure(Object.assign(new Error('query failed'), { driverError: withCode('57P01') })),
    ).toBe('transient');
    expect(classifyFailure(new Error('Connection terminated unexpectedly'))).toBe('transient');
    expect(classifyFailure(new Error('database "x" is not currently accepting connections'))).toBe(
      'transient',
    );
    expect(classifyFailure(Object.assign(new Error('x'), { name: 'MongoServerSelectionError' }))).toBe(
      'transient',
    );
    expect(classifyFailure(Object.assign(new Error('greylisted'), { responseCode: 451 }))).toBe('transient');
    expect(
      classifyFailure(
        Object.assign(new Error('retries'), {
          name: 'KafkaJSNonRetriableError',
          cause: withCode('ECONNREFUSED'),
        }),
      ),
    ).toBe('transient');
    expect(
      classifyFailure(
        new TransportUnavailableError(
          't',
          Object.assign(new Error('down'), { name: 'KafkaJSConnectionError' }),
        ),
      ),
    ).toBe('transient');
  });

  it('treats a PermanentEventError, anywhere in the chain, as permanent', () => {
    expect(classifyFailure(new PermanentEventError('no such course'))).toBe('permanent');
    expect(classifyFailure(new Error('wrapped', { cause: new PermanentEventError('x') }))).toBe('permanent');
  });

  it('treats anything else as a failure to retry a bounded number of times', () => {
    expect(classifyFailure(new Error('cannot read properties of undefined'))).toBe('failed');
    expect(classifyFailure(withCode('23505', 'duplicate key'))).toBe('failed');
    expect(classifyFailure(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }))).toBe(
      'failed',
    );
    expect(
      classifyFailure(
        new TransportUnavailableError(
          't',
          Object.assign(new Error('denied'), {
            name: 'KafkaJSProtocolError',
            retriable: false,
            type: 'TOPIC_AUTHORIZATION_FAILED',
          }),
        ),
      ),
    ).toBe('failed');
  });
});
