import { securityNoticeKinds } from '@coursehub/contracts';
import { EmailTemplateName, EMAIL_TEMPLATES } from '../email.constants';
import { escapeHtml, formatPrice } from './email-layout';
import { isTemplateName, renderEmail, sampleOf, TemplateData } from './email-templates';

/** The sample data of the template (what the preview route shows), links under coursehub.example. */
const sample = <Name extends EmailTemplateName>(template: Name) =>
  sampleOf(template, 'https://coursehub.example').data;

const renderForAda = <Name extends EmailTemplateName>(template: Name, data: TemplateData[Name]) =>
  renderEmail(template, { displayName: 'Ada' }, data);

describe('e-mail templates', () => {
  it('formats integer minor units with the currency’s own decimals', () => {
    expect(formatPrice(4999, 'USD')).toBe('$49.99');
    expect(formatPrice(0, 'EUR')).toBe('€0.00');
    expect(formatPrice(1500, 'JPY')).toBe('¥1,500');
    expect(formatPrice(123456, 'GBP', 'en-GB')).toBe('£1,234.56');
  });

  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'Tom' & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;Tom&#39; &amp; Jerry&lt;/a&gt;',
    );
  });

  it('renders the welcome e-mail without the display name: the address is not proven yet', () => {
    const email = renderEmail('welcome', { displayName: 'Visit evil.example <script>alert(1)</script>' }, {});
    expect(email.subject).toBe('Welcome to CourseHub');
    expect(email.text).toContain('Hello,');
    expect(email.html).toContain('<p>Hello,</p>');
    for (const part of [email.text, email.html]) expect(part).not.toMatch(/evil|script/);
  });

  it('renders the enrolment confirmation with course title and formatted price', () => {
    const email = renderForAda('order-confirmed', {
      orderId: 'o-1',
      courseTitle: 'Rust & <Systems>',
      price: 4999,
      currency: 'EUR',
    });
    expect(email.subject).toBe('You are enrolled: Rust & <Systems>');
    expect(email.text).toContain('"Rust & <Systems>"');
    expect(email.text).toContain('Price: €49.99');
    expect(email.html).toContain('<strong>Rust &amp; &lt;Systems&gt;</strong>');
    expect(email.html).toContain('Price: €49.99');
    expect(email.html).toContain('<title>You are enrolled: Rust &amp; &lt;Systems&gt;</title>');
  });

  it('renders the cancellation notice with the reason only when there is one', () => {
    const cancelled = { orderId: 'o-2', courseTitle: 'Go' };
    const withReason = renderForAda('order-cancelled', { ...cancelled, reason: 'Refund "requested"' });
    expect(withReason.text).toContain('Reason: Refund "requested"');
    expect(withReason.html).toContain('Reason: Refund &quot;requested&quot;');
    const withoutReason = renderForAda('order-cancelled', { ...cancelled, reason: ' ' });
    expect(withoutReason.text).not.toContain('Reason');
    expect(withoutReason.html).not.toContain('Reason');
  });
});

/** Sent before the recipient proved the address is theirs (registration, address change). */
const UNPROVEN_ADDRESS_TEMPLATES: readonly string[] = ['welcome', 'verify-email'];

