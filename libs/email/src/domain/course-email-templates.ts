import { formatDateTime, formatPrice, html, layout, link, Renderer, signature } from './email-layout';

/** The templates of learning: enrolments (orders confirmed or cancelled) and completed courses. */

export interface OrderConfirmedData {
  [key: string]: unknown;
  orderId: string;
  courseTitle: string;
  /** Integer minor units (cents) as in the contract. */
  price: number;
  currency: string;
}

export interface OrderCancelledData {
  [key: string]: unknown;
  orderId: string;
  courseTitle: string;
  reason: string;
}

export interface CourseCompletedData {
  [key: string]: unknown;
  courseId: string;
  courseTitle: string;
  certificateId: string;
  /** `${PUBLIC_URL}/certificates/<certificateId>`, resolved when the e-mail is recorded. */
  certificateUrl: string;
  completedAt: string;
}

export interface CourseTemplateData {
  'order-confirmed': OrderConfirmedData;
  'order-cancelled': OrderCancelledData;
  'course-completed': CourseCompletedData;
}

export const courseRenderers: { [Name in keyof CourseTemplateData]: Renderer<CourseTemplateData[Name]> } = {
  'order-confirmed': (recipient, data) => {
    const price = formatPrice(data.price, data.currency);
    const subject = `You are enrolled: ${data.courseTitle}`;
    return {
      subject,
      text:
        `Hello ${recipient.displayName},\n\nyour enrolment in "${data.courseTitle}" is confirmed.\n\n` +
        `Price: ${price}\nOrder: ${data.orderId}${signature(recipient)}`,
      html: layout(
        subject,
        html`<p>Hello ${recipient.displayName},</p>
          <p>your enrolment in <strong>${data.courseTitle}</strong> is confirmed.</p>` +
          html`<p>Price: ${price}<br />Order: ${data.orderId}</p>`,
        recipient,
      ),
    };
  },
  'order-cancelled': (recipient, data) => {
    const subject = `Enrolment cancelled: ${data.courseTitle}`;
    const reason = data.reason.trim();
    return {
      subject,
      text:
        `Hello ${recipient.displayName},\n\nyour enrolment in "${data.courseTitle}" has been cancelled.` +
        (reason ? `\nReason: ${reason}` : '') +
        `\nOrder: ${data.orderId}${signature(recipient)}`,
      html: layout(
        subject,
        html`<p>Hello ${recipient.displayName},</p>
          <p>your enrolment in <strong>${data.courseTitle}</strong> has been cancelled.</p>` +
          (reason ? html`<p>Reason: ${reason}</p>` : '') +
          html`<p>Order: ${data.orderId}</p>`,
        recipient,
      ),
    };
  },
  'course-completed': (recipient, data) => {
    const subject = `Course completed: ${data.courseTitle}`;
    return {
      subject,
      text:
        `Hello ${recipient.displayName},\n\ncongratulations: you completed "${data.courseTitle}" ` +
        `on ${formatDateTime(data.completedAt)}.\n\nYour certificate: ${data.certificateUrl}\n` +
        `Anyone you share this link with can verify it.${signature(recipient)}`,
      html: layout(
        subject,
        html`<p>Hello ${recipient.displayName},</p>
          <p>
            congratulations: you completed <strong>${data.courseTitle}</strong> on
            ${formatDateTime(data.completedAt)}.
          </p>` +
          `<p>${link(data.certificateUrl, 'View your certificate')}</p>` +
          '<p>Anyone you share this link with can verify it.</p>',
        recipient,
      ),
    };
  },
};

/** The data `GET /emails/templates/:name/preview` renders the course and order templates with. */
export function courseSamples(publicUrl: string): CourseTemplateData {
  return {
    'order-confirmed': {
      orderId: '3f2b8c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f',
      courseTitle: 'Event-Driven Architecture',
      price: 129_00,
      currency: 'USD',
    },
    'order-cancelled': {
      orderId: '3f2b8c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f',
      courseTitle: 'Event-Driven Architecture',
      reason: 'Refund requested',
    },
    'course-completed': {
      courseId: '9b2f7a4c-1d3e-4f5a-8b6c-7d8e9f0a1b2c',
      courseTitle: 'Event-Driven Architecture',
      certificateId: 'c0ffee00-1234-4abc-8def-0123456789ab',
      certificateUrl: `${publicUrl}/certificates/c0ffee00-1234-4abc-8def-0123456789ab`,
      completedAt: '2026-11-29T10:00:00.000Z',
    },
  };
}
