import { escapeHtml, htmlPage, PAGE_CONTENT_SECURITY_POLICY } from '@coursehub/core';
import type { EmailCategory } from '../email.constants';

/** The pages' policy, except that their one form may post back to this origin. */
export const UNSUBSCRIBE_PAGE_CONTENT_SECURITY_POLICY = PAGE_CONTENT_SECURITY_POLICY.replace(
  "form-action 'none'",
  "form-action 'self'",
);

const CATEGORY_LABELS: { [Category in EmailCategory]: string } = {
  courseUpdates: 'course updates',
  recommendations: 'course recommendations',
};

/**
 * What a click on the link in an e-mail's footer opens (a GET never changes anything: mail
 * scanners open links too); its button posts the one-click unsubscribe to the same URL.
 */
export function renderUnsubscribeConfirmation(link: {
  category: EmailCategory;
  subscribed: boolean;
}): string {
  const label = escapeHtml(CATEGORY_LABELS[link.category]);
  const body = link.subscribed
    ? `<h1>Unsubscribe from ${label}?</h1>` +
      `<p>You will no longer receive e-mails about ${label} from CourseHub. E-mails about your account, ` +
      'orders and certificates are still sent.</p>' +
      '<form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>'
    : `<h1>You are unsubscribed from ${label}</h1>` +
      '<p>Nothing more to do. Signed in, you can turn it on again in your e-mail preferences.</p>';
  return htmlPage('Unsubscribe — CourseHub', body);
}

/** The answer to the form's POST in a browser. */
export function renderUnsubscribed(category: EmailCategory): string {
  const label = escapeHtml(CATEGORY_LABELS[category]);
  return htmlPage(
    'Unsubscribed — CourseHub',
    `<h1>You are unsubscribed from ${label}</h1>` +
      '<p>Signed in, you can turn it on again in your e-mail preferences.</p>',
  );
}

/** A browser's form post (Accept names text/html), not a mail client's one-click POST or an API call. */
export function wantsPage(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.toLowerCase();
  const html = types.indexOf('text/html');
  const json = types.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}
