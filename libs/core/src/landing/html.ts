/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Content-Security-Policy of the server-rendered pages (`/`, `/dev/mailbox`): no scripts at all,
 * inline styles, images from anywhere (e-mails link theirs), frames only from this origin (the
 * mailbox shows each e-mail in a sandboxed `srcdoc` frame). No `upgrade-insecure-requests`: the
 * platform runs on plain http on a laptop, and its links must open as they are.
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: #1d2330; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
  a { color: #1f5fbf; } code, pre { font: 14px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
  pre { background: #f3f5f9; padding: .75rem 1rem; overflow-x: auto; border-radius: 6px; white-space: pre-wrap; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e2e6ee; vertical-align: top; }
  .muted { color: #5b6475; } .pill { display: inline-block; padding: 0 .5rem; border-radius: 1rem; background: #e8eefb; margin-right: .3rem; }
  iframe { width: 100%; min-height: 18rem; border: 1px solid #e2e6ee; border-radius: 6px; background: #fff; }
  details { border: 1px solid #e2e6ee; border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; } summary { cursor: pointer; }
`;

/** A complete, script-free HTML page around `body` (already escaped where it needs to be). */
export function htmlPage(title: string, body: string): string {
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}

/**
 * Whether a request asks for JSON rather than a page: `Accept` names `application/json` before
 * (or without) `text/html`. Browsers send `text/html` first; `curl` sends `*\/*` and gets the page.
 */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept
    .split(',')
    .map((part, index) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const json = types.findIndex((entry) => entry.type === 'application/json');
  const html = types.findIndex((entry) => entry.type === 'text/html');
  return json >= 0 && (html < 0 || json < html);
}
