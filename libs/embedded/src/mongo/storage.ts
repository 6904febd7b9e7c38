import { EJSON, UUID } from 'bson';
import { Query } from 'mingo';
import { CommandError } from './errors';
import { type Doc, formatValue, isPlainObject, valueKey, valuesAtPath } from './documents';

export interface IndexSpec extends Doc {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };
/** The options that make two index specs with the same key different indexes. */
const SIGNIFICANT_INDEX_OPTIONS = [
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
];

interface IndexKey {
  key: string;
  keyValue: Doc;
}

class Index {
  readonly unique: boolean;
  private readonly fields: Array<[string, string[]]>;
  private readonly partial?: Query;
  /** Unique indexes only: index key → the `_id` key of the document holding it. */
  readonly entries = new Map<string, string>();

  constructor(readonly spec: IndexSpec) {
    this.unique = spec.name === '_id_' || spec.unique === true;
    this.fields = Object.keys(spec.key).map((path) => [path, path.split('.')]);
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression);
  }

  keysOf(document: Doc): IndexKey[] {
    if (this.partial && !this.partial.test(document)) return [];
    const perField = this.fields.map(([, segments]) => valuesAtPath(document, segments));
    if (this.spec.sparse && perField.every((values) => values.every((value) => value === undefined)))
      return [];
    // Cartesian product over multikey fields (mongod allows at most one array per compound key anyway).
    let combinations: unknown[][] = [[]];
    for (const values of perField) {
      combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]));
    }
    return combinations.map((values) => {
      const keyValue: Doc = {};
      this.fields.forEach(([path], i) => (keyValue[path] = values[i] === undefined ? null : values[i]));
      return { key: valueKey(values), keyValue };
    });
  }
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return SIGNIFICANT_INDEX_OPTIONS.every((option) => valueKey(a[option]) === valueKey(b[option]));
}

export class Collection {
  /** Documents in insertion (natural) order, by `_id` key. Stored documents are never mutated, only replaced. */
  private readonly documents = new Map<string, Doc>();
  private readonly indexList: Index[] = [];
  readonly uuid = new UUID();

  constructor(
    readonly db: string,
    readonly name: string,
    private readonly changed: () => void,
    readonly options: Doc = {},
  ) {
    this.indexList.push(new Index(ID_INDEX));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.documents.size;
  }

  all(): Doc[] {
    return Array.from(this.documents.values());
  }

  get indexes(): IndexSpec[] {
    return this.indexList.map((index) => index.spec);
  }

  private duplicateKey(index: Index, keyValue: Doc): CommandError {
    return new CommandError(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.ns} index: ${index.spec.name} dup key: ${formatValue(keyValue)}`,
      { keyPattern: index.spec.key, keyValue },
    );
  }

  /**
   * Throws the E11000 error when `document` would collide in a unique index with another document
   * (`ownId`: the stored document it replaces, none for an insert).
   */
  private checkUnique(document: Doc, ownId: string | undefined): Map<Index, IndexKey[]> {
    const keys = new Map<Index, IndexKey[]>();
    for (const index of this.indexList) {
      if (!index.unique) continue;
      const indexKeys = index.keysOf(document);
      for (const { key, keyValue } of indexKeys) {
        const holder = index.entries.get(key);
        if (holder !== undefined && holder !== ownId) throw this.duplicateKey(index, keyValue);
      }
      keys.set(index, indexKeys);
    }
    return keys;
  }

  private unindex(document: Doc, id: string): void {
    for (const index of this.indexList) {
      if (!index.unique) continue;
      for (const { key } of index.keysOf(document)) {
        if (index.entries.get(key) === id) index.entries.delete(key);
      }
    }
  }

  /** `document` must carry its `_id`; it is stored as given (callers pass a fresh copy). */
  insert(document: Doc): void {
    const id = valueKey(document._id);
    const keys = this.checkUnique(document, undefined);
    for (const [index, indexKeys] of keys) for (const { key } of indexKeys) index.entries.set(key, id);
    this.documents.set(id, document);
    this.changed();
  }

  replace(current: Doc, next: Doc): void {
    const id = valueKey(current._id);
    const keys = this.checkUnique(next, id);
    this.unindex(current, id);
    for (const [index, indexKeys] of keys) for (const { key } of indexKeys) index.entries.set(key, id);
    this.documents.set(id, next);
    this.changed();
  }

  remove(document: Doc): void {
    const id = valueKey(document._id);
    if (!this.documents.has(id)) return;
    this.unindex(document, id);
    this.documents.delete(id);
    this.changed();
  }

  clear(): void {
    this.documents.clear();
    for (const index of this.indexList) index.entries.clear();
    this.changed();
  }

  /** @returns false when an identical index already exists. */
  createIndex(spec: IndexSpec): boolean {
    const sameName = this.indexList.find((index) => index.spec.name === spec.name);
    const sameKey = this.indexList.find((index) => valueKey(index.spec.key) === valueKey(spec.key));
    if (sameName) {
      if (valueKey(sameName.spec.key) !== valueKey(spec.key)) {
        throw new CommandError(
          86,
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. Requested index: ${formatValue(spec)}, existing index: ${formatValue(sameName.spec)}`,
        );
      }
      if (sameOptions(sameName.spec, spec)) return false;
      throw new CommandError(
        85,
        'IndexOptionsConflict',
        `An equivalent index already exists with the same name but different options. Requested index: ${formatValue(spec)}, existing index: ${formatValue(sameName.spec)}`,
      );
    }
    if (sameKey && sameOptions(sameKey.spec, spec)) {
      throw new CommandError(
        85,
        'IndexOptionsConflict',
        `Index already exists with a different name: ${sameKey.spec.name}`,
      );
    }
    const index = new Index(spec);
    if (index.unique) {
      for (const [id, document] of this.documents) {
        for (const { key, keyValue } of index.keysOf(document)) {
          const holder = index.entries.get(key);
          if (holder !== undefined && holder !== id) throw this.duplicateKey(index, keyValue);
          index.entries.set(key, id);
        }
      }
    }
    this.indexList.push(index);
    this.changed();
    return true;
  }

  dropIndex(name: string): void {
    const position = this.indexList.findIndex((index) => index.spec.name === name);
    this.indexList.splice(position, 1);
    this.changed();
  }
}