describe('every e-mail template', () => {
  const hostile = `<img src=x onerror="alert('x')"> & Co`;
  const escapedHostile = '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; Co';

  it.each(EMAIL_TEMPLATES)(
    '%s has a subject, a plain-text and an HTML part, the name escaped in HTML',
    (template) => {
      const email = renderEmail(template, { displayName: hostile }, sample(template));
      expect(email.subject.length).toBeGreaterThan(5);
      expect(email.text).not.toMatch(/<(p|a|strong|br|html|title)\b/);
      expect(email.html).toMatch(/^<!doctype html><html>/);
      if (UNPROVEN_ADDRESS_TEMPLATES.includes(template)) {
        // Mail to an address nobody has proven yet carries nothing the registrant typed.
        expect(email.text).toContain('Hello,');
        expect(email.html).toContain('<p>Hello,</p>');
        expect(email.text).not.toContain(hostile);
        expect(email.html).not.toContain(escapedHostile);
        expect(email.text + email.html).not.toContain('onerror');
      } else {
        expect(email.text).toContain(`Hello ${hostile},`);
        expect(email.html).toContain(`Hello ${escapedHostile},`);
      }
      expect(email.html).not.toContain('<img');
      expect(email.html).not.toContain('Unsubscribe');
      expect(email.text).not.toContain('Unsubscribe');
    },
  );

  it('puts the unsubscribe link in both parts only when given', () => {
    const url = 'https://coursehub.example/emails/unsubscribe?token=u.recommendations.s&x=1';
    const email = renderEmail('welcome', { displayName: 'Ada', unsubscribeUrl: url }, {});
    expect(email.text).toContain(`Unsubscribe: ${url}`);
    expect(email.html).toContain(
      '<a href="https://coursehub.example/emails/unsubscribe?token=u.recommendations.s&amp;x=1">Unsubscribe</a>',
    );
  });

  it('links the verification, reset and certificate URLs in both parts', () => {
    const verificationUrl = 'https://coursehub.example/verify-email?token=abc&x="y"';
    const escapedVerificationUrl = 'https://coursehub.example/verify-email?token=abc&amp;x=&quot;y&quot;';
    const verify = renderForAda('verify-email', { ...sample('verify-email'), verificationUrl });
    expect(verify.subject).toBe('Verify your e-mail address');
    expect(verify.text).toContain(`Open this link: ${verificationUrl}`);
    expect(verify.text).toContain('30 Nov 2026, 10:00 UTC');
    expect(verify.html).toContain(`<a href="${escapedVerificationUrl}">Verify my address</a>`);

    const addressChange = { email: 'new@example.com', purpose: 'email-change' } as const;
    const change = renderForAda('verify-email', { ...sample('verify-email'), ...addressChange });
    expect(change.subject).toBe('Confirm your new e-mail address');
    expect(change.text).toContain('new@example.com');

    const { resetUrl } = sample('password-reset');
    const reset = renderForAda('password-reset', sample('password-reset'));
    expect(reset.text).toContain(resetUrl);
    expect(reset.html).toContain(`<a href="${resetUrl}">Choose a new password</a>`);

    const { certificateUrl } = sample('course-completed');
    const courseTitle = 'Rust & <Systems>';
    const completed = renderForAda('course-completed', { ...sample('course-completed'), courseTitle });
    expect(completed.subject).toBe('Course completed: Rust & <Systems>');
    expect(completed.text).toContain(`Your certificate: ${certificateUrl}`);
    expect(completed.html).toContain('<strong>Rust &amp; &lt;Systems&gt;</strong>');
    expect(completed.html).toContain(`<a href="${certificateUrl}">View your certificate</a>`);
  });

  it('never turns a non-http(s) link into an anchor', () => {
    const email = renderForAda('password-reset', {
      ...sample('password-reset'),
      resetUrl: 'javascript:alert(document.cookie)',
    });
    expect(email.html).not.toContain('href="javascript:');
    expect(email.html).toContain('javascript:alert(document.cookie)');
  });

  it.each(securityNoticeKinds)('renders a short security notice for %s', (notice) => {
    const email = renderForAda('security-notice', { notice, occurredAt: '2026-11-29T10:00:00.000Z' });
    expect(email.subject).toMatch(/CourseHub|signed out/);
    expect(email.text).toContain('29 Nov 2026, 10:00 UTC');
    expect(email.text).toContain('If this was not you');
    expect(email.html).toContain('If this was not you');
  });

  it('gives every notice kind its own subject', () => {
    const subjects = securityNoticeKinds.map(
      (notice) =>
        renderEmail('security-notice', { displayName: 'A' }, { notice, occurredAt: '2026-11-29T10:00:00Z' })
          .subject,
    );
    expect(new Set(subjects).size).toBe(securityNoticeKinds.length);
  });

  it('knows its template names', () => {
    expect(isTemplateName('course-completed')).toBe(true);
    expect(isTemplateName('toString')).toBe(false);
    expect(isTemplateName('../welcome')).toBe(false);
  });
});
