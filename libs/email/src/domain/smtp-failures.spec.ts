import { classifySmtpFailure, describeSmtpFailure, retryDelayMs } from './smtp-failures';

const failure = (fields: { responseCode?: number; code?: string; command?: string }) =>
  Object.assign(new Error('SMTP failure'), fields);

describe('SMTP failure classification and backoff', () => {
  it('treats failures of the relay itself as relay-wide, whatever the e-mail', () => {
    for (const error of [
      failure({ code: 'ECONNECTION' }),
      failure({ code: 'ETIMEDOUT' }),
      failure({ code: 'ESOCKET' }),
      failure({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }),
      failure({ code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM' }),
      failure({ code: 'EAUTH', responseCode: 454, command: 'AUTH LOGIN' }),
      failure({ code: 'EAUTH', command: 'API' }),
      failure({ code: 'EMESSAGE', responseCode: 451, command: 'DATA' }),
      failure({ code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' }),
      failure({ code: 'EPROTOCOL', responseCode: 554, command: 'CONN' }),
      failure({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' }),
    ]) {
      expect([error, classifySmtpFailure(error)]).toEqual([error, 'relay']);
    }
  });

  it('treats a 4xx to RCPT TO as this recipient deferred, a 5xx to RCPT TO or DATA and the rest as rejected', () => {
    expect(classifySmtpFailure(failure({ code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' }))).toBe(
      'recipient-deferred',
    );
    for (const error of [
      failure({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }),
      failure({ code: 'EENVELOPE', responseCode: 553, command: 'RCPT TO' }),
      failure({ code: 'EMESSAGE', responseCode: 552, command: 'DATA' }),
      failure({ code: 'EENVELOPE', command: 'API' }), // invalid address
      new Error('bug'),
      'nope',
    ]) {
      expect([error, classifySmtpFailure(error)]).toEqual([error, 'rejected']);
    }
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
