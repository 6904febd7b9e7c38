import { escapeHtml, htmlPage, PAGE_CONTENT_SECURITY_POLICY, prefersJson } from '@coursehub/core';
import {
  Controller,
  DynamicModule,
  Get,
  Inject,
  Module,
  NotFoundException,
  Param,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '@coursehub/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { CapturedMessage, SmtpSink } from '../smtp';

const MAILBOX = Symbol('DEV_MAILBOX');

/** One e-mail the embedded SMTP sink caught. */
export class MailboxEntryDto {
  @ApiProperty({
    example: '3f2a9c41d07e',
    description: 'Stable id (derived from the message), for /dev/mailbox/:id.',
  })
  id!: string;

  @ApiPropertyOptional({ example: 'no-reply@coursehub.local' })
  from!: string | undefined;

  @ApiProperty({ type: [String], example: ['sam@example.com'] })
  to!: string[];

  @ApiPropertyOptional({ example: 'Welcome to CourseHub' })
  subject!: string | undefined;

  @ApiPropertyOptional({ example: '2026-11-29T10:15:02.000Z', description: 'The Date header.' })
  date!: string | undefined;

  @ApiProperty({ example: '2026-11-29T10:15:02.114Z', description: 'When the sink accepted it.' })
  receivedAt!: string;

  @ApiPropertyOptional({ example: 'Hello Sam,\n\nwelcome to CourseHub! …' })
  text!: string | undefined;

  @ApiPropertyOptional({ example: '<p>Hello Sam,</p><p>welcome to CourseHub! …</p>' })
  html!: string | undefined;

  @ApiProperty({
    type: [String],
    example: ['http://localhost:3000/verify-email?token=7f1c2e…'],
    description: 'The http(s) links of the e-mail (verification, password reset, unsubscribe).',
  })
  links!: string[];
}

const LINK_PATTERN = /https?:\/\/[^\s<>"')\]]+/g;

function idOf(message: CapturedMessage): string {
  return createHash('sha256').update(message.raw).digest('hex').slice(0, 12);
}

function linksOf(message: CapturedMessage): string[] {
  const found = new Set<string>();
  for (const match of message.html?.matchAll(/href\s*=\s*"([^"]+)"/gi) ?? []) {
    const href = match[1].replace(/&amp;/g, '&');
    if (/^https?:\/\//i.test(href)) found.add(href);
  }
  for (const match of message.text?.matchAll(LINK_PATTERN) ?? []) found.add(match[0]);
  return [...found];
}

function entryOf(message: CapturedMessage): MailboxEntryDto {
  return {
    id: idOf(message),
    from: message.from,
    to: message.to,
    subject: message.subject,
    date: message.date?.toISOString(),
    receivedAt: message.receivedAt.toISOString(),
    text: message.text,
    html: message.html,
    links: linksOf(message),
  };
}

function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Plain text with its URLs as links (everything escaped). */
function linkify(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(LINK_PATTERN)) {
    const index = match.index ?? 0;
    html += escapeHtml(text.slice(last, index));
    html += `<a href="${escapeHtml(match[0])}" target="_blank" rel="noopener">${escapeHtml(match[0])}</a>`;
    last = index + match[0].length;
  }
  return html + escapeHtml(text.slice(last));
}

function renderList(entries: MailboxEntryDto[]): string {
  const rows = entries
    .map(
      (entry) =>
        `<tr><td class="muted">${escapeHtml(formatTime(entry.receivedAt))}</td>` +
        `<td>${escapeHtml(entry.to.join(', '))}</td>` +
        `<td><a class="subject" href="/dev/mailbox/${escapeHtml(entry.id)}">${escapeHtml(entry.subject ?? '(no subject)')}</a></td></tr>`,
    )
    .join('');
  return htmlPage(
    'Dev mailbox — CourseHub',
    '<p><a href="/">← CourseHub</a></p><h1>Dev mailbox</h1>' +
      `<p class="muted">${entries.length} e-mail${entries.length === 1 ? '' : 's'} caught by the embedded SMTP sink, newest first ` +
      '(kept in <code>DATA_DIR/mailbox</code>). Nothing here left this machine. ' +
      '<code>Accept: application/json</code> gets them as JSON.</p>' +
      (entries.length === 0
        ? '<p id="empty">No e-mails yet: register a user (<code>POST /auth/register</code>) and its welcome e-mail shows up here.</p>'
        : `<table id="messages"><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`),
  );
}

function renderMessage(entry: MailboxEntryDto): string {
  // The e-mail's HTML runs in a sandboxed frame: no scripts, no same-origin access, no forms; links
  // open in a new tab (a <base target> added in front, popups allowed to leave the sandbox).
  const document = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"></head><body>${entry.html ?? ''}</body></html>`;
  const links = entry.links.length
    ? `<h2>Links in this e-mail</h2><ul id="links">${entry.links
        .map(
          (link) =>
            `<li><a href="${escapeHtml(link)}" target="_blank" rel="noopener">${escapeHtml(link)}</a></li>`,
        )
        .join('')}</ul>`
    : '';
  return htmlPage(
    `${entry.subject ?? '(no subject)'} — Dev mailbox`,
    '<p><a href="/dev/mailbox">← Dev mailbox</a></p>' +
      `<h1 id="subject">${escapeHtml(entry.subject ?? '(no subject)')}</h1>` +
      '<table>' +
      `<tr><th>From</th><td>${escapeHtml(entry.from ?? '')}</td></tr>` +
      `<tr><th>To</th><td>${escapeHtml(entry.to.join(', '))}</td></tr>` +
      `<tr><th>Received</th><td>${escapeHtml(formatTime(entry.receivedAt))}</td></tr>` +
      '</table>' +
      (entry.html !== undefined
        ? '<h2>HTML</h2><iframe id="html-part" title="The e-mail\'s HTML part" ' +
          `sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc="${escapeHtml(document)}"></iframe>`
        : '') +
      (entry.text !== undefined ? `<h2>Text</h2><pre id="text-part">${linkify(entry.text)}</pre>` : '') +
      links,
  );
}

function sendPage(reply: FastifyReply, html: string): void {
  void reply
    .header('vary', 'accept')
    .header('content-security-policy', PAGE_CONTENT_SECURITY_POLICY)
    .type('text/html; charset=utf-8')
    .send(html);
}

/** The e-mails the embedded SMTP sink caught; only mounted in embedded mode. */
@ApiTags('dev')
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(@Inject(MAILBOX) private readonly sink: SmtpSink) {}

  @Get()
  @ApiOperation({
    summary:
      'E-mails received by the embedded SMTP sink, newest first (embedded mode only): a page, or JSON with Accept: application/json.',
  })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: [MailboxEntryDto], description: 'The received e-mails, newest first.' })
  list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const entries = [...this.sink.messages].reverse().map(entryOf);
    if (prefersJson(request.headers.accept)) void reply.header('vary', 'accept').send(entries);
    else sendPage(reply, renderList(entries));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One received e-mail: its HTML part (sandboxed), text part and links.' })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: MailboxEntryDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No e-mail with this id.' })
  show(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const message = this.sink.messages.find((candidate) => idOf(candidate) === id);
    if (!message) throw new NotFoundException(`No e-mail ${id} in the dev mailbox`);
    const entry = entryOf(message);
    if (prefersJson(request.headers.accept)) void reply.header('vary', 'accept').send(entry);
    else sendPage(reply, renderMessage(entry));
  }
}

/**
 * `/dev/mailbox`, for the embedded SMTP sink only (the platform registers it when it started one),
 * and never under NODE_ENV=production: there it would show every user's e-mails (reset links
 * included) to anyone.
 */
@Module({})
export class DevMailboxModule {
  static register(sink: SmtpSink, env: Record<string, string | undefined> = process.env): DynamicModule {
    if (env.NODE_ENV === 'production') return { module: DevMailboxModule };
    return {
      module: DevMailboxModule,
      controllers: [DevMailboxController],
      providers: [{ provide: MAILBOX, useValue: sink }],
    };
  }
}
