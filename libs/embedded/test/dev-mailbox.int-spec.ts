import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTransport } from 'nodemailer';
import { DevMailboxModule, SmtpSink } from '../src';

async function serve(sink: SmtpSink, env: Record<string, string>): Promise<NestFastifyApplication> {
  @Module({ imports: [DevMailboxModule.register(sink, env)] })
  class MailboxRoot {}
  const app = await NestFactory.create<NestFastifyApplication>(MailboxRoot, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('/dev/mailbox', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    await createTransport(sink.url).sendMail({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'Reset',
      text: 'link',
    });
  });
  afterAll(() => sink.stop());

  it('shows the caught e-mails in development', async () => {
    const app = await serve(sink, { NODE_ENV: 'development' });
    try {
      const response = await fetch(`${await app.getUrl()}/dev/mailbox`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([
        expect.objectContaining({ subject: 'Reset', to: ['b@example.com'] }),
      ]);
    } finally {
      await app.close();
    }
  });

  it('does not exist under NODE_ENV=production, even with the embedded sink', async () => {
    const app = await serve(sink, { NODE_ENV: 'production' });
    try {
      expect((await fetch(`${await app.getUrl()}/dev/mailbox`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
