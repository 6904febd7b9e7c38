import { calculateObjectSize, Long, ObjectId } from 'bson';
import { aggregate, find, ProcessingMode, Query, update as applyModifier } from 'mingo';
import type { Options as MingoOptions } from 'mingo/types';
import {
  cloneDocument,
  type Doc,
  isPlainObject,
  sameDocument,
  setAtPath,
  valueKey,
  valuesAtPath,
  withId,
} from './documents';
import {
  asCommandError,
  badValue,
  CommandError,
  failedToParse,
  namespaceNotFound,
  typeMismatch,
} from './errors';
import { type Collection, isIndexSpec, type Store } from './storage';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES } from './wire-protocol';

/** What this server claims to be: MongoDB 7.0 (wire version 21), a standalone. */
const SERVER_VERSION = '7.0.0';
const MAX_WIRE_VERSION = 21;
const DEFAULT_BATCH_SIZE = 101;
/** mongod keeps a batch under 16 MiB; keep a little headroom for the reply envelope. */
const MAX_BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024;
const CURSOR_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

export interface ConnectionInfo {
  id: number;
  remote: string;
}

interface OpenCursor {
  ns: string;
  remaining: Doc[];
  lastUsed: number;
}

type Handler = (command: Doc, db: string, connection: ConnectionInfo) => Doc;

function asObject(value: unknown, field: string): Doc {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw typeMismatch(`BSON field '${field}' is the wrong type, expected object`);
  return value;
}

function asArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw typeMismatch(`BSON field '${field}' is the wrong type, expected array`);
  return value as unknown[];
}

function asCount(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (value instanceof Long) return value.toNumber();
  throw typeMismatch(`BSON field '${field}' is the wrong type, expected a number`);
}

function collectionName(command: Doc, name: string): string {
  const value = command[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new CommandError(73, 'InvalidNamespace', `collection name has invalid type ${typeof value}`);
  }
  return value;
}

type UpdateKind = 'operators' | 'replacement' | 'pipeline';

function updateKind(update: unknown): UpdateKind {
  if (Array.isArray(update)) return 'pipeline';
  if (!isPlainObject(update)) throw failedToParse('Update argument must be either an object or an array');
  const keys = Object.keys(update);
  const operators = keys.filter((key) => key.startsWith('$')).length;
  if (operators === 0) return 'replacement';
  if (operators === keys.length) return 'operators';
  throw failedToParse(
    `Update document requires all top-level fields to be update operators or none: ${keys.join(', ')}`,
  );
}

function immutableId(): CommandError {
  return new CommandError(
    66,
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

function checkId(document: Doc): void {
  const id = document._id;
  if (Array.isArray(id) || id instanceof RegExp || id === undefined) {
    throw new CommandError(
      53,
      'InvalidIdField',
      `The '_id' value cannot be of type ${Array.isArray(id) ? 'array' : 'regex'}`,
    );
  }
}

/** The fields an upsert seeds the new document with: the equality conditions of its query. */
function equalityFields(query: Doc, into: Doc = {}): Doc {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) equalityFields(clause, into);
    } else if (key.startsWith('$')) {
      continue;
    } else if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      if ('$eq' in condition) setAtPath(into, key, condition.$eq);
    } else if (!(condition instanceof RegExp)) {
      setAtPath(into, key, condition);
    }
  }
  return into;
}

function mingoOptions(command: Doc): Partial<MingoOptions> {
  const options: { collation?: MingoOptions['collation']; variables?: Doc } = {};
  if (isPlainObject(command.collation))
    options.collation = command.collation as unknown as MingoOptions['collation'];
  if (isPlainObject(command.let)) options.variables = command.let;
  return options;
}

