/**
 * What a newcomer sees in a real browser (Debian's chromium through playwright-core): the landing
 * page at `/` with its links, and the dev mailbox — a registration's e-mail listed, opened, its HTML
 * part shown in a sandboxed frame and the link inside clickable. Screenshots go to
 * test-artifacts/browser/.
 */
import { eventually } from '@coursehub/testing';
import { artifactPath, MailboxEntry, useBrowsedPlatform } from './browser';

describe('landing page and dev mailbox in a browser', () => {
  const browsed = useBrowsedPlatform(
    'browser',
    { email: 'admin@browser.test', password: 'browser-admin-1' },
    { width: 1100, height: 900 },
  );

  it('shows what runs at / with links to the docs, the mailbox, readiness and metrics', async () => {
    const page = await browsed.context.newPage();
    const response = await page.goto(`${browsed.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await expect(page.title()).resolves.toBe('CourseHub');
    expect(await page.locator('h1').innerText()).toBe('CourseHub is running');
    const anchors = page.locator('#links a');
    const hrefs: (string | null)[] = [];
    for (let index = 0; index < (await anchors.count()); index++) {
      hrefs.push(await anchors.nth(index).getAttribute('href'));
    }
    expect(hrefs).toEqual([
      `${browsed.url}/docs`,
      `${browsed.url}/dev/mailbox`,
      `${browsed.url}/health/ready`,
      `${browsed.url}/metrics`,
      `${browsed.url}/docs-json`,
    ]);
    expect(await page.locator('#try-it li').count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: artifactPath('landing.png'), fullPage: true });

    // The links work: the docs render, readiness answers.
    await page.locator('#links a', { hasText: 'API docs' }).click();
    await page.waitForURL(`${browsed.url}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    const ready = await page.goto(`${browsed.url}/health/ready`);
    expect(ready?.status()).toBe(200);
    await page.close();
  });

  it('lists a registration e-mail in the mailbox, opens it and follows the link inside', async () => {
    const email = `browser-${Date.now()}@example.com`;
    const registered = await fetch(`${browsed.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct-horse-3', displayName: 'Bea <Browser>' }),
    });
    expect(registered.status).toBe(201);
    // E-mails follow the registration through the outbox: eventually, within about a second.
    const mailbox = async (): Promise<MailboxEntry[]> =>
      (await (
        await fetch(`${browsed.url}/dev/mailbox`, { headers: { accept: 'application/json' } })
      ).json()) as MailboxEntry[];
    const withLinkTo = (entries: MailboxEntry[]) =>
      entries.find((entry) => entry.to.includes(email) && entry.links.length > 0);
    const withLink = withLinkTo(
      await eventually(mailbox, (entries) => withLinkTo(entries) !== undefined, 15_000),
    );
    if (!withLink) throw new Error(`no e-mail with a link to ${email} arrived within 15 s`);

    const page = await browsed.context.newPage();
    const response = await page.goto(`${browsed.url}/dev/mailbox`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    const row = page.locator('#messages tbody tr', { hasText: email }).filter({ hasText: withLink.subject });
    await row.first().waitFor();
    await page.screenshot({ path: artifactPath('mailbox.png'), fullPage: true });

    await row.first().locator('a.subject').click();
    await page.waitForURL(`${browsed.url}/dev/mailbox/${withLink.id}`);
    expect(await page.locator('#subject').innerText()).toBe(withLink.subject);
    // The HTML part in a sandbox: no scripts, no same-origin access.
    const frame = page.locator('#html-part');
    expect(await frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    const link = page.frameLocator('#html-part').locator(`a[href="${withLink.links[0]}"]`);
    await link.waitFor();
    // The e-mail's HTML renders as a page of its own (escaping is checked in dev-mailbox.int-spec).
    expect((await page.frameLocator('#html-part').locator('body').innerText()).trim()).not.toBe('');
    await page.screenshot({ path: artifactPath('message.png'), fullPage: true });

    expect(withLink.links[0].startsWith(`${browsed.url}/`)).toBe(true);
    const [opened] = await Promise.all([browsed.context.waitForEvent('page'), link.click()]);
    await opened.waitForLoadState('domcontentloaded');
    // A new tab at the link's address, answered by this platform (an unsubscribe page, or the API's
    // error shape for a front-end route such as /verify-email: PUBLIC_URL is the API itself here).
    expect(opened.url()).toBe(withLink.links[0]);
    expect((await opened.locator('body').innerText()).trim()).not.toBe('');
    await opened.screenshot({ path: artifactPath('message-link.png') });
    await opened.close();

    // The same link in the text part and the link list is a plain, clickable anchor too.
    expect(await page.locator('#links a').first().getAttribute('href')).toBe(withLink.links[0]);
    await page.close();
  });
});
