import { InvalidInputError } from '../errors/domain-errors';
import { decodeCursor, encodeCursor, pageOf } from './pagination';

const ID = '0b8f2a3e-6c1d-4a5b-9e7f-1a2b3c4d5e6f';

describe('keyset cursors', () => {
  it('round-trips a cursor of its sort', () => {
    const cursor = { sort: 'newest', key: '2026-11-29T07:00:00.000Z', id: ID };
    expect(decodeCursor(encodeCursor(cursor), 'newest', 'timestamp')).toEqual(cursor);
  });

  it.each([
    ['another sort', encodeCursor({ sort: 'price', key: '2026-11-29T07:00:00.000Z', id: ID })],
    ['a key that is not a date', encodeCursor({ sort: 'newest', key: 'not-a-date', id: ID })],
    ['an id that is not a uuid', encodeCursor({ sort: 'newest', key: '2026-11-29T07:00:00.000Z', id: 'x' })],
    ['no JSON at all', 'bm90IGpzb24'],
    ['a JSON object instead of the array', Buffer.from('{"s":"newest"}').toString('base64url')],
  ])('refuses %s with a 400-kind error', (_case, raw) => {
    expect(() => decodeCursor(raw, 'newest', 'timestamp')).toThrow(InvalidInputError);
  });

  it('refuses a non-numeric key where a number is expected and NUL in text keys', () => {
    expect(() => decodeCursor(encodeCursor({ sort: 'p', key: '1e400', id: ID }), 'p', 'number')).toThrow(
      InvalidInputError,
    );
    expect(() => decodeCursor(encodeCursor({ sort: 't', key: 'a\u0000b', id: ID }), 't', 'text')).toThrow(
      InvalidInputError,
    );
    expect(decodeCursor(encodeCursor({ sort: 'p', key: '12.5', id: ID }), 'p', 'number').key).toBe('12.5');
  });

  it.each([
    ['number', '0x10'],
    ['number', 'Infinity'],
    ['number', '1e-400'],
    ['number', ' 1'],
    ['integer', '1.5'],
    ['integer', '1e3'],
    ['integer', '2147483648'],
    ['timestamp', '1'],
    ['timestamp', '99999-01-01'],
    ['timestamp', '2026-02-31 00:00:00+00'],
    ['timestamp', 'March 7, 2026'],
  ] as const)('refuses a %s key %s that PostgreSQL would not read back', (kind, key) => {
    expect(() => decodeCursor(encodeCursor({ sort: 's', key, id: ID }), 's', kind)).toThrow(
      InvalidInputError,
    );
  });

  it.each([
    ['number', '0.0607927'],
    ['number', '1e-20'],
    ['number', '0'],
    ['integer', '4900'],
    ['integer', '-2147483648'],
    ['timestamp', '2026-11-29 07:36:46.123456+00'],
    ['timestamp', '2026-11-29T07:36:46.123Z'],
    ['timestamp', '2024-02-29 00:00:00+05:30'],
  ] as const)('accepts the %s key %s', (kind, key) => {
    expect(decodeCursor(encodeCursor({ sort: 's', key, id: ID }), 's', kind).key).toBe(key);
  });
});

describe('pageOf', () => {
  const rows = [1, 2, 3].map((n) => ({ n, id: ID }));
  const cursorOf = (row: { n: number; id: string }) => ({ sort: 's', key: String(row.n), id: row.id });

  it('keeps `limit` rows and points the cursor at the last one kept when there is more', () => {
    const page = pageOf(rows, 2, cursorOf, (row) => row.n);
    expect(page.items).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor!, 's', 'number')).toEqual({ sort: 's', key: '2', id: ID });
  });

  it('has no next cursor on the last page', () => {
    expect(pageOf(rows, 3, cursorOf, (row) => row.n)).toEqual({ items: [1, 2, 3], nextCursor: null });
  });
});
