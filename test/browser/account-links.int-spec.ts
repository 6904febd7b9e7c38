/**
 * The links of account e-mails, followed in a real browser (Debian's chromium through
 * playwright-core) on the platform: the verification link opened from the dev mailbox verifies the
 * address, the password reset link's form sets a new password that then logs in over HTTP. The
 * pages' script runs under their Content-Security-Policy: any violation or page error fails the
 * test. Screenshots go to test-artifacts/browser/.
 */
import { apiCall, eventually } from '@coursehub/testing';
import type { BrowserContext } from 'playwright-core';
import { artifactPath, MailboxEntry, useBrowsedPlatform } from './browser';

/**
 * Console errors (CSP violations among them) and uncaught exceptions of the context's pages at
 * `prefix`, from their first moment (a popup's own listeners would come too late for its load).
 */
function watchProblems(context: BrowserContext, prefix: string): string[] {
  const problems: string[] = [];
  context.on('console', (message) => {
    if (message.type() === 'error' && message.page()?.url().startsWith(prefix))
      problems.push(`console: ${message.text()}`);
  });
  context.on('weberror', (error) => {
    if (error.page()?.url().startsWith(prefix)) problems.push(`page error: ${error.error().message}`);
  });
  return problems;
}

describe('account e-mail links in a browser', () => {
  const email = `links-${Date.now()}@example.com`;
  const password = 'first-password-1';
  const newPassword = 'second-password-2';
  const browsed = useBrowsedPlatform(
    'account_links',
    { email: 'admin@links.test', password: 'links-admin-1' },
    { width: 1000, height: 800 },
  );

  /** The newest e-mail to `email` with a link to `path`, once the outbox has delivered it. */
  async function mailWithLink(path: string): Promise<{ entry: MailboxEntry; link: string }> {
    const linkIn = (entry: MailboxEntry) =>
      entry.links.find((link) => link.startsWith(`${browsed.url}${path}?token=`));
    const find = (entries: MailboxEntry[]) =>
      entries.filter((entry) => entry.to.includes(email) && linkIn(entry) !== undefined).at(-1);
    const entries = await eventually(
      async () =>
        (await (
          await fetch(`${browsed.url}/dev/mailbox`, { headers: { accept: 'application/json' } })
        ).json()) as MailboxEntry[],
      (current) => find(current) !== undefined,
      15_000,
    );
    const entry = find(entries);
    if (!entry) throw new Error(`no e-mail with a ${path} link to ${email} arrived within 15 s`);
    return { entry, link: linkIn(entry)! };
  }

  it('verifies the address from the link of the registration e-mail, opened in the dev mailbox', async () => {
    const registered = await apiCall(browsed.url, 'POST', '/auth/register', {
      body: { email, password, displayName: 'Lin <Links>' },
    });
    expect(registered.status).toBe(201);
    const { entry, link } = await mailWithLink('/verify-email');

    // As a person does it: the mailbox, the e-mail, the link in its HTML part (a new tab).
    const mailbox = await browsed.context.newPage();
    await mailbox.goto(`${browsed.url}/dev/mailbox/${entry.id}`);
    const anchor = mailbox.frameLocator('#html-part').locator(`a[href="${link}"]`);
    const problems = watchProblems(browsed.context, `${browsed.url}/verify-email`);
    const [page, response] = await Promise.all([
      browsed.context.waitForEvent('page'),
      browsed.context.waitForEvent('response', (answer) => answer.url() === link),
      anchor.click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['cache-control']).toBe('no-store');
    expect(response.headers()['referrer-policy']).toBe('no-referrer');
    await page.waitForLoadState('load');
    expect(await page.locator('h1').innerText()).toBe('Verify your e-mail address');
    await page.screenshot({ path: artifactPath('verify-email.png'), fullPage: true });

    await page.getByRole('button', { name: 'Verify my address' }).click();
    const result = page.locator('#result.ok');
    await result.waitFor();
    expect(await result.innerText()).toContain('Your e-mail address is verified.');
    expect(await result.innerText()).toContain(email);
    // The used token left the address bar (and the history entry).
    expect(page.url()).toBe(`${browsed.url}/verify-email`);
    await page.screenshot({ path: artifactPath('verify-email-done.png'), fullPage: true });
    expect(problems).toEqual([]);

    // The API agrees.
    const login = await apiCall(browsed.url, 'POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const me = await apiCall(browsed.url, 'GET', '/auth/me', { token: login.body.accessToken });
    expect(me.body).toMatchObject({ email, emailVerified: true });

    // Opened again, the link is spent: the page shows the error shape's message.
    await page.goto(link);
    await page.getByRole('button', { name: 'Verify my address' }).click();
    const error = page.locator('#result.error');
    await error.waitFor();
    expect(await error.innerText()).toBe('This link is invalid or has expired');
    await page.screenshot({ path: artifactPath('verify-email-used.png'), fullPage: true });
    await page.close();
    await mailbox.close();
  });

  it('sets a new password through the reset link’s form; it logs in over HTTP, the old one no longer does', async () => {
    const requested = await apiCall(browsed.url, 'POST', '/auth/password-reset', { body: { email } });
    expect(requested.status).toBe(202);
    const { link } = await mailWithLink('/reset-password');

    const problems = watchProblems(browsed.context, `${browsed.url}/reset-password`);
    const page = await browsed.context.newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response?.headers()['cache-control']).toBe('no-store');
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('h1').innerText()).toBe('Choose a new password');

    // Two different passwords: the page says so and sends nothing.
    await page.getByLabel('New password', { exact: false }).first().fill(newPassword);
    await page.getByLabel('New password again').fill('something-else-3');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    expect(await page.locator('#result.error').innerText()).toBe('The two passwords are not the same.');
    expect((await apiCall(browsed.url, 'POST', '/auth/login', { body: { email, password } })).status).toBe(
      200,
    );

    await page.locator('#password').fill(newPassword);
    await page.locator('#confirmation').fill(newPassword);
    await page.screenshot({ path: artifactPath('reset-password.png'), fullPage: true });
    await page.getByRole('button', { name: 'Set the new password' }).click();
    const result = page.locator('#result.ok');
    await result.waitFor();
    expect(await result.innerText()).toContain('Your password is changed.');
    expect(page.url()).toBe(`${browsed.url}/reset-password`);
    await expect(page.locator('#password').count()).resolves.toBe(0);
    await page.screenshot({ path: artifactPath('reset-password-done.png'), fullPage: true });
    expect(problems).toEqual([]);

    const withNew = await apiCall(browsed.url, 'POST', '/auth/login', {
      body: { email, password: newPassword },
    });
    expect(withNew.status).toBe(200);
    expect(withNew.body.accessToken).toEqual(expect.any(String));
    const withOld = await apiCall(browsed.url, 'POST', '/auth/login', { body: { email, password } });
    expect(withOld.status).toBe(401);
    await page.close();
  });
});
