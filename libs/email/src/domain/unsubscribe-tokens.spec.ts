import { Logger } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsubscribeTokens } from './unsubscribe-tokens';

const USER = '7f1c2a9e-3b1d-4c55-9f0e-2a6b8d4e1c30';
const SECRET = 'a-test-secret-that-is-long-enough-1234567890';

function tokensWith(env: Record<string, unknown>): UnsubscribeTokens {
  const values: Record<string, unknown> = { PORT: 3000, NODE_ENV: 'test', DATA_DIR: './data', ...env };
  return new UnsubscribeTokens({ get: (key: string) => values[key] } as never);
}

describe('UnsubscribeTokens', () => {
  let dataDir: string;
  beforeAll(() => {
    Logger.overrideLogger(false); // the generated-secret warning is expected here
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'email-unsubscribe-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('verifies what it signed and builds the public link', () => {
    const tokens = tokensWith({ EMAIL_UNSUBSCRIBE_SECRET: SECRET, PUBLIC_URL: 'https://coursehub.example/' });
    const token = tokens.sign({ userId: USER, category: 'recommendations' });
    expect(tokens.verify(token)).toEqual({ userId: USER, category: 'recommendations' });
    expect(tokens.urlFor({ userId: USER, category: 'courseUpdates' })).toMatch(
      new RegExp(
        `^https://coursehub\\.example/emails/unsubscribe\\?token=${USER}\\.courseUpdates\\.[\\w-]{43}$`,
      ),
    );
  });

  it('rejects forged, altered and malformed tokens', () => {
    const tokens = tokensWith({ EMAIL_UNSUBSCRIBE_SECRET: SECRET });
    const token = tokens.sign({ userId: USER, category: 'recommendations' });
    const [, , signature] = token.split('.');
    const other = tokensWith({ EMAIL_UNSUBSCRIBE_SECRET: `${SECRET}-other` });
    expect(other.verify(token)).toBeNull();
    expect(tokens.verify(`${USER}.courseUpdates.${signature}`)).toBeNull();
    expect(tokens.verify(`${USER.replace('7f', '8f')}.recommendations.${signature}`)).toBeNull();
    expect(tokens.verify(`${token}x`)).toBeNull();
    expect(tokens.verify(`${USER}.recommendations`)).toBeNull();
    expect(tokens.verify(`${USER}.marketing.${signature}`)).toBeNull();
    expect(tokens.verify('')).toBeNull();
  });

  it('requires the secret in production', () => {
    expect(() => tokensWith({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(
      /EMAIL_UNSUBSCRIBE_SECRET is required when NODE_ENV=production/,
    );
  });

  it('generates a development secret once into DATA_DIR and keeps using it', () => {
    const first = tokensWith({ DATA_DIR: dataDir });
    const secret = readFileSync(join(dataDir, 'email', 'unsubscribe-secret'), 'utf8');
    expect(secret.length).toBeGreaterThanOrEqual(64);
    const token = first.sign({ userId: USER, category: 'courseUpdates' });
    expect(tokensWith({ DATA_DIR: dataDir }).verify(token)).toEqual({
      userId: USER,
      category: 'courseUpdates',
    });
  });
});
