import { domainToASCII } from 'node:url';
import { z } from 'zod';

/**
 * The one definition of a valid e-mail address, for DTOs and contracts alike.
 *
 * - The local part (before the @) is an RFC 5322 dot-atom in ASCII: letters, digits and
 *   ``!#$%&'*+/=?^_`{|}~-``, dots between them. Non-ASCII local parts (`josé@…`) are refused:
 *   delivering them needs SMTPUTF8 end to end, which we cannot promise.
 * - The domain may be internationalised (`bücher.de`): it is converted to its ASCII (punycode)
 *   form (`xn--bcher-kva.de`) by {@link normaliseEmailAddress}, then must be a host name of at
 *   least two labels.
 * - At most 64 characters before the @ and 254 in all (RFC 5321).
 *
 * Addresses are compared and stored normalised: trimmed, lower-cased, domain in punycode.
 */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const TOP_LABEL = '[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

export const EMAIL_ADDRESS_MAX_LENGTH = 254;

/** The rule above as one regular expression (also the `pattern` in the OpenAPI documents). */
export const EMAIL_ADDRESS_PATTERN = new RegExp(
  `^(?=.{3,${EMAIL_ADDRESS_MAX_LENGTH}}$)(?=[^@]{1,64}@)${ATEXT}+(?:\\.${ATEXT}+)*@(?:${LABEL}\\.)+${TOP_LABEL}$`,
);

export const EMAIL_ADDRESS_RULE =
  "an e-mail address such as ada@example.com: ASCII letters, digits and !#$%&'*+/=?^_`{|}~- before the @ " +
  '(dots between them), a domain name after it (internationalised domains allowed), 254 characters at most';

/**
 * Trimmed, lower-cased, domain in punycode: the form addresses are validated, stored and compared
 * in. Text that is no address comes back trimmed and lower-cased, to fail validation.
 */
export function normaliseEmailAddress(raw: string): string {
  const address = raw.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return address;
  const domain = address.slice(at + 1);
  // domainToASCII answers '' for what is no domain name; ASCII domains stay as they are.
  const ascii = /^[\x21-\x7e]*$/.test(domain) ? domain : domainToASCII(domain);
  return ascii ? `${address.slice(0, at)}@${ascii}` : address;
}

/** Whether `value`, already normalised, is a valid e-mail address. */
export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && EMAIL_ADDRESS_PATTERN.test(value);
}

/** The zod form, for contracts: a normalised, valid address. */
export const emailAddressSchema = z.email({
  pattern: EMAIL_ADDRESS_PATTERN,
  error: `expected ${EMAIL_ADDRESS_RULE}`,
});
