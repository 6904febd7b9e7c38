import type { securityNoticeKinds } from '@coursehub/contracts';
import { formatDateTime, html, layout, link, Renderer, signature } from './email-layout';

/** The templates of the account's life: registration, verification, password, security, deletion. */

export interface WelcomeData {
  [key: string]: unknown;
}

export interface VerifyEmailData {
  [key: string]: unknown;
  /** The address being verified (the new one of an address change). */
  email: string;
  verificationUrl: string;
  expiresAt: string;
  purpose: 'registration' | 'email-change';
}

export interface PasswordResetData {
  [key: string]: unknown;
  resetUrl: string;
  expiresAt: string;
}

export type SecurityNoticeKind = (typeof securityNoticeKinds)[number];

export interface SecurityNoticeData {
  [key: string]: unknown;
  notice: SecurityNoticeKind;
  occurredAt: string;
}

export interface AccountDeletedData {
  [key: string]: unknown;
  deletedAt: string;
}

export interface AccountTemplateData {
  welcome: WelcomeData;
  'verify-email': VerifyEmailData;
  'password-reset': PasswordResetData;
  'security-notice': SecurityNoticeData;
  'account-deleted': AccountDeletedData;
}

/** One short notice per kind (template `security-notice`). */
const SECURITY_NOTICES: { [Kind in SecurityNoticeKind]: { subject: string; sentence: string } } = {
  'password-changed': {
    subject: 'Your CourseHub password was changed',
    sentence: 'The password of your CourseHub account was changed and your other sessions were signed out',
  },
  'password-reset': {
    subject: 'Your CourseHub password was reset',
    sentence: 'The password of your CourseHub account was reset and every session was signed out',
  },
  'signed-out-everywhere': {
    subject: 'You were signed out everywhere',
    sentence: 'Every session of your CourseHub account was signed out',
  },
  'email-changed': {
    subject: 'Your CourseHub e-mail address was changed',
    sentence:
      'The e-mail address of your CourseHub account was changed; this address no longer receives its e-mails',
  },
};

export const accountRenderers: { [Name in keyof AccountTemplateData]: Renderer<AccountTemplateData[Name]> } =
  {
    // Sent at registration, before anyone has proven the address is theirs: nothing the registrant
    // typed (the display name) goes to what may be a stranger's inbox.
    welcome: (recipient) => {
      const subject = 'Welcome to CourseHub';
      return {
        subject,
        text: `Hello,\n\nwelcome to CourseHub! Your account is ready: browse the catalogue and enrol in your first course.${signature(recipient)}`,
        html: layout(
          subject,
          '<p>Hello,</p>' +
            '<p>welcome to CourseHub! Your account is ready: browse the catalogue and enrol in your first course.</p>',
          recipient,
        ),
      };
    },
    'verify-email': (recipient, data) => {
      const change = data.purpose === 'email-change';
      const subject = change ? 'Confirm your new e-mail address' : 'Verify your e-mail address';
      const expires = formatDateTime(data.expiresAt);
      const intro = change
        ? `please confirm ${data.email} as the new address of your CourseHub account.`
        : `please confirm that ${data.email} is your address to finish setting up your CourseHub account.`;
      return {
        subject,
        // No display name: the address is not proven yet (see `welcome`).
        text:
          `Hello,\n\n${intro}\n\nOpen this link: ${data.verificationUrl}\n\n` +
          `The link works once and expires on ${expires}. If you did not ask for this, ignore this e-mail.` +
          signature(recipient),
        html: layout(
          subject,
          html`<p>Hello,</p>
            <p>${intro}</p>` +
            `<p>${link(data.verificationUrl, change ? 'Confirm my new address' : 'Verify my address')}</p>` +
            html`<p>
              The link works once and expires on ${expires}. If you did not ask for this, ignore this e-mail.
            </p>`,
          recipient,
        ),
      };
    },
    'password-reset': (recipient, data) => {
      const subject = 'Reset your CourseHub password';
      const expires = formatDateTime(data.expiresAt);
      return {
        subject,
        text:
          `Hello ${recipient.displayName},\n\nsomeone (hopefully you) asked to reset the password of your ` +
          `CourseHub account. Choose a new one here: ${data.resetUrl}\n\n` +
          `The link works once and expires on ${expires}. If you did not ask for it, ignore this e-mail: ` +
          `your password stays as it is.` +
          signature(recipient),
        html: layout(
          subject,
          html`<p>Hello ${recipient.displayName},</p>` +
            '<p>someone (hopefully you) asked to reset the password of your CourseHub account.</p>' +
            `<p>${link(data.resetUrl, 'Choose a new password')}</p>` +
            html`<p>
              The link works once and expires on ${expires}. If you did not ask for it, ignore this e-mail:
              your password stays as it is.
            </p>`,
          recipient,
        ),
      };
    },
    'security-notice': (recipient, data) => {
      const { subject, sentence } = SECURITY_NOTICES[data.notice];
      const when = formatDateTime(data.occurredAt);
      const advice = 'If this was not you, reset your password right away and contact support.';
      return {
        subject,
        text: `Hello ${recipient.displayName},\n\n${sentence} (${when}).\n\n${advice}${signature(recipient)}`,
        html: layout(
          subject,
          html`<p>Hello ${recipient.displayName},</p>
            <p>${sentence} (${when}).</p>
            <p>${advice}</p>`,
          recipient,
        ),
      };
    },
    'account-deleted': (recipient, data) => {
      const subject = 'Your CourseHub account was deleted';
      const when = formatDateTime(data.deletedAt);
      const body =
        'your CourseHub account and the personal data we held about you have been deleted. ' +
        'This is the last e-mail you receive from us; you can register again at any time with a new account.';
      return {
        subject,
        text: `Hello ${recipient.displayName},\n\n${body}\n\nDeleted on ${when}.${signature(recipient)}`,
        html: layout(
          subject,
          html`<p>Hello ${recipient.displayName},</p>
            <p>${body}</p>
            <p>Deleted on ${when}.</p>`,
          recipient,
        ),
      };
    },
  };

/** The data `GET /emails/templates/:name/preview` renders the account templates with. */
export function accountSamples(publicUrl: string): AccountTemplateData {
  return {
    welcome: {},
    'verify-email': {
      email: 'ada@example.com',
      verificationUrl: `${publicUrl}/verify-email?token=sample-token`,
      expiresAt: '2026-11-30T10:00:00.000Z',
      purpose: 'registration',
    },
    'password-reset': {
      resetUrl: `${publicUrl}/reset-password?token=sample-token`,
      expiresAt: '2026-11-29T10:30:00.000Z',
    },
    'security-notice': { notice: 'password-changed', occurredAt: '2026-11-29T10:00:00.000Z' },
    'account-deleted': { deletedAt: '2026-11-29T10:00:00.000Z' },
  };
}
