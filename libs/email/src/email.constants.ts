/** The feature's name: its service name in logs and the name of its Mongoose connection. */
export const EMAIL_FEATURE = 'email';

/** The e-mail feature's own Mongoose connection, so it never collides with another feature's. */
export const EMAIL_CONNECTION = EMAIL_FEATURE;

/** Injection token of the `EmailModuleOptions` given to `EmailModule.register`. */
export const EMAIL_MODULE_OPTIONS = Symbol('EMAIL_MODULE_OPTIONS');

/**
 * `pending`: waits for its recipient or its next attempt; `sending`: leased by a worker that is
 * about to hand it (or handed it) to the relay; `sent`: accepted by the relay; `failed`: an admin's.
 */
export const EMAIL_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const EMAIL_TEMPLATES = ['welcome', 'order-confirmed', 'order-cancelled'] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATES)[number];

/** The order of the admin list, named in its cursors: newest first, ties by event id. */
export const EMAIL_LIST_SORT = 'createdAt-desc';
