import { escapeHtml, prefersJson } from './html';
import { renderLanding } from './landing.controller';
import { LandingSummaryDto } from './landing.dto';

describe('prefersJson', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['application/json', true],
    ['application/json, text/plain, */*', true],
    ['text/html;q=0.5, application/json', true],
    ['application/json;q=0.2, text/html', false],
    ['application/json;q=0', false],
  ])('%s → %s', (accept, expected) => {
    expect(prefersJson(accept)).toBe(expected);
  });
});

describe('escapeHtml', () => {
  it('escapes markup and both quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('renderLanding', () => {
  const summary: LandingSummaryDto = {
    service: 'auth',
    features: ['auth'],
    transport: 'kafka',
    links: {
      docs: 'http://auth:3000/docs',
      openapi: 'http://auth:3000/docs-json',
      ready: 'http://auth:3000/health/ready',
      metrics: 'http://auth:3000/metrics',
    },
    infrastructure: [],
    background: [{ name: 'demo <data>', status: 'running' }],
    tryIt: [{ title: 'Is it ready?', command: "curl -s 'http://auth:3000/health/ready?x=<y>'" }],
  };

  it('names the service, links what it serves and leaves the mailbox out when there is none', () => {
    const page = renderLanding(summary);
    expect(page).toContain('<title>CourseHub auth service</title>');
    expect(page).toContain('<a href="http://auth:3000/docs">API docs</a>');
    expect(page).toContain('<a href="http://auth:3000/metrics">Metrics</a>');
    expect(page).not.toContain('mailbox');
    expect(page).not.toContain('<script');
  });

  it('escapes everything it shows', () => {
    const page = renderLanding(summary);
    expect(page).toContain('demo &lt;data&gt;: <strong>running</strong>');
    expect(page).toContain('curl -s &#39;http://auth:3000/health/ready?x=&lt;y&gt;&#39;');
  });
});