/** Sort spec for mingo: `$natural` is the storage order, `$meta` sorts are not supported here. */
function sortSpec(sort: unknown): { spec?: Record<string, 1 | -1>; reverse: boolean } {
  const source = asObject(sort, 'sort');
  const spec: Record<string, 1 | -1> = {};
  let reverse = false;
  for (const [field, direction] of Object.entries(source)) {
    if (field === '$natural') reverse = Number(direction) < 0;
    else if (typeof direction === 'number') spec[field] = direction < 0 ? -1 : 1;
    else throw badValue(`Invalid sort direction for '${field}': only 1 and -1 are supported`);
  }
  return { spec: Object.keys(spec).length ? spec : undefined, reverse };
}

interface QueryShape {
  filter?: unknown;
  sort?: unknown;
  skip?: number;
  limit?: number;
  projection?: unknown;
}

export class CommandExecutor {
  private readonly cursors = new Map<number, OpenCursor>();
  private readonly startedAt = Date.now();
  private readonly handlers: Record<string, Handler> = {
    hello: (_c, _db, connection) => this.hello('hello', connection),
    isMaster: (_c, _db, connection) => this.hello('isMaster', connection),
    ismaster: (_c, _db, connection) => this.hello('isMaster', connection),
    buildInfo: () => this.buildInfo(),
    buildinfo: () => this.buildInfo(),
    ping: () => ({ ok: 1 }),
    endSessions: () => ({ ok: 1 }),
    killSessions: () => ({ ok: 1 }),
    refreshSessions: () => ({ ok: 1 }),
    startSession: () => ({ id: { id: new ObjectId() }, timeoutMinutes: 30, ok: 1 }),
    getParameter: (command) => this.getParameter(command),
    getLastError: () => ({ n: 0, err: null, ok: 1 }),
    getlasterror: () => ({ n: 0, err: null, ok: 1 }),
    connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
    whatsmyuri: (_c, _db, connection) => ({ you: connection.remote, ok: 1 }),
    serverStatus: () => this.serverStatus(),
    hostInfo: () => ({ system: { currentTime: new Date(), hostname: 'localhost' }, ok: 1 }),
    getCmdLineOpts: () => ({ argv: ['mongod'], parsed: {}, ok: 1 }),
    getFreeMonitoringStatus: () => ({ state: 'disabled', ok: 1 }),
    commitTransaction: () => {
      throw this.noTransactions();
    },
    abortTransaction: () => {
      throw this.noTransactions();
    },
    insert: (command, db) => this.insert(command, db),
    find: (command, db) => this.find(command, db),
    getMore: (command) => this.getMore(command),
    killCursors: (command) => this.killCursors(command),
    update: (command, db) => this.update(command, db),
    delete: (command, db) => this.delete(command, db),
    findAndModify: (command, db) => this.findAndModify(command, db),
    findandmodify: (command, db) =>
      this.findAndModify({ ...command, findAndModify: command.findandmodify }, db),
    aggregate: (command, db) => this.aggregate(command, db),
    count: (command, db) => this.count(command, db),
    distinct: (command, db) => this.distinct(command, db),
    createIndexes: (command, db) => this.createIndexes(command, db),
    listIndexes: (command, db) => this.listIndexes(command, db),
    dropIndexes: (command, db) => this.dropIndexes(command, db),
    deleteIndexes: (command, db) => this.dropIndexes({ ...command, dropIndexes: command.deleteIndexes }, db),
    listCollections: (command, db) => this.listCollections(command, db),
    listDatabases: (command) => this.listDatabases(command),
    create: (command, db) => this.create(command, db),
    drop: (command, db) => this.drop(command, db),
    dropDatabase: (_command, db) => {
      this.store.dropDatabase(db);
      return { dropped: db, ok: 1 };
    },
    renameCollection: (command) => this.renameCollection(command),
    dbStats: (_command, db) => this.dbStats(db),
    collMod: (command, db) => {
      if (!this.store.collection(db, collectionName(command, 'collMod'))) {
        throw namespaceNotFound(`ns does not exist: ${db}.${String(command.collMod)}`);
      }
      return { ok: 1 };
    },
  };

  constructor(private readonly store: Store) {}

