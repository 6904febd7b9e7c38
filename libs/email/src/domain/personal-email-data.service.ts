import type { EnvelopeOf } from '@coursehub/contracts';
import type * as events from '@coursehub/contracts';
import { PersonalDataExports } from '@coursehub/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EMAIL_FEATURE, EmailTemplateName } from '../email.constants';
import { EmailRecord } from '../data/email-record.schema';
import { EmailRecordsRepository } from '../data/email-records.repository';
import { ErasedUsersRepository } from '../data/erased-users.repository';
import { UserProjectionsRepository } from '../data/user-projections.repository';
import { EmailPreferencesService } from './email-preferences.service';
import { escapeHtml } from './email-layout';
import { EmailsService } from './emails.service';

/** What replaces a one-time link in the log once its e-mail is delivered. */
export const REDACTED_LINK = '[link removed after delivery]';

/** The data fields that hold one-time links, per template that has one. */
const ONE_TIME_LINKS: Partial<Record<EmailTemplateName, string>> = {
  'verify-email': 'verificationUrl',
  'password-reset': 'resetUrl',
};

/** An e-mail in `GET /me/export`: to whom, what and when, not its content. */
const exportedEmail = (email: EmailRecord) => ({
  id: String(email._id),
  template: email.template,
  to: email.to,
  subject: email.subject,
  status: email.status,
  createdAt: email.createdAt,
  sentAt: email.sentAt,
});

/**
 * The personal data the e-mail feature holds: the user's section of `GET /me/export`, the erasure
 * on `user.deleted`, and what is forgotten of an e-mail once it is sent (the deletion notice, one-time
 * links).
 */
@Injectable()
export class PersonalEmailDataService implements OnModuleInit {
  private readonly logger = new Logger(PersonalEmailDataService.name);

  constructor(
    private readonly emails: EmailRecordsRepository,
    private readonly users: UserProjectionsRepository,
    private readonly erasedUsers: ErasedUsersRepository,
    private readonly preferences: EmailPreferencesService,
    private readonly recording: EmailsService,
    private readonly personalDataExports: PersonalDataExports,
  ) {}

  /** Registers the feature's section of `GET /me/export`. */
  onModuleInit(): void {
    this.personalDataExports.register(EMAIL_FEATURE, (userId) => this.exportFor(userId));
  }

  /**
   * `user.deleted`: one "your account was deleted" e-mail to the address of the projection, then
   * the projection, the preferences and every other e-mail of the user are deleted. The notice's
   * own record is deleted by `afterSent` once the relay accepted it, so after delivery nothing in
   * MongoDB holds the address (only the erased user's id, see ErasedUser). Redeliveries and
   * retries after a crash repeat the deletions and never record a second notice.
   */
  async handleUserDeleted(envelope: EnvelopeOf<typeof events.userDeleted>): Promise<void> {
    const { userId, deletedAt } = envelope.data;
    const erasure = await this.erasedUsers.begin({
      userId,
      eventId: envelope.id,
      deletedAt: new Date(deletedAt),
    });
    if (!erasure.noticeHandled) {
      const user = await this.users.findByUserId(userId);
      if (user) {
        const notice = { template: 'account-deleted', userId, data: { deletedAt } } as const;
        await this.recording.record({ ...envelope, id: erasure.eventId }, notice, user);
      } else {
        this.logger.log({ userId, eventId: envelope.id }, 'Deleted user unknown here: no deletion notice');
      }
      await this.erasedUsers.markNoticeHandled(userId);
    }
    const deleted = await this.emails.deleteAllOfUser(userId, erasure.eventId);
    await this.preferences.forget(userId);
    await this.users.delete(userId);
    this.logger.log(
      { userId, eventId: envelope.id, deletedEmails: deleted },
      'User erased from the e-mail service',
    );
  }

  /**
   * Called by the delivery worker once the relay accepted an e-mail: the deletion notice's record
   * is deleted (the last trace of the address), and one-time links (verification, reset) are
   * removed from the log, so no reader of it can use them.
   */
  async afterSent(email: EmailRecord): Promise<void> {
    if (email.template === 'account-deleted') {
      await this.emails.deleteSent(email._id);
      this.logger.log({ userId: email.userId, eventId: email.eventId }, 'Deletion notice sent and forgotten');
      return;
    }
    const field = ONE_TIME_LINKS[email.template];
    const url = field ? email.data[field] : undefined;
    if (typeof url !== 'string' || url === REDACTED_LINK) return;
    await this.emails.redactSent(email._id, {
      data: { ...email.data, [field!]: REDACTED_LINK },
      text: email.text?.replaceAll(url, REDACTED_LINK) ?? null,
      html: email.html?.replaceAll(escapeHtml(url), REDACTED_LINK) ?? null,
    });
  }
  /** The e-mail section of `GET /me/export`: the e-mails sent (or to be sent) to the user and their preferences. */
  async exportFor(userId: string): Promise<Record<string, unknown>> {
    const [emails, preferences] = await Promise.all([
      this.emails.findAllOfUser(userId),
      this.preferences.get(userId),
    ]);
    return { emails: emails.map(exportedEmail), preferences };
  }
}
