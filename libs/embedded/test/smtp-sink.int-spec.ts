import nodemailer, { type Transporter } from 'nodemailer';
import { SmtpSink } from '../src/smtp';

interface SmtpSendError extends Error {
  responseCode?: number;
  code?: string;
}

async function sendFailure(send: Promise<unknown>): Promise<SmtpSendError> {
  const outcome = await send.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as SmtpSendError;
}

describe('SmtpSink', () => {
  let sink: SmtpSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    transport = nodemailer.createTransport(sink.url);
  });

  afterAll(async () => {
    transport?.close();
    await sink?.stop();
  });

  beforeEach(() => sink.clear());

  const mail = (subject: string) => ({
    from: '"CourseHub" <no-reply@coursehub.test>',
    to: 'Ada Lovelace <ada@example.com>',
    cc: 'alan@example.com',
    bcc: 'audit@coursehub.test',
    subject,
    text: 'Welcome to CourseHub!',
    html: '<p>Welcome to <b>CourseHub</b>!</p>',
    headers: { 'X-Request-Id': 'req-123' },
  });

  it('listens on an ephemeral port and exposes an smtp:// url', () => {
    expect(sink.port).toBeGreaterThan(0);
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
  });

  it('captures and parses what nodemailer sends', async () => {
    const info = await transport.sendMail(mail('Welcome, Ada'));
    const [message] = await sink.waitForMessages(1, 2000);
    expect(message).toMatchObject({
      from: 'no-reply@coursehub.test',
      to: ['ada@example.com'],
      cc: ['alan@example.com'],
      subject: 'Welcome, Ada',
      text: 'Welcome to CourseHub!',
      html: '<p>Welcome to <b>CourseHub</b>!</p>',
      messageId: info.messageId,
      envelope: {
        from: 'no-reply@coursehub.test',
        to: ['ada@example.com', 'alan@example.com', 'audit@coursehub.test'],
      },
      authenticatedAs: undefined,
    });
    expect(message.date).toBeInstanceOf(Date);
    expect(message.header('x-request-id')).toBe('req-123');
    expect(message.headerLines).toContainEqual({ key: 'x-request-id', line: 'X-Request-ID: req-123' });
    expect(message.raw).toContain('Subject: Welcome, Ada');
    expect(message.raw).not.toMatch(/^Bcc:/m);
  });

  it('rejects the next deliveries with a 4xx after failNext(2), then accepts again', async () => {
    sink.failNext(2);
    const first = await sendFailure(transport.sendMail(mail('attempt 1')));
    const second = await sendFailure(transport.sendMail(mail('attempt 2')));
    for (const error of [first, second]) {
      expect(error.responseCode).toBe(451);
      expect(error.message).toMatch(/451/);
    }
    await transport.sendMail(mail('attempt 3'));
    const messages = await sink.waitForMessages(1, 2000);
    expect(messages.map((message) => message.subject)).toEqual(['attempt 3']);
  });

  it('can fail at RCPT TO with a custom code and message', async () => {
    sink.failNext(1, 452, 'Too many recipients right now', 'rcpt');
    const single = { ...mail('rcpt'), cc: undefined, bcc: undefined };
    const error = await sendFailure(transport.sendMail(single));
    expect(error.responseCode).toBe(452);
    expect(error.message).toContain('Too many recipients right now');
    await transport.sendMail(single);
    expect(await sink.waitForMessages(1, 2000)).toHaveLength(1);
  });

  it('accepts AUTH PLAIN and LOGIN from clients that authenticate', async () => {
    for (const method of ['PLAIN', 'LOGIN']) {
      const authenticated = nodemailer.createTransport({
        host: sink.host,
        port: sink.port,
        secure: false,
        auth: { user: `mailer-${method}`, pass: 'any password' },
        authMethod: method,
      });
      try {
        await authenticated.sendMail(mail(`auth ${method}`));
      } finally {
        authenticated.close();
      }
    }
    const messages = await sink.waitForMessages(2, 2000);
    expect(messages.map((message) => message.authenticatedAs)).toEqual(['mailer-PLAIN', 'mailer-LOGIN']);
  });

  it('times out waitForMessages with a clear error', async () => {
    await expect(sink.waitForMessages(1, 50)).rejects.toThrow('expected 1 message(s) within 50 ms, got 0');
  });
});
