import { describeSmtpFailure, isTransientSmtpFailure, retryDelayMs } from './smtp-failures';

describe('SMTP failure classification and backoff', () => {
  it('treats 4xx replies and connection failures as transient, 5xx and the rest as permanent', () => {
    expect(isTransientSmtpFailure(Object.assign(new Error('greylisted'), { responseCode: 451 }))).toBe(true);
    expect(isTransientSmtpFailure(Object.assign(new Error('refused'), { code: 'ECONNECTION' }))).toBe(true);
    expect(isTransientSmtpFailure(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))).toBe(true);
    expect(
      isTransientSmtpFailure(
        Object.assign(new Error('no such user'), { responseCode: 550, code: 'EENVELOPE' }),
      ),
    ).toBe(false);
    expect(isTransientSmtpFailure(new Error('bug'))).toBe(false);
    expect(isTransientSmtpFailure('nope')).toBe(false);
  });

  it('describes a failure with its reply code', () => {
    expect(
      describeSmtpFailure(
        Object.assign(new Error('Message failed: 421 busy'), { responseCode: 421, response: '421 busy' }),
      ),
    ).toBe('421 busy');
    expect(describeSmtpFailure(Object.assign(new Error('refused'), { code: 'ECONNECTION' }))).toBe(
      'ECONNECTION: refused',
    );
  });

  it('doubles the delay per attempt within [half, full], capped at the maximum', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(retryDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    const jittered = retryDelayMs(2, 1000, 60_000);
    expect(jittered).toBeGreaterThanOrEqual(1000);
    expect(jittered).toBeLessThanOrEqual(2000);
  });
});
