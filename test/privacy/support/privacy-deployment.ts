/*
 * The deployments the privacy tests run against, in both shapes CourseHub ships: the platform
 * (four features in this process, in-process transport) and the split deployment (four processes
 * of the built dist/ over the Kafka mock). Both expose what an auditor searches: the PostgreSQL
 * database of each service, the MongoDB server of the e-mail service, and the SMTP sink where the
 * e-mails arrive (the learner's mailbox, not a CourseHub store).
 */
import type { SmtpSink } from '@coursehub/embedded';
import { findRepoRoot, startSplitDeployment } from '@coursehub/testing';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startTestPlatform } from '../../platform/platform-test-app';

export type Service = 'auth' | 'course' | 'order' | 'email';
export type DatabaseService = 'auth' | 'course' | 'order';
export type DeploymentMode = 'platform' | 'split';

export interface Account {
  email: string;
  password: string;
}

/** What a test needs to act as people do: the services' URLs and the mailbox. */
export interface ApiDeployment {
  mode: DeploymentMode;
  /** Base URL of each service (in the platform, the same one for all four). */
  urls: Record<Service, string>;
  smtp: SmtpSink;
  admin: Account;
  /** The links in account e-mails start with this. */
  publicUrl: string;
  stop(): Promise<void>;
}

/** A deployment whose stores a test can also search, as an auditor would. */
export interface PrivacyDeployment extends ApiDeployment {
  /** DATABASE_URL of each PostgreSQL-backed service. */
  databaseUrls: Record<DatabaseService, string>;
  /** The e-mail service's MongoDB (its database in the path). */
  mongoUrl: string;
  /** The MongoDB server itself (every database of it is searched). */
  mongoServerUrl: string;
  /** The Kafka brokers (split deployment only; the platform's transport keeps nothing). */
  kafkaBrokers?: string[];
}

export const PUBLIC_URL = 'https://learn.coursehub.test';

/** The administrator the privacy tests seed their deployments with and log in as. */
export const ADMIN: Account = { email: 'admin@privacy.test', password: 'admin-password-123' };

const repoRoot = findRepoRoot(__dirname);

/**
 * Settings of both shapes: cheap argon2 and a generous credential throttle (hashing and brute-force
 * protection are not under test here), short polling so events and e-mails follow within
 * milliseconds, and the public URL of the links.
 */
function testEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PUBLIC_URL,
    AUTH_ARGON2_MEMORY_KIB: '1024',
    AUTH_ARGON2_TIME_COST: '1',
    AUTH_THROTTLE_LIMIT: '1000',
    OUTBOX_POLL_MS: '50',
    MESSAGING_RETRY_BASE_MS: '20',
    EMAIL_POLL_INTERVAL_MS: '100',
    EMAIL_RETRY_BASE_MS: '200',
    ORDERS_RATE_LIMIT: '1000',
    ...extra,
  };
}

/**
 * The platform test app (test/platform/platform-test-app.ts) with the database and MongoDB URLs the
 * store searches need.
 */
export async function startPrivacyPlatform(
  name: string,
  admin: Account,
  extraEnv: Record<string, string> = {},
): Promise<PrivacyDeployment> {
  const platform = await startTestPlatform(
    name,
    admin,
    testEnv({ LOG_LEVEL: process.env.PRIVACY_TEST_LOG_LEVEL ?? 'silent', ...extraEnv }),
  );
  const url = platform.url;
  return {
    mode: 'platform',
    urls: { auth: url, course: url, order: url, email: url },
    databaseUrls: platform.databaseUrls,
    mongoUrl: platform.mongoUrl,
    mongoServerUrl: platform.mongoServerUrl,
    smtp: platform.smtp,
    admin,
    publicUrl: PUBLIC_URL,
    stop: () => platform.stop(),
  };
}

/** The four services as processes of the freshly built dist/, over the Kafka mock. */
export async function startPrivacySplit(
  name: string,
  admin: Account,
  extraEnv: Record<string, string> = {},
): Promise<PrivacyDeployment> {
  // The deployment runs dist/: build it from the sources under test (swc, a few seconds).
  execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe' });
  const split = await startSplitDeployment({
    postgresUrl: process.env.TEST_POSTGRES_URL,
    databases: 'temporary',
    admin,
    env: testEnv(extraEnv),
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    logDir: join(repoRoot, '.tmp', 'privacy', name),
    readyTimeoutMs: 180_000,
  });
  return {
    mode: 'split',
    urls: split.urls,
    databaseUrls: split.databaseUrls,
    mongoUrl: split.mongoUrl,
    mongoServerUrl: split.mongo!.url,
    smtp: split.smtp!,
    admin,
    publicUrl: PUBLIC_URL,
    kafkaBrokers: split.kafka.bootstrapServers,
    stop: () => split.stop(),
  };
}

export function startDeployment(
  mode: DeploymentMode,
  name: string,
  admin: Account,
  extraEnv: Record<string, string> = {},
): Promise<PrivacyDeployment> {
  return mode === 'platform'
    ? startPrivacyPlatform(name, admin, extraEnv)
    : startPrivacySplit(name, admin, extraEnv);
}

/** Either shape, for tests of the API and the mailbox only. */
export function startApiDeployment(
  mode: DeploymentMode,
  name: string,
  admin: Account,
  extraEnv: Record<string, string> = {},
): Promise<ApiDeployment> {
  return startDeployment(mode, name, admin, extraEnv);
}
