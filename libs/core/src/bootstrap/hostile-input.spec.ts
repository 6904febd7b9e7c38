import { findMalformedQueryEncoding, findMalformedText, jsonDepthExceeds } from './hostile-input';

describe('jsonDepthExceeds', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[1,{"b":2}]}', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[{{{{"}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\"[[[["}', 1)).toBe(false);
  });

  it('stops early on very deep input without recursion', () => {
    expect(jsonDepthExceeds('['.repeat(1_000_000), 32)).toBe(true);
  });
});

describe('findMalformedText', () => {
  it('names each field holding a NUL or an unpaired surrogate, nested ones with dots', () => {
    expect(
      findMalformedText({
        title: 'a\u0000',
        tags: ['ok', 'x\ud800'],
        nested: { name: '\udc00y' },
        fine: '😀',
      }),
    ).toEqual([
      { field: 'title', messages: ['title must not contain NUL characters'] },
      {
        field: 'tags.1',
        messages: ['tags.1 must be well-formed Unicode (it contains an unpaired surrogate)'],
      },
      {
        field: 'nested.name',
        messages: ['nested.name must be well-formed Unicode (it contains an unpaired surrogate)'],
      },
    ]);
  });

  it('accepts paired surrogates and ordinary text', () => {
    expect(findMalformedText({ q: 'naïve café 😀 日本' })).toEqual([]);
  });
});

describe('findMalformedQueryEncoding', () => {
  it('names query parameters whose percent-encoding is no UTF-8', () => {
    expect(findMalformedQueryEncoding('/courses?q=%ED%A0%80&limit=5&r=%FF&ok=caf%C3%A9&s=%')).toEqual([
      { field: 'q', messages: ['q is not percent-encoded UTF-8'] },
      { field: 'r', messages: ['r is not percent-encoded UTF-8'] },
      { field: 's', messages: ['s is not percent-encoded UTF-8'] },
    ]);
  });

  it('accepts well-formed queries, + for spaces and no query at all', () => {
    expect(findMalformedQueryEncoding('/courses?q=a+b%20c&tag=%F0%9F%98%80')).toEqual([]);
    expect(findMalformedQueryEncoding('/courses')).toEqual([]);
  });
});
