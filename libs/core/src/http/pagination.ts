import { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InvalidInputError } from '../errors/domain-errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * The one pagination convention of every list: keyset pages. The first page has no cursor; each
 * page returns `nextCursor` (null on the last) to pass back for the next one. Keyset pages neither
 * skip nor repeat rows when rows are inserted meanwhile, unlike offsets.
 */
export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page (same filters and sort).',
    maxLength: 512,
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;
}

/** A page of items; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The response class of a list of `Item`s for the OpenAPI document (Swagger cannot describe a
 * generic class, so each list gets a named subclass): `class OrderPageDto extends PageDto(OrderDto) {}`.
 */
export function PageDto<Item>(item: ClassType<Item>) {
  class PageOf implements Page<Item> {
    @ApiProperty({ type: [item] })
    items!: Item[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as `cursor` for the next page; null on the last.',
    })
    nextCursor!: string | null;
  }
  return PageOf;
}

/** Where a keyset page ended: the last row's sort key (as text) and id; `sort` names the order. */
export interface PageCursor {
  sort: string;
  key: string;
  id: string;
}

/**
 * How a cursor's key must look for its sort, so an edited cursor is a 400 and never reaches SQL:
 * `timestamp` (ISO 8601 or PostgreSQL's text form), `number` (a float8 in decimal notation),
 * `integer` (within PostgreSQL's `integer`), `text`.
 */
export type CursorKeyKind = 'timestamp' | 'number' | 'integer' | 'text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What both Date.parse and PostgreSQL's timestamptz input read the same way.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;
// Decimal notation only: Number() also reads 0x10, 0b1 and Infinity, which PostgreSQL refuses.
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/;
const INT4 = { min: -2_147_483_648, max: 2_147_483_647 };

/** A float8 PostgreSQL reads back: finite, and not a non-zero value so small it underflows to 0. */
function isFloat8(key: string): boolean {
  if (!DECIMAL.test(key)) return false;
  const value = Number(key);
  return Number.isFinite(value) && (value !== 0 || !/[1-9]/.test(key.split(/e/i)[0]));
}

/** A timestamp that exists (2026-02-31 parses in neither reading once checked field by field). */
function isTimestamp(key: string): boolean {
  if (!TIMESTAMP.test(key)) return false;
  const parsed = new Date(key.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  if (Number.isNaN(parsed.getTime())) return false;
  const [year, month, day] = key.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return (
    calendar.getUTCFullYear() === year &&
    calendar.getUTCMonth() === month - 1 &&
    calendar.getUTCDate() === day
  );
}

const KEY_CHECKS: Record<CursorKeyKind, (key: string) => boolean> = {
  timestamp: isTimestamp,
  number: (key) => key.length <= 40 && isFloat8(key),
  integer: (key) => /^-?\d{1,10}$/.test(key) && Number(key) >= INT4.min && Number(key) <= INT4.max,
  // PostgreSQL text cannot hold NUL; nothing else is special in a bound parameter.
  text: (key) => key.length <= 1_000 && !key.includes('\u0000'),
};

/** Opaque to clients: base64url of a small JSON array. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.id])).toString('base64url');
}

/** Decodes a cursor of the given sort, or throws InvalidInputError (400) naming the cursor. */
export function decodeCursor(raw: string, sort: string, keyKind: CursorKeyKind): PageCursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 3) {
      const [cursorSort, key, id] = decoded as unknown[];
      if (
        cursorSort === sort &&
        typeof key === 'string' &&
        typeof id === 'string' &&
        UUID.test(id) &&
        KEY_CHECKS[keyKind](key)
      ) {
        return { sort, key, id };
      }
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidInputError('Invalid cursor (it belongs to another query or was altered)');
}

/**
 * Cuts a page from rows fetched with `limit + 1` (the extra row only says whether there is more)
 * and makes the cursor from the last row kept.
 */
export function pageOf<Row, Item>(
  rows: Row[],
  limit: number,
  cursorOf: (last: Row) => PageCursor,
  toItem: (row: Row) => Item,
): Page<Item> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    items: kept.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
