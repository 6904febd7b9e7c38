/** Variables whose whole value is a secret, whatever it looks like. */
const SECRET_VARIABLE = /SECRET|PASSWORD|PASSWD|PRIVATE|KEY|TOKEN|CREDENTIAL|SASL/i;

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
/** `password=…`, `apiKey=…` and the like in query strings and option lists. */
const SECRET_PARAMETER =
  /\b((?:ssl)?pass(?:word|wd)?|pwd|secret|token|api[-_]?key|access[-_]?key)(=)([^&\s,;"']+)/gi;

/** A private key's armour, a `name=value` parameter or a URL's `user:password@`. */
const MAY_HOLD_SECRET = /PRIVATE KEY|[=@]/;

/** `user:password@` in a URL, well-formed or not: the password becomes `***`. */
function redactUserinfo(token: string): string {
  const at = token.lastIndexOf('@');
  if (at < 0) return token;
  const authorityStart = token.lastIndexOf('//', at) + 2; // 1 (start of token) when there is no `//`
  const colon = token.indexOf(':', Math.max(authorityStart, 0));
  if (colon < 0 || colon > at || colon === at - 1) return token;
  return `${token.slice(0, colon + 1)}***${token.slice(at)}`;
}

/**
 * The text with secrets replaced: URL passwords (`postgres://user:***@host/db`), private keys,
 * `password=` style parameters. For messages an operator reads: configuration errors, log lines.
 */
export function redactSecrets(text: string): string {
  // What each rule below needs to match; most lines (every access line) have none of it.
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text
    .replace(PEM_PRIVATE_KEY, '[redacted private key]')
    .replace(SECRET_PARAMETER, (_match, name: string, separator: string) => `${name}${separator}***`)
    .split(/(\s+|["'<>()[\]{}])/)
    .map(redactUserinfo)
    .join('');
}

/** The value of a variable as it may be shown: `***` for secret variables, else redacted text. */
export function displayableValue(variable: string, value: unknown): string {
  if (SECRET_VARIABLE.test(variable)) return '"***"';
  return redactSecrets(JSON.stringify(value) ?? String(value));
}
