import type { EmailTemplateName } from '../email.constants';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface Recipient {
  displayName: string;
}

export interface WelcomeData {
  [key: string]: unknown;
}

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

export interface TemplateData {
  welcome: WelcomeData;
  'order-confirmed': OrderConfirmedData;
  'order-cancelled': OrderCancelledData;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Hand-written: five characters cover HTML text and quoted attributes; not worth a dependency. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** Integer minor units to a display amount, with the currency's own number of decimals (JPY has none). */
export function formatPrice(minorUnits: number, currency: string, locale = 'en-US'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** decimals);
}

/** Tagged template for HTML: every interpolated value is escaped, so user text can never inject markup. */
function html(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, part, index) => out + escapeHtml(values[index - 1]) + part);
}

function layout(title: string, body: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    html`<title>${title}</title>` +
    '</head><body style="font-family:sans-serif;line-height:1.5">' +
    body +
    '<p style="color:#777">— The CourseHub team</p></body></html>'
  );
}

const SIGNATURE = '\n\n— The CourseHub team\n';

type Renderer<Name extends EmailTemplateName> = (
  recipient: Recipient,
  data: TemplateData[Name],
) => RenderedEmail;

const renderers: { [Name in EmailTemplateName]: Renderer<Name> } = {
  welcome: (recipient) => {
    const subject = 'Welcome to CourseHub';
    return {
      subject,
      text: `Hello ${recipient.displayName},\n\nwelcome to CourseHub! Your account is ready: browse the catalogue and enrol in your first course.${SIGNATURE}`,
      html: layout(
        subject,
        html`<p>Hello ${recipient.displayName},</p>` +
          '<p>welcome to CourseHub! Your account is ready: browse the catalogue and enrol in your first course.</p>',
      ),
    };
  },
  'order-confirmed': (recipient, data) => {
    const price = formatPrice(data.price, data.currency);
    const subject = `You are enrolled: ${data.courseTitle}`;
    return {
      subject,
      text:
        `Hello ${recipient.displayName},\n\nyour enrolment in "${data.courseTitle}" is confirmed.\n\n` +
        `Price: ${price}\nOrder: ${data.orderId}${SIGNATURE}`,
      html: layout(
        subject,
        html`<p>Hello ${recipient.displayName},</p>
          <p>your enrolment in <strong>${data.courseTitle}</strong> is confirmed.</p>` +
          html`<p>Price: ${price}<br />Order: ${data.orderId}</p>`,
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
        `\nOrder: ${data.orderId}${SIGNATURE}`,
      html: layout(
        subject,
        html`<p>Hello ${recipient.displayName},</p>
          <p>your enrolment in <strong>${data.courseTitle}</strong> has been cancelled.</p>` +
          (reason ? html`<p>Reason: ${reason}</p>` : '') +
          html`<p>Order: ${data.orderId}</p>`,
      ),
    };
  },
};

export function renderEmail<Name extends EmailTemplateName>(
  template: Name,
  recipient: Recipient,
  data: TemplateData[Name],
): RenderedEmail {
  return renderers[template](recipient, data);
}