  /** Runs one command and returns its reply; failures become `{ ok: 0, errmsg, code, codeName }`. */
  execute(command: Doc, connection: ConnectionInfo): Doc {
    const name = Object.keys(command)[0];
    try {
      if (name === '$legacyQuery') {
        throw new CommandError(
          5739101,
          'UnsupportedOpQueryCommand',
          'OP_QUERY is only supported for commands',
        );
      }
      const handler = name === undefined ? undefined : this.handlers[name];
      if (!handler || !Object.prototype.hasOwnProperty.call(this.handlers, name)) {
        throw new CommandError(59, 'CommandNotFound', `no such command: '${name ?? ''}'`);
      }
      if (command.autocommit === false || command.startTransaction === true) throw this.noTransactions();
      const db = typeof command.$db === 'string' ? command.$db : 'test';
      return handler(command, db, connection);
    } catch (error) {
      return asCommandError(error).toReply();
    }
  }

  closeAllCursors(): void {
    this.cursors.clear();
  }

  private noTransactions(): CommandError {
    return new CommandError(
      20,
      'IllegalOperation',
      'Transaction numbers are only allowed on a replica set member or mongos',
    );
  }

  // ---- server / handshake -------------------------------------------------------------------

  private hello(name: 'hello' | 'isMaster', connection: ConnectionInfo): Doc {
    // No `topologyVersion`: the driver then polls instead of using the streaming (exhaust) protocol.
    return {
      ...(name === 'hello' ? { isWritablePrimary: true } : { ismaster: true }),
      helloOk: true,
      maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId: connection.id,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
      ok: 1,
    };
  }

  private buildInfo(): Doc {
    return {
      version: SERVER_VERSION,
      versionArray: SERVER_VERSION.split('.').map(Number).concat([0]),
      gitVersion: 'coursehub-devkit-mongo-wire',
      bits: 64,
      debug: false,
      maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
      storageEngines: ['inMemory'],
      javascriptEngine: 'none',
      modules: [],
      ok: 1,
    };
  }

  private getParameter(command: Doc): Doc {
    const reply: Doc = { ok: 1 };
    if (command.featureCompatibilityVersion !== undefined || command.getParameter === '*') {
      reply.featureCompatibilityVersion = { version: '7.0' };
    }
    return reply;
  }

  private serverStatus(): Doc {
    const uptimeMillis = Date.now() - this.startedAt;
    return {
      host: 'localhost',
      version: SERVER_VERSION,
      process: 'mongod',
      pid: process.pid,
      uptime: Math.floor(uptimeMillis / 1000),
      uptimeMillis,
      localTime: new Date(),
      storageEngine: { name: 'inMemory' },
      ok: 1,
    };
  }

  // ---- cursors ------------------------------------------------------------------------------

  private takeBatch(documents: Doc[], batchSize: number): Doc[] {
    const batch: Doc[] = [];
    let bytes = 0;
    while (batch.length < batchSize && documents.length > 0) {
      const size = calculateObjectSize(documents[0]);
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      batch.push(documents.shift() as Doc);
    }
    return batch;
  }

