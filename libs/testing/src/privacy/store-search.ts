import { withMongoConnection } from '../mongo/temporary-mongo-database';
import { withPostgresClient } from '../postgres/test-database';

/** One place a searched text was found: a row of a PostgreSQL table or a MongoDB document. */
export interface StoreFinding {
  store: 'postgres' | 'mongo';
  /** The database's name. */
  database: string;
  /** `schema.table` or the collection's name. */
  table: string;
  /** The columns (PostgreSQL) or top-level fields (MongoDB) that contain the text. */
  columns: string[];
  /** The whole row or document as text, for the failure message. */
  row: string;
}

/** What a search looked at: proof it was not a search of nothing. */
export interface StoreSearch {
  findings: StoreFinding[];
  /** Every table or collection searched, e.g. `auth:public.users`, `coursehub_email:emails`. */
  searched: string[];
  /** Rows and documents read. */
  rowsRead: number;
}

const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast'];

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/**
 * Searches every row of every table of a PostgreSQL database for `text` (case-insensitive), as an
 * auditor would: the tables and their columns come from `information_schema`, not from a list
 * that could miss a new one. A row matches when its whole text form (`row::text`: every column,
 * json/jsonb and arrays included) contains the text; the columns named in the finding are those
 * whose own text form (or, for `bytea`, whose UTF-8 bytes) contain it, so a value hidden in a
 * binary column is found as well.
 */
export function searchPostgres(url: string, text: string): Promise<StoreSearch> {
  return withPostgresClient(url, async (client) => {
    const database = databaseNameOf(url);
    const { rows: columns } = await client.query<{
      table_schema: string;
      table_name: string;
      column_name: string;
      data_type: string;
    }>(
      `SELECT c.table_schema, c.table_name, c.column_name, c.data_type
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema <> ALL ($1)
        ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
      [SYSTEM_SCHEMAS],
    );
    const tables = new Map<string, { schema: string; name: string; columns: typeof columns }>();
    for (const column of columns) {
      const id = `${column.table_schema}.${column.table_name}`;
      const table = tables.get(id) ?? { schema: column.table_schema, name: column.table_name, columns: [] };
      table.columns.push(column);
      tables.set(id, table);
    }
    const findings: StoreFinding[] = [];
    let rowsRead = 0;
    for (const [id, table] of tables) {
      const relation = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
      const matches = table.columns.map((column) => {
        const name = quoteIdentifier(column.column_name);
        return column.data_type === 'bytea'
          ? `position(convert_to($1, 'UTF8') IN coalesce(r.${name}, ''::bytea)) > 0`
          : `strpos(lower(r.${name}::text), lower($1)) > 0`;
      });
      const { rows } = await client.query<Record<string, unknown>>(
        `SELECT r::text AS "row", ${matches.map((match, index) => `(${match}) AS "m${index}"`).join(', ')}
           FROM ${relation} r`,
        [text],
      );
      rowsRead += rows.length;
      for (const row of rows) {
        const matched = table.columns.filter((_, index) => row[`m${index}`] === true);
        const asText = String(row.row);
        if (matched.length > 0 || asText.toLowerCase().includes(text.toLowerCase())) {
          findings.push({
            store: 'postgres',
            database,
            table: id,
            columns: matched.map((column) => column.column_name),
            row: asText,
          });
        }
      }
    }
    return { findings, searched: [...tables.keys()].map((id) => `${database}:${id}`), rowsRead };
  });
}

/** Every string in a document, with the top-level field it sits under. */
function stringsOf(value: unknown, field: string, into: { field: string; text: string }[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') into.push({ field, text: value });
  else if (Buffer.isBuffer(value)) into.push({ field, text: value.toString('utf8') });
  else if (value instanceof Uint8Array) into.push({ field, text: Buffer.from(value).toString('utf8') });
  else if (Array.isArray(value)) value.forEach((item) => stringsOf(item, field, into));
  else if (typeof value === 'object') {
    const bson = value as { _bsontype?: string; buffer?: Uint8Array; toString(): string };
    if (bson._bsontype === 'Binary' && bson.buffer) {
      into.push({ field, text: Buffer.from(bson.buffer).toString('utf8') });
      return;
    }
    if (bson._bsontype) {
      into.push({ field, text: bson.toString() });
      return;
    }
    for (const [key, nested] of Object.entries(value)) {
      into.push({ field, text: key });
      stringsOf(nested, field, into);
    }
  } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    into.push({ field, text: String(value) });
  }
}

/**
 * Searches every document of every collection of every (non-system) database of a MongoDB server
 * for `text` (case-insensitive): each string value, key and binary payload of a document, nested
 * or not. The collections are listed by the server, so a new one is searched too.
 */
export function searchMongo(url: string, text: string): Promise<StoreSearch> {
  const needle = text.toLowerCase();
  return withMongoConnection(url, { serverSelectionTimeoutMS: 5_000 }, async (connection) => {
    const client = connection.getClient();
    const { databases } = await client.db().admin().listDatabases();
    const findings: StoreFinding[] = [];
    const searched: string[] = [];
    let rowsRead = 0;
    for (const { name: databaseName } of databases) {
      if (['admin', 'config', 'local'].includes(databaseName)) continue;
      const db = client.db(databaseName);
      const collections = await db.listCollections({}, { nameOnly: true }).toArray();
      for (const { name } of collections) {
        if (name.startsWith('system.')) continue;
        searched.push(`${databaseName}:${name}`);
        for (const document of await db.collection(name).find({}).toArray()) {
          rowsRead++;
          const strings: { field: string; text: string }[] = [];
          for (const [field, value] of Object.entries(document)) {
            strings.push({ field, text: field });
            stringsOf(value, field, strings);
          }
          const fields = [
            ...new Set(strings.filter((s) => s.text.toLowerCase().includes(needle)).map((s) => s.field)),
          ];
          if (fields.length > 0) {
            findings.push({
              store: 'mongo',
              database: databaseName,
              table: name,
              columns: fields,
              row: JSON.stringify(document),
            });
          }
        }
      }
    }
    return { findings, searched, rowsRead };
  });
}

/** Outbox rows of a feature database not yet handed to the broker (parked ones included). */
export function unsentOutboxRows(url: string): Promise<number> {
  return withPostgresClient(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_messages WHERE sent_at IS NULL',
    );
    return rows[0].n;
  });
}
