import { z } from 'zod';
import { defineEvent, defineRequest } from './contract';
import { emailAddressSchema } from './email-address';

const money = { price: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) };

export const userRegistered = defineEvent(
  'user.registered',
  1,
  z.object({ userId: z.uuid(), email: emailAddressSchema, displayName: z.string().min(1) }),
);

export const coursePublished = defineEvent(
  'course.published',
  1,
  z.object({
    courseId: z.uuid(),
    title: z.string().min(1),
    instructorId: z.uuid(),
    tags: z.array(z.string()),
    ...money,
  }),
);

export const orderConfirmed = defineEvent(
  'order.confirmed',
  1,
  z.object({
    orderId: z.uuid(),
    userId: z.uuid(),
    courseId: z.uuid(),
    courseTitle: z.string().min(1),
    ...money,
  }),
);

export const orderCancelled = defineEvent(
  'order.cancelled',
  1,
  z.object({
    orderId: z.uuid(),
    userId: z.uuid(),
    courseId: z.uuid(),
    courseTitle: z.string().min(1),
    reason: z.string().max(500),
  }),
);

export const courseSnapshotSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'published', 'archived']),
  instructorId: z.uuid(),
  category: z.string(),
  tags: z.array(z.string()),
  ...money,
});
export type CourseSnapshot = z.infer<typeof courseSnapshotSchema>;

/** Request/reply: the order service asks the course service for a course by id. */
export const courseGet = defineRequest(
  'course.get',
  1,
  z.object({ courseId: z.uuid() }),
  z.discriminatedUnion('found', [
    z.object({ found: z.literal(true), course: courseSnapshotSchema }),
    z.object({ found: z.literal(false) }),
  ]),
);

/**
 * Account events (issue 16). `user.updated` carries the profile as it is now, so a projection
 * can be overwritten by the latest one; `user.deleted` carries nothing personal, so the event
 * itself is not a copy of the data being erased (each consumer looks up what it holds by id).
 */
export const userUpdated = defineEvent(
  'user.updated',
  1,
  z.object({
    userId: z.uuid(),
    email: emailAddressSchema,
    displayName: z.string().min(1),
    emailVerified: z.boolean(),
  }),
);

export const userDeleted = defineEvent(
  'user.deleted',
  1,
  z.object({ userId: z.uuid(), deletedAt: z.iso.datetime() }),
);

/**
 * Transactional account e-mails: auth decides that a message must go out (and holds the
 * token's hash); the e-mail service renders and delivers it. The link carries the one-time
 * token, which is why the e-mail service keeps these records only until they are sent plus
 * the usual log retention, and auth never stores the token itself.
 */
export const emailVerificationRequested = defineEvent(
  'user.email-verification-requested',
  1,
  z.object({
    userId: z.uuid(),
    /** The address to verify: the registered one, or the new one of an address change. */
    email: emailAddressSchema,
    displayName: z.string().min(1),
    verificationUrl: z.url(),
    expiresAt: z.iso.datetime(),
    purpose: z.enum(['registration', 'email-change']),
  }),
);

export const passwordResetRequested = defineEvent(
  'user.password-reset-requested',
  1,
  z.object({
    userId: z.uuid(),
    email: emailAddressSchema,
    displayName: z.string().min(1),
    resetUrl: z.url(),
    expiresAt: z.iso.datetime(),
  }),
);

/** A short "this happened to your account" notice, always sent (transactional). */
export const securityNoticeKinds = [
  'password-changed',
  'password-reset',
  'signed-out-everywhere',
  'email-changed',
] as const;
export const accountSecurityNotice = defineEvent(
  'user.security-notice',
  1,
  z.object({
    userId: z.uuid(),
    /** Where the notice goes: for `email-changed`, the old address. */
    email: emailAddressSchema,
    displayName: z.string().min(1),
    notice: z.enum(securityNoticeKinds),
    occurredAt: z.iso.datetime(),
  }),
);

/** Learning (issue 15): the learner completed every lesson; a certificate was issued. */
export const courseCompleted = defineEvent(
  'course.completed',
  1,
  z.object({
    userId: z.uuid(),
    courseId: z.uuid(),
    courseTitle: z.string().min(1),
    certificateId: z.uuid(),
    completedAt: z.iso.datetime(),
  }),
);

/** Every event contract, for the topics manifest and anything else that must list them all. */
export const eventContracts = [
  userRegistered,
  userUpdated,
  userDeleted,
  emailVerificationRequested,
  passwordResetRequested,
  accountSecurityNotice,
  coursePublished,
  courseCompleted,
  orderConfirmed,
  orderCancelled,
] as const;
