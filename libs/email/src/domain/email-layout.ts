export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface Recipient {
  displayName: string;
  /**
   * The one-click unsubscribe link of a non-transactional e-mail: shown in its footer (and sent
   * as its List-Unsubscribe header by the delivery worker). Absent for transactional e-mails.
   */
  unsubscribeUrl?: string;
}

/** Renders one template: the recipient and the template's data in, subject and both parts out. */
export type Renderer<Data> = (recipient: Recipient, data: Data) => RenderedEmail;

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
export function html(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, part, index) => out + escapeHtml(values[index - 1]) + part);
}

/** Dates of events (ISO 8601) as people read them, in UTC: "30 Nov 2026, 10:00 UTC". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const formatted = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(date);
  return `${formatted} UTC`;
}

/**
 * A link for the HTML part: only http(s) URLs become anchors (a `javascript:` or `data:` URL in
 * an event must never become clickable); anything else is shown as escaped text.
 */
export function link(url: string, label: string): string {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return escapeHtml(url);
  }
  if (protocol !== 'https:' && protocol !== 'http:') return escapeHtml(url);
  return html`<a href="${url}">${label}</a>`;
}

/** The HTML document around a body; the footer is the unsubscribe line of non-transactional e-mails. */
export function layout(title: string, body: string, recipient: Recipient): string {
  const footer = recipient.unsubscribeUrl
    ? '<p style="color:#777;font-size:small">You receive this e-mail because it is on in your ' +
      'e-mail preferences. ' +
      link(recipient.unsubscribeUrl, 'Unsubscribe') +
      '</p>'
    : '';
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    html`<title>${title}</title>` +
    '</head><body style="font-family:sans-serif;line-height:1.5">' +
    body +
    '<p style="color:#777">— The CourseHub team</p>' +
    footer +
    '</body></html>'
  );
}

const SIGNATURE = '\n\n— The CourseHub team\n';

/** The end of the plain-text part: signature, and the unsubscribe line of non-transactional e-mails. */
export function signature(recipient: Recipient): string {
  return recipient.unsubscribeUrl
    ? `${SIGNATURE}\nYou receive this e-mail because it is on in your e-mail preferences.\nUnsubscribe: ${recipient.unsubscribeUrl}\n`
    : SIGNATURE;
}
