import { createEnvelope, userDeleted, userRegistered } from '@coursehub/contracts';
import { NotFoundError, PersonalDataExports } from '@coursehub/core';
import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { EmailCategorySwitches, EmailPreferencesRepository } from '../data/email-preferences.repository';
import type { EmailRecord } from '../data/email-record.schema';
import type { EmailRecordsRepository, NewEmailRecord } from '../data/email-records.repository';
import type { ErasedUser } from '../data/erased-user.schema';
import type { ErasedUsersRepository } from '../data/erased-users.repository';
import type { UserProjection } from '../data/user-projection.schema';
import type { UserProjectionsRepository } from '../data/user-projections.repository';
import { EMAIL_TEMPLATES } from '../email.constants';
import { EmailPreferencesService } from './email-preferences.service';
import { EmailsService } from './emails.service';
import { PersonalEmailDataService, REDACTED_LINK } from './personal-email-data.service';
import { UnsubscribeTokens } from './unsubscribe-tokens';

/** The `emails` collection in memory: what the service reads and writes of it. */
class InMemoryEmails {
  readonly records: EmailRecord[] = [];
  createIndexes() {
    return Promise.resolve();
  }
  findAllOfUser(userId: string) {
    return Promise.resolve(this.records.filter((record) => record.userId === userId));
  }
  insert(email: NewEmailRecord): Promise<boolean> {
    if (this.records.some((record) => record.eventId === email.eventId)) return Promise.resolve(false);
    this.records.push({
      ...email,
      _id: new Types.ObjectId(),
      attempts: 0,
      createdAt: new Date(),
      sentAt: null,
    } as EmailRecord);
    return Promise.resolve(true);
  }
  findByEventId(eventId: string) {
    return Promise.resolve(this.records.find((record) => record.eventId === eventId) ?? null);
  }
  findWaitingFor() {
    return Promise.resolve([]);
  }
  deleteAllOfUser(userId: string, keepEventId: string) {
    const before = this.records.length;
    this.records.splice(
      0,
      this.records.length,
      ...this.records.filter((record) => record.userId !== userId || record.eventId === keepEventId),
    );
    return Promise.resolve(before - this.records.length);
  }
  deleteSent(id: Types.ObjectId) {
    const index = this.records.findIndex((record) => record._id.equals(id) && record.status === 'sent');
    if (index >= 0) this.records.splice(index, 1);
    return Promise.resolve(index >= 0);
  }
  redactSent(id: Types.ObjectId, redacted: Pick<EmailRecord, 'data' | 'text' | 'html'>) {
    const record = this.records.find((candidate) => candidate._id.equals(id));
    if (record?.status === 'sent') Object.assign(record, redacted);
    return Promise.resolve();
  }
}

class InMemoryUsers {
  readonly users = new Map<string, Pick<UserProjection, 'userId' | 'email' | 'displayName'>>();
  createIndexes() {
    return Promise.resolve();
  }
  saveUnlessNewer(user: Pick<UserProjection, 'userId' | 'email' | 'displayName'>, from: string) {
    if (from === 'registration' && this.users.has(user.userId)) return Promise.resolve(false);
    this.users.set(user.userId, user);
    return Promise.resolve(true);
  }
  findByUserId(userId: string) {
    return Promise.resolve(this.users.get(userId) ?? null);
  }
  delete(userId: string) {
    this.users.delete(userId);
    return Promise.resolve();
  }
}

class InMemoryErasures {
  readonly erased = new Map<string, ErasedUser>();
  createIndexes() {
    return Promise.resolve();
  }
  begin(erasure: Pick<ErasedUser, 'userId' | 'eventId' | 'deletedAt'>) {
    const stored = this.erased.get(erasure.userId) ?? {
      ...erasure,
      noticeHandled: false,
      createdAt: new Date(),
    };
    this.erased.set(erasure.userId, stored);
    return Promise.resolve({ ...stored });
  }
  markNoticeHandled(userId: string) {
    this.erased.get(userId)!.noticeHandled = true;
    return Promise.resolve();
  }
  isErased(userId: string) {
    return Promise.resolve(this.erased.has(userId));
  }
}

class InMemoryPreferences {
  readonly switches = new Map<string, EmailCategorySwitches>();
  findByUserId(userId: string) {
    const stored = this.switches.get(userId);
    return Promise.resolve(stored ? { userId, ...stored } : null);
  }
  delete(userId: string) {
    this.switches.delete(userId);
    return Promise.resolve();
  }
}

const CONFIG: Record<string, unknown> = {
  PORT: 3000,
  PUBLIC_URL: 'https://coursehub.example',
  NODE_ENV: 'test',
  EMAIL_UNSUBSCRIBE_SECRET: 'a-unit-test-secret-that-is-long-enough-0123',
};
const config = { get: (key: string) => CONFIG[key] } as never;

