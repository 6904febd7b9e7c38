import { escapeHtml, formatPrice, renderEmail } from './email-templates';

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

  it('renders the welcome e-mail with the name in both parts, escaped in HTML', () => {
    const email = renderEmail('welcome', { displayName: '<script>alert(1)</script> Ada' }, {});
    expect(email.subject).toBe('Welcome to CourseHub');
    expect(email.text).toContain('Hello <script>alert(1)</script> Ada,');
    expect(email.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt; Ada,');
    expect(email.html).not.toContain('<script>');
  });

  it('renders the enrolment confirmation with course title and formatted price', () => {
    const email = renderEmail(
      'order-confirmed',
      { displayName: 'Ada' },
      { orderId: 'o-1', courseTitle: 'Rust & <Systems>', price: 4999, currency: 'EUR' },
    );
    expect(email.subject).toBe('You are enrolled: Rust & <Systems>');
    expect(email.text).toContain('"Rust & <Systems>"');
    expect(email.text).toContain('Price: €49.99');
    expect(email.html).toContain('<strong>Rust &amp; &lt;Systems&gt;</strong>');
    expect(email.html).toContain('Price: €49.99');
    expect(email.html).toContain('<title>You are enrolled: Rust &amp; &lt;Systems&gt;</title>');
  });

  it('renders the cancellation notice with the reason only when there is one', () => {
    const withReason = renderEmail(
      'order-cancelled',
      { displayName: 'Ada' },
      { orderId: 'o-2', courseTitle: 'Go', reason: 'Refund "requested"' },
    );
    expect(withReason.text).toContain('Reason: Refund "requested"');
    expect(withReason.html).toContain('Reason: Refund &quot;requested&quot;');
    const withoutReason = renderEmail(
      'order-cancelled',
      { displayName: 'Ada' },
      { orderId: 'o-2', courseTitle: 'Go', reason: ' ' },
    );
    expect(withoutReason.text).not.toContain('Reason');
    expect(withoutReason.html).not.toContain('Reason');
  });
});
