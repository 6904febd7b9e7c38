import { Script } from 'node:vm';
import {
  login,
  outboxEvents,
  PUBLIC_URL,
  register,
  RESET_REQUESTED,
  VERIFICATION_REQUESTED,
} from './account-helpers';
import { AuthTestApp, authTestAppForSuite } from './auth-test-app';

/** What a browser gets for a URL: status, headers, body text. */
async function open(app: AuthTestApp, path: string, accept = 'text/html,*/*;q=0.8') {
  const response = await fetch(app.url + path, { headers: { accept } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function expectPageHeaders(headers: Headers): void {
  expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  const csp = headers.get('content-security-policy') ?? '';
  // Scripts only from this origin: no inline script, no eval, nothing from elsewhere.
  expect(csp).toMatch(/(^|;\s*)script-src 'self'(;|$)/);
  expect(csp).toMatch(/(^|;\s*)default-src 'none'(;|$)/);
  expect(csp).toMatch(/(^|;\s*)connect-src 'self'(;|$)/);
  expect(csp).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
  // One Content-Security-Policy, not helmet's and the page's side by side.
  expect(csp).not.toContain(',');
}

describe('the pages the links of account e-mails open', () => {
  const app = authTestAppForSuite({ PUBLIC_URL });

  it('serves /verify-email?token= as a page that changes nothing until its button is used', async () => {
    const grace = await register(app, 'grace@example.com', 'cobol-compiler-1', 'Grace');
    const link = new URL(
      (await tokenLink(app, VERIFICATION_REQUESTED, grace.email)).replace(PUBLIC_URL, app.url),
    );
    const token = link.searchParams.get('token')!;

    const page = await open(app, link.pathname + link.search);
    expect(page.status).toBe(200);
    expectPageHeaders(page.headers);
    expect(page.text).toMatch(/^<!doctype html>/);
    expect(page.text).toContain('<h1>Verify your e-mail address</h1>');
    expect(page.text).toContain('data-endpoint="/auth/verify-email"');
    expect(page.text).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(page.text).toContain('<script src="/auth/account-pages.js" defer></script>');
    // No inline script: the page's one script element is the external one.
    expect(page.text.match(/<script/g)).toHaveLength(1);

    // Opening the page (as a mail scanner would) verified nothing and spent nothing.
    const session = await login(app, grace.email, grace.password);
    expect((await app.api('GET', '/auth/me', { token: session.accessToken })).body).toMatchObject({
      emailVerified: false,
    });
    const again = await open(app, link.pathname + link.search);
    expect(again.status).toBe(200);
    // What the page's script sends: the token from the page, as JSON.
    const verified = await app.api('POST', '/auth/verify-email', { body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ email: grace.email, emailVerified: true });
  });

  it('serves /reset-password?token= as a form for the new password, twice', async () => {
    const alan = await register(app, 'alan@example.com', 'enigma-machine-1', 'Alan');
    expect((await app.api('POST', '/auth/password-reset', { body: { email: alan.email } })).status).toBe(202);
    const link = new URL((await tokenLink(app, RESET_REQUESTED, alan.email)).replace(PUBLIC_URL, app.url));
    const token = link.searchParams.get('token')!;

    const page = await open(app, link.pathname + link.search);
    expect(page.status).toBe(200);
    expectPageHeaders(page.headers);
    expect(page.text).toContain('<h1>Choose a new password</h1>');
    expect(page.text).toContain('data-endpoint="/auth/password-reset/confirm"');
    expect(page.text).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(page.text).toMatch(
      /<input type="password" id="password" name="password" autocomplete="new-password"/,
    );
    expect(page.text).toMatch(/<input type="password" id="confirmation" name="confirmation"/);

    // The page changed nothing: the old password still works, the token still sets a new one.
    await login(app, alan.email, alan.password);
    const reset = await app.api('POST', '/auth/password-reset/confirm', {
      body: { token, password: 'bombe-decrypts-2' },
    });
    expect(reset.status).toBe(200);
    await login(app, alan.email, 'bombe-decrypts-2');
  });

  it('escapes a hostile token: it comes back as text in an attribute, never as markup', async () => {
    const hostile = `"><script>alert('x')</script><img src=x onerror=alert(1)>&amp;`;
    for (const path of ['/verify-email', '/reset-password']) {
      const page = await open(app, `${path}?token=${encodeURIComponent(hostile)}`);
      expect(page.status).toBe(200);
      expectPageHeaders(page.headers);
      expect(page.text).toContain(
        '<input type="hidden" name="token" value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;' +
          '&lt;img src=x onerror=alert(1)&gt;&amp;amp;">',
      );
      expect(page.text).not.toContain('<script>alert');
      expect(page.text).not.toContain('<img');
      expect(page.text.match(/<script/g)).toHaveLength(1);
    }
  });

  it('answers a link without a usable token with 400 in the one error shape', async () => {
    for (const path of [
      '/verify-email',
      '/reset-password',
      '/verify-email?token=short',
      `/reset-password?token=${'a'.repeat(201)}`,
      '/verify-email?token=q8Wm3Yt0bA1nV7cXo2LrE5sJ9gHk4uPd6fZiTwQyRNe&token=another-token-of-20-chars',
      '/reset-password?token=q8Wm3Yt0bA1nV7cXo2LrE5sJ9gHk4uPd6fZiTwQyRNe&utm_source=mail',
    ]) {
      const answer = await app.api('GET', path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.any(String),
      });
      expect(answer.body.requestId).toEqual(expect.any(String));
    }
  });

  it('serves the pages’ script from this origin, and it parses', async () => {
    const script = await open(app, '/auth/account-pages.js', '*/*');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.text).toContain('fetch(form.dataset.endpoint, {');
    expect(script.text).not.toContain('innerHTML');
    expect(() => new Script(script.text, { filename: 'account-pages.js' })).not.toThrow();
  });

  it('leaves the CSP of every other route as it was, and documents the pages under "pages"', async () => {
    const jwks = await open(app, '/auth/.well-known/jwks.json', 'application/json');
    expect(jwks.status).toBe(200);
    const globalPolicy = jwks.headers.get('content-security-policy') ?? '';
    expect(globalPolicy).toContain("default-src 'self'");
    expect(globalPolicy).not.toContain("connect-src 'self'");
    expect(jwks.headers.get('cache-control')).not.toBe('no-store');

    const document = (await app.api('GET', '/docs-json')).body;
    for (const path of ['/verify-email', '/reset-password', '/auth/account-pages.js']) {
      expect(document.paths[path].get.tags).toEqual(['pages']);
    }
    expect(Object.keys(document.paths['/verify-email'].get.responses)).toEqual(
      expect.arrayContaining(['200', '400']),
    );
  });
});

/** The link of the newest `type` e-mail request to `email`, exactly as the e-mail carries it. */
async function tokenLink(app: AuthTestApp, type: string, email: string): Promise<string> {
  const last = (await outboxEvents(app, type, { email })).at(-1);
  if (!last) throw new Error(`No ${type} event for ${email}`);
  return String(last.data.verificationUrl ?? last.data.resetUrl);
}
