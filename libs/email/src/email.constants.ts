/** The feature's name: its service name in logs and the name of its Mongoose connection. */
export const EMAIL_FEATURE = 'email';

/** The e-mail feature's own Mongoose connection, so it never collides with another feature's. */
export const EMAIL_CONNECTION = EMAIL_FEATURE;

/** Injection token of the `EmailModuleOptions` given to `EmailModule.register`. */
export const EMAIL_MODULE_OPTIONS = Symbol('EMAIL_MODULE_OPTIONS');

/**
 * `pending`: waits for its recipient or its next attempt; `sending`: leased by a worker that is
 * about to hand it (or handed it) to the relay; `sent`: accepted by the relay; `failed`: an admin's;
 * `suppressed`: never sent, because the recipient turned its category off (see EMAIL_CATEGORIES).
 */
export const EMAIL_STATUSES = ['pending', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const EMAIL_TEMPLATES = [
  'welcome',
  'order-confirmed',
  'order-cancelled',
  'verify-email',
  'password-reset',
  'security-notice',
  'account-deleted',
  'course-completed',
] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATES)[number];

/**
 * The kinds of non-transactional e-mail a user can turn off (`PUT /emails/preferences`, or one
 * click on an e-mail's List-Unsubscribe link). Both are on until the user turns them off.
 */
export const EMAIL_CATEGORIES = ['courseUpdates', 'recommendations'] as const;
export type EmailCategory = (typeof EMAIL_CATEGORIES)[number];

/**
 * The category of each template; `null` = transactional: always sent, no List-Unsubscribe
 * (verification, reset, security notices, receipts and enrolment changes, certificates, the
 * deletion notice). The welcome e-mail is the one non-transactional e-mail today: beyond greeting
 * it invites to browse the catalogue, so it is a recommendation. `courseUpdates` has no template
 * yet; the preference is stored and honoured by the same rule once one exists.
 */
export const EMAIL_TEMPLATE_CATEGORIES: { readonly [Name in EmailTemplateName]: EmailCategory | null } = {
  welcome: 'recommendations',
  'order-confirmed': null,
  'order-cancelled': null,
  'verify-email': null,
  'password-reset': null,
  'security-notice': null,
  'account-deleted': null,
  'course-completed': null,
};

/** The order of the admin list, named in its cursors: newest first, ties by event id. */
export const EMAIL_LIST_SORT = 'createdAt-desc';
