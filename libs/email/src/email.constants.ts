/** The e-mail feature's own Mongoose connection, so it never collides with another feature's. */
export const EMAIL_CONNECTION = 'email';
