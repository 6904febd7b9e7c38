import { findFreePorts } from '@coursehub/embedded';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium } from 'playwright-core';
import { startTestPlatform, TestPlatform } from '../platform/platform-test-app';

/** Where the browser tests save their screenshots (git-ignored; CI keeps them as artifacts). */
export const ARTIFACTS_DIR = resolve(__dirname, '..', '..', 'test-artifacts', 'browser');

/**
 * Debian's chromium (installed by `npm run setup`), or CHROMIUM_PATH. Missing, the test fails with
 * what to do — it never skips, so CI without a browser is red, not silently green.
 */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // Not on PATH; try the next name.
    }
  }
  throw new Error(
    'No chromium found for the browser tests: run `npm run setup` (apt-get install chromium) or set CHROMIUM_PATH',
  );
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Root in containers and CI agents: chromium's own sandbox needs user namespaces it may not get.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/** An e-mail as the dev mailbox lists it (`GET /dev/mailbox/messages`). */
export interface MailboxEntry {
  id: string;
  to: string[];
  subject: string;
  links: string[];
}

/** The platform (its `url` also its PUBLIC_URL) with a browser context to visit it in; `stop` ends both. */
export interface BrowsedPlatform extends TestPlatform {
  browser: Browser;
  context: BrowserContext;
}

/**
 * Launches the browser, then starts the platform (see startTestPlatform) on a free port that is
 * also its PUBLIC_URL, so the links in its e-mails lead back to it, and opens one browser context.
 */
export async function startBrowsedPlatform(
  name: string,
  admin: { email: string; password: string },
  viewport: { width: number; height: number },
): Promise<BrowsedPlatform> {
  // Before the platform: a missing chromium fails here, at once, with what to do.
  const browser = await launchBrowser();
  let platform: TestPlatform | undefined;
  try {
    const [port] = await findFreePorts(1, '127.0.0.1');
    platform = await startTestPlatform(name, admin, {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    });
    const context = await browser.newContext({ viewport });
    const started = platform;
    const stop = async () => {
      await context.close();
      await browser.close();
      await started.stop();
    };
    return { ...platform, browser, context, stop };
  } catch (error) {
    await browser.close();
    await platform?.stop();
    throw error;
  }
}

/**
 * A BrowsedPlatform for the enclosing suite: started in its beforeAll, stopped in its afterAll. The
 * returned object is filled in when beforeAll ran, so read its fields inside the tests.
 */
export function useBrowsedPlatform(
  name: string,
  admin: { email: string; password: string },
  viewport: { width: number; height: number },
): BrowsedPlatform {
  const browsed = {} as BrowsedPlatform;
  beforeAll(async () => {
    Object.assign(browsed, await startBrowsedPlatform(name, admin, viewport));
  }, 120_000);
  afterAll(async () => {
    await browsed.stop?.();
  });
  return browsed;
}