describe('EmailsService and PersonalEmailDataService (fakes at the repositories)', () => {
  let emails: InMemoryEmails;
  let users: InMemoryUsers;
  let erasures: InMemoryErasures;
  let preferences: InMemoryPreferences;
  let exports: PersonalDataExports;
  let service: EmailsService;
  let personalData: PersonalEmailDataService;
  let kicks: number;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    emails = new InMemoryEmails();
    users = new InMemoryUsers();
    erasures = new InMemoryErasures();
    preferences = new InMemoryPreferences();
    exports = new PersonalDataExports();
    const tokens = new UnsubscribeTokens(config);
    const emailRecords = emails as unknown as EmailRecordsRepository;
    const userProjections = users as unknown as UserProjectionsRepository;
    const erasedUsers = erasures as unknown as ErasedUsersRepository;
    const emailPreferences = new EmailPreferencesService(
      preferences as unknown as EmailPreferencesRepository,
      tokens,
    );
    service = new EmailsService(emailRecords, userProjections, erasedUsers, emailPreferences, tokens, config);
    personalData = new PersonalEmailDataService(
      emailRecords,
      userProjections,
      erasedUsers,
      emailPreferences,
      service,
      exports,
    );
    kicks = 0;
    service.onRecorded(() => {
      kicks += 1;
    });
  });

  const registered = (userId = randomUUID()) =>
    createEnvelope(
      userRegistered,
      { userId, email: `u-${userId.slice(0, 8)}@example.com`, displayName: 'Ada' },
      { producer: 'auth' },
    );

  it('records the welcome e-mail with its unsubscribe link, or as suppressed when its category is off', async () => {
    const on = registered();
    await service.handleUserRegistered(on);
    const welcome = await emails.findByEventId(on.id);
    expect(welcome).toMatchObject({ status: 'pending', to: on.data.email });
    expect(welcome?.unsubscribeUrl).toMatch(
      new RegExp(
        `^https://coursehub\\.example/emails/unsubscribe\\?token=${on.data.userId}\\.recommendations\\.`,
      ),
    );
    expect(welcome?.text).toContain(`Unsubscribe: ${welcome?.unsubscribeUrl}`);
    expect(kicks).toBe(1);

    const off = registered();
    preferences.switches.set(off.data.userId, { courseUpdates: true, recommendations: false });
    await service.handleUserRegistered(off);
    expect(await emails.findByEventId(off.id)).toMatchObject({
      status: 'suppressed',
      subject: null,
      nextAttemptAt: null,
    });
    expect(kicks).toBe(1);
  });

  it('deletes the deletion notice once sent, and redacts one-time links once sent', async () => {
    const user = registered();
    await service.handleUserRegistered(user);
    const deletion = createEnvelope(
      userDeleted,
      { userId: user.data.userId, deletedAt: '2026-11-29T10:00:00.000Z' },
      { producer: 'auth' },
    );
    await personalData.handleUserDeleted(deletion);
    expect(emails.records.map((record) => record.template)).toEqual(['account-deleted']);
    expect(users.users.size).toBe(0);
    // Redelivered: nothing new is recorded.
    await personalData.handleUserDeleted(deletion);
    await personalData.handleUserDeleted({ ...deletion, id: randomUUID() });
    expect(emails.records).toHaveLength(1);
    const notice = emails.records[0];
    await personalData.afterSent(notice); // still pending: not deleted
    expect(emails.records).toHaveLength(1);
    notice.status = 'sent';
    await personalData.afterSent(notice);
    expect(emails.records).toEqual([]);

    const url = 'https://coursehub.example/reset-password?token=abc&x=1';
    const reset = {
      _id: new Types.ObjectId(),
      eventId: randomUUID(),
      template: 'password-reset',
      status: 'sent',
      data: { resetUrl: url, expiresAt: '2026-11-29T10:30:00.000Z' },
      text: `Choose a new one here: ${url}`,
      html: '<a href="https://coursehub.example/reset-password?token=abc&amp;x=1">Choose</a>',
    } as unknown as EmailRecord;
    emails.records.push(reset);
    await personalData.afterSent(reset);
    expect(reset.data.resetUrl).toBe(REDACTED_LINK);
    expect(reset.text).toBe(`Choose a new one here: ${REDACTED_LINK}`);
    expect(reset.html).toBe(`<a href="${REDACTED_LINK}">Choose</a>`);
  });

  it('previews every template and 404s an unknown name', () => {
    for (const template of EMAIL_TEMPLATES) {
      const preview = service.preview(template);
      expect(preview.template).toBe(template);
      // Mail to a not yet proven address greets without the name (see account-email-templates.ts).
      expect(preview.text).toContain(
        ['welcome', 'verify-email'].includes(template) ? 'Hello,' : 'Hello Ada Lovelace,',
      );
    }
    expect(service.preview('welcome').text).toContain('https://coursehub.example/emails/unsubscribe?token=');
    expect(service.preview('course-completed').text).not.toContain('Unsubscribe');
    expect(() => service.preview('constructor')).toThrow(NotFoundError);
  });

  it('registers its section of the personal data export: e-mails and preferences', async () => {
    personalData.onModuleInit();
    expect(exports.features()).toEqual(['email']);
    const user = registered();
    await service.handleUserRegistered(user);
    preferences.switches.set(user.data.userId, { courseUpdates: false, recommendations: true });
    const exported = await exports.exportFor(user.data.userId);
    expect(exported.email).toEqual({
      emails: [
        expect.objectContaining({
          template: 'welcome',
          to: user.data.email,
          subject: 'Welcome to CourseHub',
        }),
      ],
      preferences: { courseUpdates: false, recommendations: true },
    });
    expect(Object.keys((exported.email.emails as object[])[0]).sort()).toEqual(
      ['createdAt', 'id', 'sentAt', 'status', 'subject', 'template', 'to'].sort(),
    );
  });
});
