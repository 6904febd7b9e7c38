/**
 * How the `q` of `GET /courses` becomes full-text queries (see course-search.ts for the SQL).
 *
 * - Typed as people type ("learn javascript"): every word is its own query, as a prefix
 *   ("postgres" finds PostgreSQL); courses are found by any word and ranked by how many match.
 * - Web-search syntax (quotes, `-word`, `or`): taken literally, every term must match, no prefixes.
 *
 * Technology names are rewritten into plain words first (C++ → cplusplus, C# → csharp,
 * .NET → dotnet, Node.js → nodejs), exactly as the SQL function `course_search_terms` rewrites the
 * course texts (migration 1764400000000; a test checks that the two agree).
 */

/** Words beyond this many are ignored: each word costs one match test per candidate. */
export const MAX_SEARCH_WORDS = 8;

export type SearchText = { kind: 'words'; words: string[] } | { kind: 'operators'; text: string };

/** The TypeScript twin of the SQL function `course_search_terms`. */
export function searchTermsOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/([a-z0-9])\+\+/g, '$1plusplus')
    .replace(/([a-z])#/g, '$1sharp')
    .replace(/\.net($|[^a-z0-9])/g, ' dotnet$1')
    .replace(/([a-z0-9])\.js($|[^a-z0-9])/g, '$1js$2');
}

const OPERATOR_SYNTAX = /"|(^|\s)-|\bor\b/i;

export function parseSearchText(text: string): SearchText {
  const terms = searchTermsOf(text);
  if (OPERATOR_SYNTAX.test(text)) return { kind: 'operators', text: terms };
  const words = [...new Set(terms.match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, MAX_SEARCH_WORDS);
  return { kind: 'words', words };
}

/**
 * One word as a `to_tsquery` operand: a prefix (`postgres:*`), except words shorter than 2
 * characters, which stay whole words (`c` is `c`, not `c:*`): a one-letter prefix matches much of
 * the catalogue and makes one anonymous search expensive.
 */
export function wordQueryOf(word: string): string {
  return word.length < 2 ? word : `${word}:*`;
}