  private cursorReply(ns: string, results: Doc[], batchSizeValue: unknown, singleBatch = false): Doc {
    const batchSize =
      batchSizeValue === undefined ? DEFAULT_BATCH_SIZE : asCount(batchSizeValue, 'batchSize');
    if (batchSize < 0) throw badValue('batchSize must be non-negative');
    const remaining = results.slice();
    const firstBatch = this.takeBatch(remaining, singleBatch ? Number.MAX_SAFE_INTEGER : batchSize);
    let id = 0;
    if (remaining.length > 0 && !singleBatch) {
      this.expireIdleCursors();
      do id = Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
      while (id === 0 || this.cursors.has(id));
      this.cursors.set(id, { ns, remaining, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch, id: Long.fromNumber(id), ns }, ok: 1 };
  }

  private expireIdleCursors(): void {
    const now = Date.now();
    for (const [id, cursor] of this.cursors) {
      if (now - cursor.lastUsed > CURSOR_IDLE_TIMEOUT_MS) this.cursors.delete(id);
    }
  }

  private getMore(command: Doc): Doc {
    const id = asCount(command.getMore, 'getMore');
    const cursor = this.cursors.get(id);
    if (!cursor) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
    const batchSize =
      command.batchSize === undefined ? Number.MAX_SAFE_INTEGER : asCount(command.batchSize, 'batchSize');
    const nextBatch = this.takeBatch(cursor.remaining, batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
    cursor.lastUsed = Date.now();
    const exhausted = cursor.remaining.length === 0;
    if (exhausted) this.cursors.delete(id);
    return { cursor: { nextBatch, id: Long.fromNumber(exhausted ? 0 : id), ns: cursor.ns }, ok: 1 };
  }

  private killCursors(command: Doc): Doc {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const value of asArray(command.cursors, 'cursors')) {
      const id = asCount(value, 'cursors');
      (this.cursors.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  // ---- reads --------------------------------------------------------------------------------

  private query(
    collection: Collection | undefined,
    shape: QueryShape,
    options: Partial<MingoOptions>,
  ): Doc[] {
    if (!collection) return [];
    const { spec, reverse } = sortSpec(shape.sort);
    const source = reverse ? collection.all().reverse() : collection.all();
    const projection = asObject(shape.projection, 'projection');
    const cursor = find(
      source,
      asObject(shape.filter, 'filter'),
      Object.keys(projection).length ? projection : undefined,
      options,
    );
    if (spec) cursor.sort(spec);
    if (shape.skip) cursor.skip(shape.skip);
    if (shape.limit) cursor.limit(Math.abs(shape.limit));
    return cursor.all();
  }

  private find(command: Doc, db: string): Doc {
    const name = collectionName(command, 'find');
    const limit = asCount(command.limit, 'limit');
    const skip = asCount(command.skip, 'skip');
    if (skip < 0) throw badValue('skip value must be non-negative');
    const results = this.query(
      this.store.collection(db, name),
      { filter: command.filter, sort: command.sort, skip, limit, projection: command.projection },
      mingoOptions(command),
    );
    // A negative limit is the legacy spelling of "one batch, then close".
    return this.cursorReply(
      `${db}.${name}`,
      results,
      command.batchSize,
      command.singleBatch === true || limit < 0,
    );
  }

  private count(command: Doc, db: string): Doc {
    const results = this.query(
      this.store.collection(db, collectionName(command, 'count')),
      { filter: command.query, skip: asCount(command.skip, 'skip'), limit: asCount(command.limit, 'limit') },
      mingoOptions(command),
    );
    return { n: results.length, ok: 1 };
  }

  private distinct(command: Doc, db: string): Doc {
    const key = command.key;
    if (typeof key !== 'string') throw typeMismatch("BSON field 'distinct.key' is missing or not a string");
    const matches = this.query(
      this.store.collection(db, collectionName(command, 'distinct')),
      { filter: command.query },
      mingoOptions(command),
    );
    const values = new Map<string, unknown>();
    const segments = key.split('.');
    for (const document of matches) {
      for (const value of valuesAtPath(document, segments)) {
        if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
        const id = valueKey(value);
        if (!values.has(id)) values.set(id, value);
      }
    }
    return { values: Array.from(values.values()), ok: 1 };
  }

  private aggregate(command: Doc, db: string): Doc {
    const target = command.aggregate;
    const pipeline = asArray(command.pipeline, 'pipeline').map((stage, i) =>
      asObject(stage, `pipeline.${i}`),
    );
    if (!isPlainObject(command.cursor) && command.explain !== true) {
      throw failedToParse("The 'cursor' option is required, except for aggregate with the explain argument");
    }
    if (command.explain === true)
      throw new CommandError(115, 'CommandNotSupported', 'explain is not supported');
    let source: Doc[];
    let ns: string;
    if (typeof target === 'string') {
      source = this.store.collection(db, target)?.all() ?? [];
      ns = `${db}.${target}`;
    } else if (target === 1) {
      source = [];
      ns = `${db}.$cmd.aggregate`;
    } else {
      throw typeMismatch("BSON field 'aggregate' must be a collection name or 1");
    }
    const last = pipeline[pipeline.length - 1];
    const out = last && '$out' in last ? last.$out : undefined;
    if (pipeline.some((stage) => '$merge' in stage)) {
      throw new CommandError(115, 'CommandNotSupported', '$merge is not supported by the embedded server');
    }
    const stages = out === undefined ? pipeline : pipeline.slice(0, -1);
    const results = aggregate(source, stages, {
      ...mingoOptions(command),
      processingMode: ProcessingMode.CLONE_INPUT,
      collectionResolver: (name: string) => (this.store.collection(db, name)?.all() ?? []).map(cloneDocument),
    }) as Doc[];
    if (out !== undefined) {
      this.writeOut(db, out, results);
      return this.cursorReply(ns, [], 0);
    }
    const cursorOptions = command.cursor as Doc;
    return this.cursorReply(ns, results, cursorOptions.batchSize);
  }

  /** `$out`: the target collection is replaced by the pipeline's result (indexes are kept). */
  private writeOut(db: string, out: unknown, results: Doc[]): void {
    const target = typeof out === 'string' ? { db, coll: out } : asObject(out, '$out');
    const targetDb = typeof target.db === 'string' ? target.db : db;
    if (typeof target.coll !== 'string') throw failedToParse('$out requires a collection name');
    const [collection] = this.store.ensureCollection(targetDb, target.coll);
    const previous = collection.all();
    collection.clear();
    try {
      for (const document of results) collection.insert(cloneDocument(withId(document)));
    } catch (error) {
      collection.clear();
      for (const document of previous) collection.insert(document);
      throw error;
    }
  }

  // ---- writes -------------------------------------------------------------------------------

  private insert(command: Doc, db: string): Doc {
    const name = collectionName(command, 'insert');
    const documents = asArray(command.documents, 'documents');
    const ordered = command.ordered !== false;
    const [collection] = this.store.ensureCollection(db, name);
    const writeErrors: Doc[] = [];
    let n = 0;
    documents.forEach((value, index) => {
      if (ordered && writeErrors.length > 0) return;
      try {
        const document = withId(cloneDocument(asObject(value, `documents.${index}`)));
        checkId(document);
        collection.insert(document);
        n += 1;
      } catch (error) {
        writeErrors.push(asCommandError(error).toWriteError(index));
      }
    });
    return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  }

  /** The new version of `current` (a fresh object; stored documents are never mutated). */
  private applyUpdate(
    current: Doc,
    update: unknown,
    query: Doc,
    arrayFilters: Doc[] | undefined,
    inserting: boolean,
  ): Doc {
    let next = cloneDocument(current);
    const kind = updateKind(update);
    if (kind === 'pipeline') {
      const stages = (update as unknown[]).map((stage, i) => asObject(stage, `u.${i}`));
      next = aggregate([next], stages)[0] ?? next;
    } else if (kind === 'replacement') {
      const replacement = update as Doc;
      if (
        replacement._id !== undefined &&
        !inserting &&
        valueKey(replacement._id) !== valueKey(current._id)
      ) {
        throw immutableId();
      }
      next = { ...cloneDocument(replacement), _id: current._id };
    } else {
      const { $setOnInsert, ...modifier } = update as Doc;
      if (Object.keys(modifier).length > 0) {
        applyModifier(next, modifier, arrayFilters, inserting ? undefined : query, { cloneMode: 'deep' });
      }
      if (inserting && isPlainObject($setOnInsert))
        applyModifier(next, { $set: $setOnInsert }, undefined, undefined, { cloneMode: 'deep' });
    }
    if (!inserting && valueKey(next._id) !== valueKey(current._id)) throw immutableId();
    const result = withId(next);
    checkId(result);
    return result;
  }

  private upsertDocument(query: Doc, update: unknown, arrayFilters: Doc[] | undefined): Doc {
    const kind = updateKind(update);
    const seed =
      kind === 'replacement'
        ? { _id: (update as Doc)._id ?? equalityFields(query)._id }
        : equalityFields(query);
    if (seed._id === undefined) delete seed._id;
    return this.applyUpdate(withId(seed), update, query, arrayFilters, true);
  }

  private matching(
    collection: Collection | undefined,
    filter: unknown,
    sort: unknown,
    one: boolean,
    command: Doc,
  ): Doc[] {
    return this.query(collection, { filter, sort, limit: one ? 1 : 0 }, mingoOptions(command));
  }

  private update(command: Doc, db: string): Doc {
    const name = collectionName(command, 'update');
    const statements = asArray(command.updates, 'updates');
    const ordered = command.ordered !== false;
    const writeErrors: Doc[] = [];
    const upserted: Doc[] = [];
    let n = 0;
    let nModified = 0;
    for (const [index, value] of statements.entries()) {
      try {
        const statement = asObject(value, `updates.${index}`);
        const query = asObject(statement.q, 'q');
        const multi = statement.multi === true;
        const arrayFilters = statement.arrayFilters as Doc[] | undefined;
        if (multi && updateKind(statement.u) === 'replacement') {
          throw failedToParse('multi update is not supported for replacement-style update');
        }
        const options = { ...mingoOptions(command), ...mingoOptions(statement) };
        let collection = this.store.collection(db, name);
        const matches = this.query(
          collection,
          { filter: query, sort: statement.sort, limit: multi ? 0 : 1 },
          options,
        );
        for (const current of matches) {
          const next = this.applyUpdate(current, statement.u, query, arrayFilters, false);
          n += 1;
          if (!sameDocument(current, next)) {
            collection?.replace(current, next);
            nModified += 1;
          }
        }
        if (matches.length === 0 && statement.upsert === true) {
          const document = this.upsertDocument(query, statement.u, arrayFilters);
          [collection] = this.store.ensureCollection(db, name);
          collection.insert(document);
          upserted.push({ index, _id: document._id });
          n += 1;
        }
      } catch (error) {
        writeErrors.push(asCommandError(error).toWriteError(index));
        if (ordered) break;
      }
    }
    return {
      n,
      nModified,
      ...(upserted.length ? { upserted } : {}),
      ...(writeErrors.length ? { writeErrors } : {}),
      ok: 1,
    };
  }

  private delete(command: Doc, db: string): Doc {
    const name = collectionName(command, 'delete');
    const statements = asArray(command.deletes, 'deletes');
    const ordered = command.ordered !== false;
    const collection = this.store.collection(db, name);
    const writeErrors: Doc[] = [];
    let n = 0;
    for (const [index, value] of statements.entries()) {
      try {
        const statement = asObject(value, `deletes.${index}`);
        const limit = asCount(statement.limit, 'limit');
        if (limit !== 0 && limit !== 1)
          throw failedToParse('The limit field in delete objects must be 0 or 1');
        const matches = this.matching(collection, statement.q, undefined, limit === 1, {
          ...command,
          ...statement,
        });
        for (const document of matches) collection?.remove(document);
        n += matches.length;
      } catch (error) {
        writeErrors.push(asCommandError(error).toWriteError(index));
        if (ordered) break;
      }
    }
    return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  }

  private project(document: Doc | null, fields: unknown): Doc | null {
    if (!document) return null;
    const projection = asObject(fields, 'fields');
    if (Object.keys(projection).length === 0) return document;
    const [projected] = find([document], {}, projection).all();
    return projected ?? null;
  }

  private findAndModify(command: Doc, db: string): Doc {
    const name = collectionName(command, 'findAndModify');
    const query = asObject(command.query, 'query');
    const remove = command.remove === true;
    const hasUpdate = command.update !== undefined && command.update !== null;
    if (remove && hasUpdate) throw failedToParse('Cannot specify both an update and remove=true');
    if (!remove && !hasUpdate) throw failedToParse('Either an update or remove=true must be specified');
    if (remove && command.upsert === true)
      throw failedToParse('Cannot specify both upsert=true and remove=true');
    const returnNew = command.new === true;
    if (remove && returnNew) throw failedToParse('Cannot specify both new=true and remove=true');
    const arrayFilters = command.arrayFilters as Doc[] | undefined;
    const collection = this.store.collection(db, name);
    const [current] = this.matching(collection, query, command.sort, true, command);

    if (remove) {
      if (current) collection?.remove(current);
      return {
        lastErrorObject: { n: current ? 1 : 0 },
        value: this.project(current ?? null, command.fields),
        ok: 1,
      };
    }
    if (current) {
      const next = this.applyUpdate(current, command.update, query, arrayFilters, false);
      if (!sameDocument(current, next)) collection?.replace(current, next);
      return {
        lastErrorObject: { n: 1, updatedExisting: true },
        value: this.project(returnNew ? next : current, command.fields),
        ok: 1,
      };
    }
    if (command.upsert === true) {
      const document = this.upsertDocument(query, command.update, arrayFilters);
      const [created] = this.store.ensureCollection(db, name);
      created.insert(document);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: document._id },
        value: returnNew ? this.project(document, command.fields) : null,
        ok: 1,
      };
    }
    return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  }

  // ---- collections, indexes, databases -------------------------------------------------------

  private createIndexes(command: Doc, db: string): Doc {
    const name = collectionName(command, 'createIndexes');
    const specs = asArray(command.indexes, 'indexes');
    if (specs.length === 0) throw badValue('Must specify at least one index to create');
    const [collection, createdCollectionAutomatically] = this.store.ensureCollection(db, name);
    const numIndexesBefore = collection.indexes.length;
    for (const value of specs) {
      if (!isIndexSpec(value)) throw failedToParse('Index specifications need a key object and a name');
      if (Object.keys(value.key).length === 0)
        throw new CommandError(67, 'CannotCreateIndex', 'Index keys cannot be empty.');
      const { v: _v, key, name: indexName, ...options } = value;
      collection.createIndex({ v: 2, key, name: indexName, ...options });
    }
    const numIndexesAfter = collection.indexes.length;
    return {
      createdCollectionAutomatically,
      numIndexesBefore,
      numIndexesAfter,
      ...(numIndexesAfter === numIndexesBefore ? { note: 'all indexes already exist' } : {}),
      ok: 1,
    };
  }

  private listIndexes(command: Doc, db: string): Doc {
    const name = collectionName(command, 'listIndexes');
    const collection = this.store.collection(db, name);
    if (!collection) throw namespaceNotFound(`ns does not exist: ${db}.${name}`);
    return this.cursorReply(
      collection.ns,
      collection.indexes.map(cloneDocument),
      asObject(command.cursor, 'cursor').batchSize,
    );
  }

  private dropIndexes(command: Doc, db: string): Doc {
    const name = collectionName(command, 'dropIndexes');
    const collection = this.store.collection(db, name);
    if (!collection) throw namespaceNotFound(`ns not found ${db}.${name}`);
    const nIndexesWas = collection.indexes.length;
    const target = command.index;
    let names: string[];
    if (target === '*') {
      names = collection.indexes.map((spec) => spec.name).filter((indexName) => indexName !== '_id_');
    } else if (typeof target === 'string') {
      names = [target];
    } else if (Array.isArray(target)) {
      names = target.map(String);
    } else if (isPlainObject(target)) {
      const spec = collection.indexes.find((candidate) => valueKey(candidate.key) === valueKey(target));
      if (!spec)
        throw new CommandError(27, 'IndexNotFound', `can't find index with key: ${valueKey(target)}`);
      names = [spec.name];
    } else {
      throw typeMismatch("BSON field 'index' must be a string, an array of strings or an object");
    }
    for (const indexName of names) {
      if (indexName === '_id_') throw new CommandError(72, 'InvalidOptions', 'cannot drop _id index');
      if (!collection.indexes.some((spec) => spec.name === indexName)) {
        throw new CommandError(27, 'IndexNotFound', `index not found with name [${indexName}]`);
      }
    }
    for (const indexName of names) collection.dropIndex(indexName);
    return { nIndexesWas, ok: 1 };
  }

  private listCollections(command: Doc, db: string): Doc {
    const nameOnly = command.nameOnly === true;
    const infos = this.store.collections(db).map((collection): Doc =>
      nameOnly
        ? { name: collection.name, type: 'collection' }
        : {
            name: collection.name,
            type: 'collection',
            options: cloneDocument(collection.options),
            info: { readOnly: false, uuid: collection.uuid },
            idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
          },
    );
    const filter = asObject(command.filter, 'filter');
    const matches = Object.keys(filter).length ? infos.filter((info) => new Query(filter).test(info)) : infos;
    return this.cursorReply(
      `${db}.$cmd.listCollections`,
      matches,
      asObject(command.cursor, 'cursor').batchSize,
    );
  }

  private listDatabases(command: Doc): Doc {
    const databases = this.store.databaseNames().map((name) => {
      const sizeOnDisk = this.store
        .collections(name)
        .reduce(
          (total, collection) =>
            total + collection.all().reduce((sum, doc) => sum + calculateObjectSize(doc), 0),
          0,
        );
      return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
    });
    const filter = asObject(command.filter, 'filter');
    const matches = Object.keys(filter).length
      ? databases.filter((info) => new Query(filter).test(info))
      : databases;
    if (command.nameOnly === true) return { databases: matches.map(({ name }) => ({ name })), ok: 1 };
    const totalSize = matches.reduce((total, info) => total + info.sizeOnDisk, 0);
    return { databases: matches, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
  }

  private create(command: Doc, db: string): Doc {
    const name = collectionName(command, 'create');
    if (this.store.collection(db, name)) {
      throw new CommandError(48, 'NamespaceExists', `Collection ${db}.${name} already exists.`);
    }
    const options: Doc = {};
    for (const [key, value] of Object.entries(command)) {
      if (
        key === 'create' ||
        key.startsWith('$') ||
        ['lsid', 'txnNumber', 'writeConcern', 'comment'].includes(key)
      )
        continue;
      options[key] = value;
    }
    this.store.ensureCollection(db, name, options);
    return { ok: 1 };
  }

  private drop(command: Doc, db: string): Doc {
    const name = collectionName(command, 'drop');
    const dropped = this.store.dropCollection(db, name);
    // Since MongoDB 7.0 dropping a missing collection succeeds.
    return { ns: `${db}.${name}`, nIndexesWas: dropped?.indexes.length ?? 0, ok: 1 };
  }

  private renameCollection(command: Doc): Doc {
    const split = (ns: unknown): [string, string] => {
      if (typeof ns !== 'string' || !ns.includes('.'))
        throw new CommandError(73, 'InvalidNamespace', `Invalid namespace: ${String(ns)}`);
      const dot = ns.indexOf('.');
      return [ns.slice(0, dot), ns.slice(dot + 1)];
    };
    const [fromDb, from] = split(command.renameCollection);
    const [toDb, to] = split(command.to);
    if (!this.store.collection(fromDb, from))
      throw namespaceNotFound(`Source collection ${fromDb}.${from} does not exist`);
    if (this.store.collection(toDb, to)) {
      if (command.dropTarget !== true)
        throw new CommandError(48, 'NamespaceExists', 'target namespace exists');
      this.store.dropCollection(toDb, to);
    }
    this.store.renameCollection(fromDb, from, toDb, to);
    return { ok: 1 };
  }

  private dbStats(db: string): Doc {
    const collections = this.store.collections(db);
    const objects = collections.reduce((total, collection) => total + collection.size, 0);
    const dataSize = collections.reduce(
      (total, collection) => total + collection.all().reduce((sum, doc) => sum + calculateObjectSize(doc), 0),
      0,
    );
    return {
      db,
      collections: collections.length,
      views: 0,
      objects,
      avgObjSize: objects ? dataSize / objects : 0,
      dataSize,
      storageSize: dataSize,
      indexes: collections.reduce((total, collection) => total + collection.indexes.length, 0),
      ok: 1,
    };
  }
}