interface PersistedCollection {
  name: string;
  options: Doc;
  indexes: IndexSpec[];
  documents: Doc[];
}

interface PersistedState {
  format: 'coursehub-mongo-wire/1';
  databases: Array<{ name: string; collections: PersistedCollection[] }>;
}

/** All databases of one server, in memory. */
export class Store {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private changeListener: () => void = () => undefined;
  private readonly changed = (): void => this.changeListener();

  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  databaseNames(): string[] {
    return Array.from(this.databases.entries())
      .filter(([, collections]) => collections.size > 0)
      .map(([name]) => name);
  }

  collections(db: string): Collection[] {
    return Array.from(this.databases.get(db)?.values() ?? []);
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** @returns the collection and whether this call created it (mongod creates collections implicitly). */
  ensureCollection(db: string, name: string, options: Doc = {}): [Collection, boolean] {
    const existing = this.collection(db, name);
    if (existing) return [existing, false];
    validateNamespace(db, name);
    let collections = this.databases.get(db);
    if (!collections) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    const created = new Collection(db, name, this.changed, options);
    collections.set(name, created);
    this.changed();
    return [created, true];
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const collection = this.collection(db, name);
    if (collection) {
      this.databases.get(db)?.delete(name);
      this.changed();
    }
    return collection;
  }

  renameCollection(db: string, from: string, toDb: string, to: string): void {
    const source = this.dropCollection(db, from);
    if (!source) return;
    const [target] = this.ensureCollection(toDb, to, source.options);
    for (const spec of source.indexes) if (spec.name !== '_id_') target.createIndex(spec);
    for (const document of source.all()) target.insert(document);
  }

  dropDatabase(db: string): void {
    if (this.databases.delete(db)) this.changed();
  }

  /** Canonical Extended JSON keeps every BSON type (int vs double, ObjectId, Date, Decimal128, …). */
  serialize(): string {
    const state: PersistedState = {
      format: 'coursehub-mongo-wire/1',
      databases: Array.from(this.databases.entries()).map(([name, collections]) => ({
        name,
        collections: Array.from(collections.values()).map((collection) => ({
          name: collection.name,
          options: collection.options,
          indexes: collection.indexes.filter((spec) => spec.name !== '_id_'),
          documents: collection.all(),
        })),
      })),
    };
    return EJSON.stringify(state, { relaxed: false });
  }

  load(serialized: string): void {
    const state = EJSON.parse(serialized) as Partial<PersistedState>;
    if (state.format !== 'coursehub-mongo-wire/1' || !Array.isArray(state.databases)) {
      throw new Error('not a MongoWireServer data file');
    }
    this.databases.clear();
    for (const database of state.databases) {
      for (const persisted of database.collections) {
        const [collection] = this.ensureCollection(database.name, persisted.name, persisted.options);
        for (const spec of persisted.indexes) collection.createIndex(spec);
        for (const document of persisted.documents) collection.insert(document);
      }
    }
  }
}

export function validateNamespace(db: string, collection: string): void {
  if (!db || /[/\\. "$\0]/.test(db)) {
    throw new CommandError(73, 'InvalidNamespace', `Invalid database name: '${db}'`);
  }
  if (!collection || collection.includes('\0') || collection.startsWith('.') || collection.includes('$')) {
    throw new CommandError(73, 'InvalidNamespace', `Invalid collection name: ${collection}`);
  }
}

export function isIndexSpec(value: unknown): value is IndexSpec {
  return isPlainObject(value) && isPlainObject(value.key) && typeof value.name === 'string';
}
