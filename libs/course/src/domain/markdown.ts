import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/** The largest lesson body accepted: 100 KB of Markdown, counted in UTF-8 bytes. */
export const MAX_LESSON_BODY_BYTES = 100 * 1024;

/*
 * Lesson bodies are Markdown written by instructors and shown to learners, so what is rendered
 * must be safe to put into a page as it is. markdown-it renders (inline HTML allowed, as Markdown
 * allows it) and sanitize-html then decides alone what survives: an allowlist of elements,
 * attributes and URL schemes. Script elements go with their content, event-handler attributes go,
 * and a link or image whose URL has another scheme (javascript:, data:, vbscript:) loses that URL.
 * markdown-it's own link check is switched off so that such links reach the sanitiser as links
 * and are stripped there, instead of staying in the text as Markdown source.
 */
const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });
markdown.validateLink = () => true;

const SANITISE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...[
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'p',
      'br',
      'hr',
      'blockquote',
      'pre',
      'code',
      'kbd',
      'sub',
      'sup',
    ],
    ...[
      'em',
      'strong',
      's',
      'del',
      'ul',
      'ol',
      'li',
      'a',
      'img',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
  ],
  allowedAttributes: {
    // rel is set by the transform below.
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    ol: ['start'],
    code: ['class'],
    th: ['style'],
    td: ['style'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedStyles: {
    th: { 'text-align': [/^(left|right|center)$/] },
    td: { 'text-align': [/^(left|right|center)$/] },
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
  },
};

/** The lesson body's Markdown as sanitised HTML (empty for an empty body). */
export function renderLessonMarkdown(body: string): string {
  if (body.trim() === '') return '';
  return sanitizeHtml(markdown.render(body), SANITISE_OPTIONS);
}

/** Whether the body is within MAX_LESSON_BODY_BYTES. */
export function isWithinBodyLimit(body: string): boolean {
  return Buffer.byteLength(body, 'utf8') <= MAX_LESSON_BODY_BYTES;
}
