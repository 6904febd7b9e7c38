import fc from 'fast-check';

/** Addresses that trip e-mail validators: unicode, IDN, quoted, over-long, almost valid. */
export const HOSTILE_EMAILS = [
  'josé@example.com',
  'o!brien@example.com',
  'user@bücher.de',
  'USER@BÜCHER.DE',
  '用户@例子.广告',
  'user@xn--bcher-kva.de',
  'ada+tag@example.co.uk',
  "o'hara@example.ie",
  '"quoted local"@example.com',
  'user@[127.0.0.1]',
  'user@localhost',
  'a..b@example.com',
  '.a@example.com',
  'a@-example.com',
  'a@example..com',
  '@example.com',
  'user@',
  'user@@example.com',
  ` padded@example.com `,
  `${'a'.repeat(65)}@example.com`,
  `a@${'b'.repeat(250)}.com`,
  `a@${Array.from({ length: 60 }, () => 'abcd').join('.')}.com`,
  'user@exämple.com\u0000',
  'user@example.com\ud800',
  'user@xn--.com',
  'user@xn--zz-zzz.com',
  'user@ex_ample.com',
  'user@123.456',
];

/** Strings that have broken services before: NUL, lone surrogates, numbers as text, injections. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '😀',
  '\u202e\u200b\ufeff',
  'ß'.repeat(300),
  "' OR 1=1 --",
  '"); DROP TABLE courses; --',
  '%00',
  '%',
  '\\u0000',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '%s%n%x',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '1e20',
  '-1',
  '0',
  '-0',
  'NaN',
  'Infinity',
  '1e400',
  '0x10',
  '9007199254740993',
  '99999999999999999999999',
  '1.5',
  ' 42 ',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '2026-02-31T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '0000-00-00',
  'a & b | !c <-> d:*',
  'postgres:* & (',
  '!!!',
  'c',
  'a b c d e f g',
  '-word or "unterminated',
  '__proto__',
  'constructor',
  ...HOSTILE_EMAILS,
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 10 }),
        fc.constantFrom('\u0000', '\ud800', '\udc00'),
        fc.string({ maxLength: 10 }),
      )
      .map((parts) => parts.join('')),
  },
  // Built once: long strings cost the generator more than the server that refuses them.
  {
    weight: 1,
    arbitrary: fc.constantFrom(...[201, 1_001, 17_000, 20_001].map((length) => 'x'.repeat(length))),
  },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    1e20,
    -1,
    0,
    -0,
    1.5,
    2 ** 31,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** JSON values of every kind, including ones no schema expects. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      [],
      {},
      [null],
      { $gt: '' },
      JSON.parse('{"__proto__":{"a":1}}'),
    ),
  },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...[1_000, 20_000].map((length) => Array.from({ length }, () => 'x'))),
  },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const UUID_EXAMPLE = '00000000-0000-4000-8000-000000000000';

/**
 * Cursors a client may have edited: base64url JSON of the right shape with keys of the wrong
 * type or range, of the wrong shape, or no JSON at all.
 */
export const editedCursor: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('newest', 'relevance', 'popular', 'price_asc', 'price_desc', 'other', ''),
      fc.oneof(
        fc.constantFrom(
          'not-a-date',
          '1e300',
          '1e-400',
          '-1',
          '0x10',
          'Infinity',
          '99999-01-01',
          '2026-02-31 00:00:00+00',
          '2026-11-29 07:36:46.123456+00',
          '2147483648',
          '9223372036854775808',
          '1.5',
          '\u0000',
          '',
        ),
        hostileJsonValue,
      ),
      fc.oneof(fc.constant<unknown>(UUID_EXAMPLE), fc.uuid(), hostileJsonValue),
    )
    .map((tuple) => Buffer.from(JSON.stringify(tuple)).toString('base64url')),
  fc
    .record({ s: fc.constantFrom('newest', 'popular'), k: hostileJsonValue, i: fc.uuid() })
    .map((object) => Buffer.from(JSON.stringify(object)).toString('base64url')),
  hostileJsonValue.map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')),
  fc.base64String({ maxLength: 80 }),
  hostileString,
);

/** Raw request bodies that are not the JSON they claim to be, or JSON of the worst kinds. */
export const brokenJsonBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      '{',
      '{"email":',
      '{"a":1,}',
      "{'a':1}",
      'nul',
      '[1,2',
      '"unterminated',
      '{"a":1}garbage',
      '\ufeff{}',
    )
    .map((text) => Buffer.from(text)),
  fc
    .constantFrom('{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"x":1}}}')
    .map((text) => Buffer.from(text)),
  fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
  fc.integer({ min: 10, max: 60 }).map((depth) => Buffer.from('['.repeat(depth) + ']'.repeat(depth))),
  fc.constantFrom(
    ...[33, 5_000, 100_000].map((depth) => Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
  ),
  fc.constantFrom(...[1_000, 100_000].map((depth) => Buffer.from('['.repeat(depth)))),
  fc.constant(Buffer.from(`{"title":"${'x'.repeat(1024 * 1024 + 10)}"}`)),
  fc.constant(Buffer.from('"\\ud800"')),
  fc.constant(
    Buffer.from('{"password":"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000x"}'),
  ),
);
