import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml, htmlPage, PAGE_CONTENT_SECURITY_POLICY, prefersJson } from './html';
import { LandingSummaryDto, TryItStepDto } from './landing.dto';
import { LandingState } from './landing-state';

/** The base URL the caller used (so copied commands work from where the page was opened). */
function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function tryIt(base: string, state: LandingState): TryItStepDto[] {
  const { features } = state.options;
  const { admin, mailbox } = state.current;
  const json = "-H 'content-type: application/json'";
  const steps: TryItStepDto[] = [{ title: 'Is it ready?', command: `curl -s ${base}/health/ready` }];
  if (features.includes('course')) {
    steps.push({ title: 'Browse the catalogue', command: `curl -s '${base}/courses?limit=5'` });
  }
  if (features.includes('auth')) {
    steps.push({
      title: 'Register',
      command:
        `curl -s -XPOST ${base}/auth/register ${json} ` +
        `-d '{"email":"you@example.com","password":"correct-horse-1","displayName":"You"}'`,
    });
    steps.push({
      title: 'Log in (the answer holds an accessToken: send it as "authorization: Bearer …")',
      command: `curl -s -XPOST ${base}/auth/login ${json} -d '{"email":"you@example.com","password":"correct-horse-1"}'`,
    });
    if (admin?.passwordFile) {
      steps.push({
        title: 'Log in as the admin',
        command:
          `curl -s -XPOST ${base}/auth/login ${json} ` +
          `-d "{\\"email\\":\\"${admin.email}\\",\\"password\\":\\"$(cat '${admin.passwordFile}')\\"}"`,
      });
    }
  }
  if (mailbox) steps.push({ title: 'In a browser: the welcome e-mail', command: `${base}/dev/mailbox` });
  steps.push({
    title: 'In a browser: every route, with examples (Authorize with the accessToken)',
    command: `${base}/docs`,
  });
  return steps;
}

/** `/`: what this process runs and where to start, as a page or (Accept: application/json) JSON. */
@ApiTags('landing')
@Controller()
export class LandingController {
  constructor(private readonly state: LandingState) {}

  @Get()
  @ApiOperation({
    summary:
      'What this process runs and where to start: an HTML page, or JSON with Accept: application/json.',
  })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({
    type: LandingSummaryDto,
    description: 'The page (text/html) or this summary (application/json).',
  })
  landing(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const summary = this.summary(baseUrlOf(request));
    void reply.header('vary', 'accept');
    if (prefersJson(request.headers.accept)) {
      void reply.type('application/json; charset=utf-8').send(summary);
      return;
    }
    void reply
      .header('content-security-policy', PAGE_CONTENT_SECURITY_POLICY)
      .type('text/html; charset=utf-8')
      .send(renderLanding(summary));
  }

  summary(base: string): LandingSummaryDto {
    const { service, features, transport } = this.state.options;
    const details = this.state.current;
    return {
      service,
      features,
      transport,
      links: {
        docs: `${base}/docs`,
        openapi: `${base}/docs-json`,
        ready: `${base}/health/ready`,
        metrics: `${base}/metrics`,
        ...(details.mailbox ? { mailbox: `${base}/dev/mailbox` } : {}),
      },
      ...(details.admin ? { admin: details.admin } : {}),
      ...(details.dataDir ? { dataDir: details.dataDir } : {}),
      infrastructure: details.infrastructure ?? [],
      background: this.state.background(),
      tryIt: tryIt(base, this.state),
    };
  }
}

function link(href: string, label: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

/** The landing page: plain server-rendered HTML, no scripts. */
export function renderLanding(summary: LandingSummaryDto): string {
  const title = summary.service === 'platform' ? 'CourseHub' : `CourseHub ${summary.service} service`;
  const links = [
    `<li>${link(summary.links.docs, 'API docs')} <span class="muted">— every route, with examples; Authorize with a token</span></li>`,
    ...(summary.links.mailbox
      ? [
          `<li>${link(summary.links.mailbox, 'Dev mailbox')} <span class="muted">— the e-mails this process sent</span></li>`,
        ]
      : []),
    `<li>${link(summary.links.ready, 'Readiness')} <span class="muted">— 200 when it can serve</span></li>`,
    `<li>${link(summary.links.metrics, 'Metrics')} <span class="muted">— Prometheus</span></li>`,
    `<li>${link(summary.links.openapi, 'OpenAPI document')} <span class="muted">— JSON, for code generators</span></li>`,
  ];
  const admin = summary.admin
    ? `<h2>Admin</h2><p>E-mail <code id="admin-email">${escapeHtml(summary.admin.email)}</code>; ` +
      (summary.admin.passwordFile
        ? `password generated and kept in <code id="admin-password-file">${escapeHtml(summary.admin.passwordFile)}</code> (also printed in the start-up banner).</p>`
        : 'password from <code>ADMIN_PASSWORD</code>.</p>')
    : '';
  const background =
    summary.background.length > 0
      ? '<h2>In the background</h2><ul>' +
        summary.background
          .map(
            (task) =>
              `<li>${escapeHtml(task.name)}: <strong>${escapeHtml(task.status)}</strong>` +
              `${task.detail ? ` <span class="muted">— ${escapeHtml(task.detail)}</span>` : ''}</li>`,
          )
          .join('') +
        '</ul>'
      : '';
  const infrastructure =
    summary.infrastructure.length > 0 || summary.dataDir
      ? '<h2>Running on</h2><ul>' +
        [...summary.infrastructure, ...(summary.dataDir ? [`Data: ${summary.dataDir}`] : [])]
          .map((line) => `<li>${escapeHtml(line)}</li>`)
          .join('') +
        '</ul>'
      : '';
  const steps = summary.tryIt
    .map((step) => `<li>${escapeHtml(step.title)}<pre><code>${escapeHtml(step.command)}</code></pre></li>`)
    .join('');
  return htmlPage(
    title,
    `<h1>${escapeHtml(title)} is running</h1>` +
      `<p class="muted">Features: ${summary.features.map((feature) => `<span class="pill">${escapeHtml(feature)}</span>`).join('')}` +
      ` · transport: ${escapeHtml(summary.transport)} · <code>Accept: application/json</code> gets this page as JSON.</p>` +
      `<h2>Where to go</h2><ul id="links">${links.join('')}</ul>` +
      admin +
      background +
      `<h2>Try it in 30 seconds</h2><ol id="try-it">${steps}</ol>` +
      infrastructure,
  );
}
