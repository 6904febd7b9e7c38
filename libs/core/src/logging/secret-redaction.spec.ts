import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { secretRedaction } from './logging.module';

describe('log lines never carry secrets', () => {
  it('redacts secret fields, URL passwords and private keys in messages and errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coursehub-log-'));
    const file = join(dir, 'log.json');
    try {
      const logger = pino(
        { level: 'info', ...secretRedaction },
        pino.destination({ dest: file, sync: true }),
      );
      logger.info({ req: { headers: { authorization: 'Bearer abc.def.ghi' } } }, 'request');
      logger.info({ body: { email: 'a@example.com', password: 'correct horse battery' } }, 'login');
      logger.error({ err: new Error('connect ECONNREFUSED postgres://app:hunter2@db:5432/auth') }, 'db down');
      logger.warn('retrying smtp://mailer:smtp-pass@smtp.example:25');
      logger.info(
        { config: { privateKey: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----' } },
        'keys',
      );
      const text = readFileSync(file, 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, any>);
      expect(lines).toHaveLength(5);
      for (const secret of ['abc.def.ghi', 'correct horse', 'hunter2', 'smtp-pass', 'MIIB']) {
        expect(text).not.toContain(secret);
      }
      expect(lines[1].body).toEqual({ email: 'a@example.com', password: '[redacted]' });
      expect(lines[2].err.message).toBe('connect ECONNREFUSED postgres://app:***@db:5432/auth');
      expect(lines[3].msg).toBe('retrying smtp://mailer:***@smtp.example:25');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
