import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync } from 'node:crypto';
import { createHttpApp } from '../src';
import { smokeModule } from './smoke-app';

async function startWithOrigins(origins: string): Promise<{ app: NestFastifyApplication; url: string }> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app = await createHttpApp(
    smokeModule({
      LOG_LEVEL: 'silent',
      CORS_ORIGINS: origins,
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    }),
    { title: 'cors test app' },
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

const preflight = (url: string, origin: string) =>
  fetch(`${url}/things/mine`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });

describe('CORS', () => {
  it('CORS_ORIGINS=* answers any origin with a literal * and never allows credentials', async () => {
    const { app, url } = await startWithOrigins('*');
    try {
      for (const response of [
        await preflight(url, 'https://evil.example'),
        await fetch(`${url}/health/live`, { headers: { origin: 'https://evil.example' } }),
      ]) {
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    } finally {
      await app.close();
    }
  });

  it('a list of origins allows credentials for those origins only', async () => {
    const { app, url } = await startWithOrigins('https://app.example');
    try {
      const allowed = await preflight(url, 'https://app.example');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await preflight(url, 'https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await app.close();
    }
  });
});
