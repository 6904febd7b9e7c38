import { eventually } from '@coursehub/testing';
import { Client } from 'pg';
import { AuthTestApp, call } from './auth-test-app';

/** One event of the auth outbox, as stored. */
export interface OutboxRow {
  id: string;
  topic: string;
  messageKey: string | null;
  sentAt: Date | null;
  type: string;
  data: Record<string, unknown>;
}

/** Runs one query on the app's database, as an operator would with psql. */
export async function sql<Row = Record<string, unknown>>(
  app: AuthTestApp,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new Client({ connectionString: app.database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Whom an event is about: its `data.email` and/or `data.userId`. */
export interface EventSubject {
  email?: string;
  userId?: string;
}

/** The outbox's events in publication order, optionally of one type and about one subject. */
export async function outboxEvents(
  app: AuthTestApp,
  type?: string,
  about: EventSubject = {},
): Promise<OutboxRow[]> {
  const rows = await sql<{
    id: string;
    topic: string;
    message_key: string | null;
    sent_at: Date | null;
    envelope: { type: string; data: Record<string, unknown> };
  }>(app, 'SELECT id, topic, message_key, sent_at, envelope FROM outbox_messages ORDER BY seq');
  return rows
    .map((row) => ({
      id: row.id,
      topic: row.topic,
      messageKey: row.message_key,
      sentAt: row.sent_at,
      type: row.envelope.type,
      data: row.envelope.data,
    }))
    .filter((row) => type === undefined || row.type === type)
    .filter((row) => about.email === undefined || row.data.email === about.email)
    .filter((row) => about.userId === undefined || row.data.userId === about.userId);
}

/** Where the links of account e-mails point in the tests that set it (PUBLIC_URL). */
export const PUBLIC_URL = 'https://learn.coursehub.test';

export const VERIFICATION_REQUESTED = 'user.email-verification-requested';
export const RESET_REQUESTED = 'user.password-reset-requested';
export const SECURITY_NOTICE = 'user.security-notice';

/** The token of the link in the newest `type` e-mail request addressed to `email`. */
export async function tokenSentTo(app: AuthTestApp, type: string, email: string): Promise<string> {
  const last = (await outboxEvents(app, type, { email })).at(-1);
  if (!last) throw new Error(`No ${type} event for ${email}`);
  const url = new URL(String(last.data.verificationUrl ?? last.data.resetUrl));
  return url.searchParams.get('token')!;
}

/** The kinds of the security notices (`user.security-notice`) sent to a user, oldest first. */
export async function securityNotices(app: AuthTestApp, userId: string): Promise<unknown[]> {
  return (await outboxEvents(app, SECURITY_NOTICE, { userId })).map((event) => event.data.notice);
}

/** Waits until the relay has published every event of the outbox. */
export async function outboxRelayed(app: AuthTestApp): Promise<void> {
  const unsent = await eventually(
    async () => (await outboxEvents(app)).filter((event) => event.sentAt === null).length,
    (count) => count === 0,
  );
  expect(unsent).toBe(0);
}

export interface Account {
  id: string;
  email: string;
  password: string;
}

export async function register(
  app: AuthTestApp,
  email: string,
  password = 'a-long-enough-password',
  displayName = 'Test Learner',
  headers?: Record<string, string>,
): Promise<Account> {
  const response = await call(app.url, 'POST', '/auth/register', {
    body: { email, password, displayName },
    headers,
  });
  expect(response.status).toBe(201);
  return { id: response.body.id, email: response.body.email, password };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export async function login(app: AuthTestApp, email: string, password: string): Promise<Session> {
  const response = await call(app.url, 'POST', '/auth/login', { body: { email, password } });
  expect(response.status).toBe(200);
  return { accessToken: response.body.accessToken, refreshToken: response.body.refreshToken };
}

/** The claims of an access token (not verified: the app verified it). */
export function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/** The status of a refresh with `refreshToken`: 200 while its session lives, 401 once revoked. */
export async function refreshStatus(app: AuthTestApp, refreshToken: string): Promise<number> {
  return (await call(app.url, 'POST', '/auth/refresh', { body: { refreshToken } })).status;
}

/** The refresh status of each session, in order: 200 while it lives, 401 once revoked. */
export async function refreshStatuses(app: AuthTestApp, sessions: Session[]): Promise<number[]> {
  return Promise.all(sessions.map((session) => refreshStatus(app, session.refreshToken)));
}
