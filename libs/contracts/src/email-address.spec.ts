import {
  EMAIL_ADDRESS_PATTERN,
  emailAddressSchema,
  isEmailAddress,
  normaliseEmailAddress,
} from './email-address';
import { userRegistered } from './events';

describe('the one e-mail address rule', () => {
  it('normalises: trimmed, lower-cased, an internationalised domain in punycode', () => {
    expect(normaliseEmailAddress('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normaliseEmailAddress('user@Bücher.de')).toBe('user@xn--bcher-kva.de');
    expect(normaliseEmailAddress('用户@例子.广告')).toBe('用户@xn--fsqu00a.xn--4rr70v');
    expect(normaliseEmailAddress('no-at-sign')).toBe('no-at-sign');
  });

  it.each([
    'ada@example.com',
    'o!brien@example.com',
    "o'hara@example.ie",
    'a+tag@mail.example.co.uk',
    'user@xn--bcher-kva.de',
  ])('accepts %s', (email) => {
    expect(isEmailAddress(email)).toBe(true);
    expect(emailAddressSchema.safeParse(email).success).toBe(true);
  });

  it.each([
    'josé@example.com',
    'user@bücher.de',
    '"quoted"@example.com',
    'a..b@example.com',
    '.a@example.com',
    'a.@example.com',
    'user@localhost',
    'user@-example.com',
    'user@example-.com',
    'user@[127.0.0.1]',
    'user@123.456',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.com`,
    'a\u0000@example.com',
  ])('refuses %s, in DTOs and contracts alike', (email) => {
    expect(isEmailAddress(email)).toBe(false);
    expect(emailAddressSchema.safeParse(email).success).toBe(false);
  });

  it('is what the user.registered contract checks', () => {
    const event = { userId: '6f1c3a52-3e0b-4c57-9d1e-6a4f0e2b9c11', displayName: 'User' };
    expect(userRegistered.schema.safeParse({ ...event, email: 'o!brien@example.com' }).success).toBe(true);
    expect(userRegistered.schema.safeParse({ ...event, email: 'josé@example.com' }).success).toBe(false);
    expect(EMAIL_ADDRESS_PATTERN.test(normaliseEmailAddress('USER@BÜCHER.DE'))).toBe(true);
  });
});
