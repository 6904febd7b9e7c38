import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { databaseEnvSchema } from './env';
import { redactSecrets } from './redact-secrets';
import { InvalidEnvironmentError, parseEnv } from './validate-env';

const privatePem = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('secrets in configuration errors and log lines', () => {
  it('keeps user, host and database of URLs, never their password', () => {
    expect(redactSecrets('postgres://app:hunter2@db.internal:5432/auth')).toBe(
      'postgres://app:***@db.internal:5432/auth',
    );
    expect(redactSecrets('connect to mongodb://u:p%40ss@m1,m2/x?authSource=admin failed')).toBe(
      'connect to mongodb://u:***@m1,m2/x?authSource=admin failed',
    );
    expect(redactSecrets('"smtps://mailer:s3cret@smtp.example:465"')).toBe(
      '"smtps://mailer:***@smtp.example:465"',
    );
    expect(redactSecrets('postgres://app@db/auth?sslpassword=topsecret&x=1')).toBe(
      'postgres://app@db/auth?sslpassword=***&x=1',
    );
    expect(redactSecrets('no secret: user@example.com, http://host:8080/path')).toBe(
      'no secret: user@example.com, http://host:8080/path',
    );
    expect(redactSecrets(`key ${privatePem.trim()} end`)).toBe('key [redacted private key] end');
    expect(redactSecrets(JSON.stringify(privatePem))).not.toMatch(/MII/);
  });

  it('never echoes a malformed DATABASE_URL, MONGO_URL, SMTP_URL, SASL password or private key in the start-up error', () => {
    const schema = databaseEnvSchema.extend({
      MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//),
      SMTP_URL: z.url(),
      KAFKA_SASL_PASSWORD: z.string().min(50),
      JWT_PRIVATE_KEY: z.string().startsWith('-----BEGIN RSA'),
    });
    // Each matcher below starts it again: a string or a pattern is checked against the error's message.
    const startUp = () =>
      parseEnv(schema, {
        DATABASE_URL: 'postgresql//app:hunter2@db.internal/auth',
        MONGO_URL: 'mongo://mail:m0ngopass@mongo:27017/email',
        SMTP_URL: 'smtp://mailer:smtp-pass@bad host:25',
        KAFKA_SASL_PASSWORD: 'sasl-secret',
        JWT_PRIVATE_KEY: privatePem,
      });
    expect(startUp).toThrow(InvalidEnvironmentError);
    for (const secret of ['hunter2', 'm0ngopass', 'smtp-pass', 'sasl-secret', 'PRIVATE KEY', 'MII']) {
      expect(startUp).not.toThrow(secret);
    }
    // Still says which variable is wrong and shows what is safe to show.
    expect(startUp).toThrow('DATABASE_URL: expected a postgres');
    expect(startUp).toThrow('postgresql//app:***@db.internal/auth');
    expect(startUp).toThrow('mongo://mail:***@mongo:27017/email');
    expect(startUp).toThrow(/KAFKA_SASL_PASSWORD: .*"\*\*\*"/);
  });
});
