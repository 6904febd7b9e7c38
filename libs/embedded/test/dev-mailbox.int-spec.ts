import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { DevMailboxModule, MailboxEntryDto, SmtpSink } from '../src';

async function serve(sink: SmtpSink, env: Record<string, string>): Promise<NestFastifyApplication> {
  @Module({ imports: [DevMailboxModule.register(sink, env)] })
  class MailboxRoot {}
  const app = await NestFactory.create<NestFastifyApplication>(MailboxRoot, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

const HOSTILE_HTML =
  '<p>Hi &lt;Sam&gt;</p><script>parent.document.title="owned"</script>' +
  '<p><a href="http://localhost:3000/verify-email?token=abc&amp;x=1">Verify</a></p>"\'';

describe('/dev/mailbox', () => {
  let sink: SmtpSink;
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const transport = createTransport(sink.url);
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'Reset', text: 'link' });
    await transport.sendMail({
      from: 'a@example.com',
      to: 'c@example.com',
      subject: 'Verify <your> address',
      text: 'Open http://localhost:3000/verify-email?token=abc&x=1 to verify.',
      html: HOSTILE_HTML,
    });
    app = await serve(sink, { NODE_ENV: 'development' });
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    await sink.stop();
  });

  it("answers JSON for Accept: application/json, newest first, with each message's parts and links", async () => {
    const response = await fetch(`${url}/dev/mailbox`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const entries = (await response.json()) as MailboxEntryDto[];
    expect(entries).toEqual([
      expect.objectContaining({
        subject: 'Verify <your> address',
        to: ['c@example.com'],
        html: expect.stringContaining('<script>') as string,
        links: ['http://localhost:3000/verify-email?token=abc&x=1'],
      }),
      expect.objectContaining({ subject: 'Reset', to: ['b@example.com'], text: 'link\n', links: [] }),
    ]);
    expect(new Date(entries[0].receivedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(entries[1].receivedAt).getTime(),
    );
    const one = await fetch(`${url}/dev/mailbox/${entries[1].id}`, {
      headers: { accept: 'application/json' },
    });
    expect(await one.json()).toEqual(entries[1]);
  });

  it('answers a browser with an HTML page listing subject, recipient and time', async () => {
    const response = await fetch(`${url}/dev/mailbox`, { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('Verify &lt;your&gt; address');
    expect(page).not.toContain('Verify <your> address');
    expect(page.indexOf('Verify &lt;your&gt;')).toBeLessThan(page.indexOf('>Reset<'));
    expect(page).toContain('c@example.com');
  });

  it('shows a message with its HTML escaped into a sandboxed srcdoc frame and its links clickable', async () => {
    const [entry] = (await (
      await fetch(`${url}/dev/mailbox`, { headers: { accept: 'application/json' } })
    ).json()) as MailboxEntryDto[];
    const page = await (await fetch(`${url}/dev/mailbox/${entry.id}`)).text();
    const frame =
      /<iframe id="html-part"[^>]*sandbox="allow-popups allow-popups-to-escape-sandbox"[^>]*srcdoc="([^"]*)"/.exec(
        page,
      );
    expect(frame).not.toBeNull();
    // Everything of the e-mail is inside the attribute, escaped: no raw tag or quote escapes it.
    expect(frame![1]).toContain('&lt;script&gt;');
    expect(frame![1]).toContain('&quot;&#39;');
    expect(page.replace(frame![0], '')).not.toContain('<script');
    expect(page).toContain(
      '<a href="http://localhost:3000/verify-email?token=abc&amp;x=1" target="_blank" rel="noopener">',
    );
  });

  it('answers an unknown message id with 404', async () => {
    const response = await fetch(`${url}/dev/mailbox/000000000000`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(404);
  });

  it('does not exist under NODE_ENV=production, even with the embedded sink', async () => {
    const production = await serve(sink, { NODE_ENV: 'production' });
    try {
      expect((await fetch(`${await production.getUrl()}/dev/mailbox`)).status).toBe(404);
    } finally {
      await production.close();
    }
  });
});

/** Sends one message `m<n>` from a@ to b@example.com through the sink per number, with `content(n)`. */
async function sendNumbered(
  sink: SmtpSink,
  numbers: number[],
  content: (n: number) => { html: string } | { text: string },
): Promise<void> {
  const transport = createTransport(sink.url);
  for (const n of numbers) {
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: `m${n}`, ...content(n) });
  }
}

describe('SmtpSink with persistDir', () => {
  const directory = mkdtempSync(join(tmpdir(), 'coursehub-mailbox-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps accepted messages across a restart, and only the newest `keep` of them', async () => {
    const first = await SmtpSink.start({ persistDir: directory, keep: 3 });
    await sendNumbered(first, [1, 2], (n) => ({ html: `<p>${n}</p>` }));
    await first.stop();

    const second = await SmtpSink.start({ persistDir: directory, keep: 3 });
    try {
      expect(second.messages.map((message) => message.subject)).toEqual(['m1', 'm2']);
      expect(second.messages[0].html?.trim()).toBe('<p>1</p>');
      expect(second.messages[0].receivedAt).toBeInstanceOf(Date);
      await sendNumbered(second, [3, 4], (n) => ({ text: String(n) }));
      expect(second.messages.map((message) => message.subject)).toEqual(['m2', 'm3', 'm4']);
      expect(readdirSync(directory).sort()).toEqual([
        '0000000002.json',
        '0000000003.json',
        '0000000004.json',
      ]);
    } finally {
      await second.stop();
    }
  });
});
