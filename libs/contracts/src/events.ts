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
