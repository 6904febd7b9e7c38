import { isWithinBodyLimit, MAX_LESSON_BODY_BYTES, renderLessonMarkdown } from './markdown';

describe('lesson Markdown', () => {
  it('renders headings, emphasis, lists, code and links', () => {
    const html = renderLessonMarkdown(
      '# Indexes\n\nUse **B-trees** for `=` and ranges:\n\n- one\n- two\n\n```sql\nSELECT 1;\n```\n\n[docs](https://www.postgresql.org/docs/)',
    );
    expect(html).toContain('<h1>Indexes</h1>');
    expect(html).toContain('<strong>B-trees</strong>');
    expect(html).toContain('<code>=</code>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<code class="language-sql">SELECT 1;\n</code>');
    expect(html).toContain(
      '<a href="https://www.postgresql.org/docs/" rel="nofollow noopener noreferrer">docs</a>',
    );
  });

  it('never lets a script, an event handler or a javascript: link through', () => {
    const html = renderLessonMarkdown(
      [
        '<script>alert(1)</script>',
        'Press <kbd>Ctrl</kbd>+<kbd>C</kbd>',
        '<img src=x onerror="alert(2)">',
        '[click](javascript:alert(3))',
        '[data](data:text/html;base64,PHNjcmlwdD4=)',
        '<a href="javascript:alert(4)">raw</a>',
        '![img](javascript:alert(5))',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(/script/i);
    expect(html).not.toMatch(/alert/);
    expect(html).not.toMatch(/onerror/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/data:/i);
    // What was harmless stays: the link texts and the image (without its script URL).
    expect(html).toContain('<a rel="nofollow noopener noreferrer">click</a>');
    expect(html).toContain('<a rel="nofollow noopener noreferrer">raw</a>');
    expect(html).toContain('<img src="x" />');
  });

  it('keeps harmless inline HTML', () => {
    expect(renderLessonMarkdown('Press <kbd>Ctrl</kbd>')).toBe('<p>Press <kbd>Ctrl</kbd></p>\n');
  });

  it('renders an empty body as empty HTML', () => {
    expect(renderLessonMarkdown('')).toBe('');
    expect(renderLessonMarkdown('  \n ')).toBe('');
  });

  it('counts the body limit in UTF-8 bytes', () => {
    expect(isWithinBodyLimit('a'.repeat(MAX_LESSON_BODY_BYTES))).toBe(true);
    expect(isWithinBodyLimit('a'.repeat(MAX_LESSON_BODY_BYTES + 1))).toBe(false);
    expect(isWithinBodyLimit('é'.repeat(MAX_LESSON_BODY_BYTES / 2 + 1))).toBe(false);
  });
});
