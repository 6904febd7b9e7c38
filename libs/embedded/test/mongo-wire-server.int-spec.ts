import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { deserialize, serialize, type Document } from 'bson';
import mongoose, { type Connection, type Model, Schema, Types } from 'mongoose';
import { createTemporaryMongoDatabase, type TemporaryMongoDatabase } from '@coursehub/testing';
import { MongoWireServer } from '../src/mongo';

/*
 * Runs against the embedded MongoWireServer, or against the real MongoDB of MONGO_URL when it is set:
 * the same assertions hold for both.
 */

interface User {
  email: string;
  name: string;
  age?: number;
  roles: string[];
  createdAt?: Date;
  updatedAt?: Date;
}

interface Item {
  seq: number;
  sku: string;
  category: string;
  price: number;
  tags: string[];
  stock?: number;
}

interface Counter {
  key: string;
  value: number;
  createdBy?: string;
}

const userSchema = new Schema<User>(
  {
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    age: Number,
    roles: [String],
  },
  { timestamps: true },
);
const itemSchema = new Schema<Item>({
  seq: { type: Number, required: true, index: true },
  sku: { type: String, required: true, unique: true },
  category: String,
  price: Number,
  tags: [String],
  stock: Number,
});
const counterSchema = new Schema<Counter>({
  key: { type: String, required: true, unique: true },
  value: Number,
  createdBy: String,
});

function serverError(error: unknown): { name: string; code: number; message: string; keyValue?: unknown } {
  expect(error).toBeInstanceOf(Error);
  return error as { name: string; code: number; message: string; keyValue?: unknown };
}

describe(`MongoDB through Mongoose (${process.env.MONGO_URL ? 'MONGO_URL' : 'embedded MongoWireServer'})`, () => {
  let database: TemporaryMongoDatabase;
  let connection: Connection;
  let Users: Model<User>;
  let Items: Model<Item>;
  let Counters: Model<Counter>;
  const commandsSent: string[] = [];

  beforeAll(async () => {
    database = await createTemporaryMongoDatabase('devkit_mongo');
    connection = await mongoose
      .createConnection(database.url, { serverSelectionTimeoutMS: 5000, monitorCommands: true })
      .asPromise();
    connection.getClient().on('commandStarted', (event) => commandsSent.push(event.commandName));
    Users = connection.model<User>('User', userSchema);
    Items = connection.model<Item>('Item', itemSchema);
    Counters = connection.model<Counter>('Counter', counterSchema);
    await Promise.all([Users.init(), Items.init(), Counters.init()]);
  });

  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await Promise.all([Users.deleteMany({}), Items.deleteMany({}), Counters.deleteMany({})]);
  });

  const seedItems = (count: number) =>
    Items.insertMany(
      Array.from({ length: count }, (_, i) => ({
        seq: i,
        sku: `SKU-${String(i).padStart(4, '0')}`,
        category: ['books', 'video', 'audio'][i % 3],
        price: (i % 10) * 5,
        tags: i % 2 === 0 ? ['even'] : ['odd', 'prime-ish'],
      })),
    );

  it('creates, reads, updates and deletes a document', async () => {
    const created = await Users.create({
      email: 'ada@example.com',
      name: 'Ada',
      age: 36,
      roles: ['student'],
    });
    expect(created._id).toBeInstanceOf(Types.ObjectId);

    const found = await Users.findById(created._id).lean();
    expect(found).toMatchObject({ email: 'ada@example.com', name: 'Ada', age: 36, roles: ['student'] });
    expect(found?.createdAt).toBeInstanceOf(Date);

    const updated = await Users.updateOne(
      { _id: created._id },
      { $set: { name: 'Ada L.' }, $push: { roles: 'instructor' } },
    );
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await Users.findOne({ email: 'ada@example.com' }).lean()).toMatchObject({
      name: 'Ada L.',
      roles: ['student', 'instructor'],
    });

    const unchanged = await Users.updateOne(
      { _id: created._id },
      { $set: { name: 'Ada L.' } },
      { timestamps: false }, // otherwise Mongoose also sets updatedAt
    );
    expect(unchanged).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    const replaced = await Users.replaceOne(
      { _id: created._id },
      { email: 'ada@example.com', name: 'Ada', roles: [] },
    );
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const afterReplace = await Users.findById(created._id).lean();
    expect(afterReplace?.age).toBeUndefined();

    created.age = 37;
    await created.save();
    expect((await Users.findById(created._id).lean())?.age).toBe(37);

    expect(await Users.deleteOne({ _id: created._id })).toMatchObject({ deletedCount: 1 });
    expect(await Users.findById(created._id)).toBeNull();
  });

  it('populates references (ObjectId $in queries)', async () => {
    const [ada, alan] = await Users.create([
      { email: 'ada@example.com', name: 'Ada', roles: [] },
      { email: 'alan@example.com', name: 'Alan', roles: [] },
    ]);
    const Enrolments = connection.model(
      'Enrolment',
      new Schema({ user: { type: Schema.Types.ObjectId, ref: 'User' }, course: String }),
    );
    await Enrolments.create([
      { user: ada._id, course: 'math' },
      { user: alan._id, course: 'logic' },
      { user: ada._id, course: 'logic' },
    ]);
    const logic = await Enrolments.find({ course: 'logic' })
      .sort({ _id: 1 })
      .populate<{ user: User }>('user')
      .lean();
    expect(logic.map((enrolment) => enrolment.user.name)).toEqual(['Alan', 'Ada']);
    expect(await Enrolments.countDocuments({ user: ada._id })).toBe(2);
    await Enrolments.collection.drop();
  });

  it('rejects a duplicate unique key from Model.create with E11000 (MongoServerError, code 11000)', async () => {
    await Users.create({ email: 'dup@example.com', name: 'First', roles: [] });
    const error = serverError(
      await Users.create({ email: 'dup@example.com', name: 'Second', roles: [] }).catch((e: unknown) => e),
    );
    expect(error.name).toBe('MongoServerError');
    expect(error.code).toBe(11000);
    expect(error.message).toMatch(
      new RegExp(
        `^E11000 duplicate key error collection: ${database.name}\\.users index: email_1 dup key: \\{ email: "dup@example.com" \\}`,
      ),
    );
    expect(error.keyValue).toEqual({ email: 'dup@example.com' });
    expect(await Users.countDocuments({ email: 'dup@example.com' })).toBe(1);
  });

  it('rejects duplicates in insertMany: ordered stops at the first, unordered inserts the rest', async () => {
    await Users.create({ email: 'taken@example.com', name: 'Taken', roles: [] });

    const ordered = serverError(
      await Users.insertMany([
        { email: 'a@example.com', name: 'A' },
        { email: 'taken@example.com', name: 'Dup' },
        { email: 'b@example.com', name: 'B' },
      ]).catch((e: unknown) => e),
    );
    expect(ordered.name).toBe('MongoBulkWriteError');
    expect(ordered.code).toBe(11000);
    expect(ordered.message).toMatch(/E11000 duplicate key error/);
    expect((await Users.find().sort({ email: 1 }).lean()).map((u) => u.email)).toEqual([
      'a@example.com',
      'taken@example.com',
    ]);

    const unordered = serverError(
      await Users.insertMany(
        [
          { email: 'c@example.com', name: 'C' },
          { email: 'taken@example.com', name: 'Dup' },
          { email: 'd@example.com', name: 'D' },
        ],
        { ordered: false },
      ).catch((e: unknown) => e),
    );
    expect(unordered.code).toBe(11000);
    expect((unordered as unknown as { writeErrors: unknown[] }).writeErrors).toHaveLength(1);
    expect(await Users.countDocuments()).toBe(4);
  });

  it('enforces unique indexes on updates and findOneAndUpdate too', async () => {
    await Users.create([
      { email: 'one@example.com', name: 'One', roles: [] },
      { email: 'two@example.com', name: 'Two', roles: [] },
    ]);
    const byUpdate = serverError(
      await Users.updateOne({ email: 'two@example.com' }, { $set: { email: 'one@example.com' } }).catch(
        (e: unknown) => e,
      ),
    );
    expect(byUpdate.code).toBe(11000);

    const byFindAndModify = serverError(
      await Users.findOneAndUpdate(
        { email: 'two@example.com' },
        { $set: { email: 'one@example.com' } },
      ).catch((e: unknown) => e),
    );
    expect(byFindAndModify.name).toBe('MongoServerError');
    expect(byFindAndModify.code).toBe(11000);
    expect((await Users.find().sort({ email: 1 }).lean()).map((u) => u.email)).toEqual([
      'one@example.com',
      'two@example.com',
    ]);
  });

  it('sorts, skips, limits and projects', async () => {
    await seedItems(30);
    const page = await Items.find({ category: 'books' }, { sku: 1, price: 1, _id: 0 })
      .sort({ price: -1, seq: 1 })
      .skip(2)
      .limit(3)
      .lean();
    // books are seq 0, 3, ..., 27 priced (seq % 10) * 5: 45 (9), 40 (18), 35 (27), 30 (6), 25 (15), 20 (24), ...
    expect(page).toEqual([
      { sku: 'SKU-0027', price: 35 },
      { sku: 'SKU-0006', price: 30 },
      { sku: 'SKU-0015', price: 25 },
    ]);
    const filtered = await Items.find({ price: { $gte: 40 }, tags: 'even', seq: { $in: [8, 9, 18, 19, 28] } })
      .sort({ seq: 1 })
      .lean();
    expect(filtered.map((item) => item.seq)).toEqual([8, 18, 28]);
  });

  it('iterates a cursor beyond its first batch (getMore)', async () => {
    await seedItems(250);
    commandsSent.length = 0;
    const seen: number[] = [];
    for await (const item of Items.find().sort({ seq: 1 }).batchSize(100).cursor()) seen.push(item.seq);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(commandsSent.filter((name) => name === 'getMore')).toHaveLength(2); // 100 + 100 + 50

    const limited = await Items.find().sort({ seq: -1 }).limit(150).batchSize(40).lean();
    expect(limited).toHaveLength(150);
    expect(limited[0].seq).toBe(249);
    expect(limited[149].seq).toBe(100);
  });

  it('counts documents', async () => {
    await seedItems(25);
    expect(await Items.countDocuments()).toBe(25);
    expect(await Items.countDocuments({ category: 'video' })).toBe(8);
    expect(await Items.countDocuments({ price: { $lt: 10 } })).toBe(6);
    expect(await Items.estimatedDocumentCount()).toBe(25);
  });

  it('upserts with findOneAndUpdate and returns the new document', async () => {
    // The same upsert twice: the first inserts (and sets createdBy), the second only increments.
    const countOrder = (createdBy: string) =>
      Counters.findOneAndUpdate(
        { key: 'orders' },
        { $inc: { value: 1 }, $setOnInsert: { createdBy } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
    const created = await countOrder('test');
    expect(created).toMatchObject({ key: 'orders', value: 1, createdBy: 'test' });

    const incremented = await countOrder('someone else');
    expect(incremented).toMatchObject({ key: 'orders', value: 2, createdBy: 'test' });
    expect(String(incremented?._id)).toBe(String(created?._id));

    const before = await Counters.findOneAndUpdate(
      { key: 'orders' },
      { $set: { value: 10 } },
      { returnDocument: 'before' },
    ).lean();
    expect(before?.value).toBe(2);
    expect(await Counters.findOneAndUpdate({ key: 'missing' }, { $set: { value: 1 } })).toBeNull();

    const raw = await Counters.findOneAndUpdate(
      { key: 'raw' },
      { $set: { value: 5 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(raw.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    expect(raw.value).toMatchObject({ key: 'raw', value: 5 });

    const removed = await Counters.findOneAndDelete({ key: 'raw' }).lean();
    expect(removed?.value).toBe(5);
    expect(await Counters.countDocuments()).toBe(1);
  });

  it('upserts with updateOne and reports the upserted id', async () => {
    const result = await Counters.updateOne({ key: 'fresh' }, { $set: { value: 3 } }, { upsert: true });
    expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(result.upsertedId).toBeInstanceOf(Types.ObjectId);
    expect(await Counters.findById(result.upsertedId).lean()).toMatchObject({ key: 'fresh', value: 3 });
  });

  it('updates many documents with operators', async () => {
    await seedItems(12);
    const result = await Items.updateMany(
      { category: 'books' },
      { $inc: { price: 1 }, $set: { stock: 5 }, $addToSet: { tags: 'sale' } },
    );
    expect(result).toMatchObject({ matchedCount: 4, modifiedCount: 4 });
    const books = await Items.find({ category: 'books' }).sort({ seq: 1 }).lean();
    expect(books.map((b) => [b.seq, b.price, b.stock])).toEqual([
      [0, 1, 5],
      [3, 16, 5],
      [6, 31, 5],
      [9, 46, 5],
    ]);
    expect(books.every((b) => b.tags.includes('sale'))).toBe(true);

    await Items.updateMany({ seq: { $lt: 2 } }, { $pull: { tags: 'even' }, $unset: { category: '' } });
    const first = await Items.findOne({ seq: 0 }).lean();
    expect(first?.tags).toEqual(['sale']);
    expect(first?.category).toBeUndefined();
  });

  it('deletes many documents', async () => {
    await seedItems(20);
    expect(await Items.deleteMany({ tags: 'odd' })).toMatchObject({ deletedCount: 10 });
    expect(await Items.countDocuments()).toBe(10);
    expect(await Items.deleteMany({ seq: { $gte: 100 } })).toMatchObject({ deletedCount: 0 });
  });

  it('returns distinct values (array fields unwound)', async () => {
    await seedItems(9);
    expect((await Items.distinct('category')).sort()).toEqual(['audio', 'books', 'video']);
    expect((await Items.distinct('tags')).sort()).toEqual(['even', 'odd', 'prime-ish']);
    expect((await Items.distinct('price', { category: 'books' })).sort((a, b) => a - b)).toEqual([0, 15, 30]);
  });

  it('aggregates with $match, $group, $sort and $facet', async () => {
    await seedItems(30);
    const perCategory = await Items.aggregate<{ _id: string; count: number; total: number; maxSeq: number }>([
      { $match: { seq: { $lt: 30 } } },
      {
        $group: { _id: '$category', count: { $sum: 1 }, total: { $sum: '$price' }, maxSeq: { $max: '$seq' } },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(perCategory).toEqual([
      { _id: 'audio', count: 10, total: 225, maxSeq: 29 },
      { _id: 'books', count: 10, total: 225, maxSeq: 27 },
      { _id: 'video', count: 10, total: 225, maxSeq: 28 },
    ]);

    const [facets] = await Items.aggregate<{
      total: Array<{ n: number }>;
      firstPage: Array<{ seq: number }>;
    }>([
      { $match: { category: 'video' } },
      { $sort: { seq: 1 } },
      { $facet: { total: [{ $count: 'n' }], firstPage: [{ $limit: 2 }, { $project: { _id: 0, seq: 1 } }] } },
    ]);
    expect(facets).toEqual({ total: [{ n: 10 }], firstPage: [{ seq: 1 }, { seq: 4 }] });

    await Counters.create({ key: 'SKU-0001', value: 7 });
    const joined = await Items.aggregate<{ sku: string; counters: Array<{ value: number }> }>([
      { $match: { seq: { $in: [1, 2] } } },
      { $sort: { seq: 1 } },
      { $lookup: { from: 'counters', localField: 'sku', foreignField: 'key', as: 'counters' } },
      { $project: { _id: 0, sku: 1, 'counters.value': 1 } },
    ]);
    expect(joined).toEqual([
      { sku: 'SKU-0001', counters: [{ value: 7 }] },
      { sku: 'SKU-0002', counters: [] },
    ]);
  });

  it('manages collections and indexes', async () => {
    const indexes = await Users.collection.indexes();
    expect(indexes.map((index) => index.name).sort()).toEqual(['_id_', 'email_1']);
    expect(indexes.find((index) => index.name === 'email_1')).toMatchObject({
      key: { email: 1 },
      unique: true,
    });

    const db = connection.db!;
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(names).toEqual(expect.arrayContaining(['counters', 'items', 'users']));

    await db.createCollection('scratch');
    await db.collection('scratch').createIndex({ a: 1, b: -1 }, { unique: true, name: 'a_b' });
    await db.collection('scratch').insertOne({ a: 1, b: 1 });
    await expect(db.collection('scratch').insertOne({ a: 1, b: 1 })).rejects.toMatchObject({ code: 11000 });
    await db.collection('scratch').dropIndex('a_b');
    await db.collection('scratch').insertOne({ a: 1, b: 1 });
    expect(await db.collection('scratch').countDocuments()).toBe(2);
    expect(await db.collection('scratch').drop()).toBe(true);
    expect((await db.listCollections({ name: 'scratch' }).toArray()).length).toBe(0);
  });

  it('answers an unknown command with CommandNotFound (code 59)', async () => {
    await expect(connection.db!.command({ noSuchCommandHere: 1 })).rejects.toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('MongoWireServer persistence', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mongo-wire-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps data and unique indexes across a restart when persistFile is set', async () => {
    const persistFile = join(directory, 'data.json');
    const first = await MongoWireServer.start({ persistFile });
    let connection = await mongoose.createConnection(first.url, { dbName: 'persisted' }).asPromise();
    let Users = connection.model<User>('User', userSchema);
    await Users.init();
    const ada = await Users.create({ email: 'ada@example.com', name: 'Ada', age: 36, roles: ['student'] });
    await Users.create({ email: 'alan@example.com', name: 'Alan', roles: [] });
    // Written shortly after the writes (debounced), not only on stop.
    await waitFor(async () =>
      (await readFile(persistFile, 'utf8').catch(() => '')).includes('alan@example.com'),
    );
    await connection.close();
    await first.stop();
    expect(await readFile(persistFile, 'utf8')).toContain('ada@example.com');

    const second = await MongoWireServer.start({ persistFile });
    try {
      expect(second.url).not.toBe(first.url); // a new ephemeral port, same data
      connection = await mongoose.createConnection(second.url, { dbName: 'persisted' }).asPromise();
      Users = connection.model<User>('User', userSchema);
      const restored = await Users.findById(ada._id).lean();
      expect(restored).toMatchObject({ email: 'ada@example.com', name: 'Ada', age: 36, roles: ['student'] });
      expect(restored?.createdAt).toBeInstanceOf(Date);
      expect(await Users.countDocuments()).toBe(2);
      await expect(
        Users.create({ email: 'alan@example.com', name: 'Again', roles: [] }),
      ).rejects.toMatchObject({
        code: 11000,
      });
      await connection.close();
    } finally {
      await second.stop();
    }
  });
});

/** CRC-32C (Castagnoli), the OP_MSG checksum. */
const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32c(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A client that writes raw wire-protocol frames, to cover what the driver never sends. */
class RawClient {
  private pending = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiter?: () => void;
  private nextId = 1;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4 && this.pending.length >= this.pending.readInt32LE(0)) {
        const length = this.pending.readInt32LE(0);
        this.frames.push(this.pending.subarray(0, length));
        this.pending = this.pending.subarray(length);
      }
      this.waiter?.();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  /** Sends an OP_MSG; returns its request id. */
  sendMsg(
    body: Document,
    options: { sequence?: [string, Document[]]; checksum?: boolean; moreToCome?: boolean } = {},
  ): number {
    const requestId = this.nextId++;
    const sections: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
    if (options.sequence) {
      const [identifier, documents] = options.sequence;
      const payload = Buffer.concat([
        Buffer.from(`${identifier}\0`),
        ...documents.map((d) => Buffer.from(serialize(d))),
      ]);
      const size = Buffer.alloc(4);
      size.writeInt32LE(4 + payload.length);
      sections.push(Buffer.from([1]), size, payload);
    }
    const flags = (options.checksum ? 1 : 0) | (options.moreToCome ? 2 : 0);
    const head = Buffer.alloc(20);
    head.writeInt32LE(requestId, 4);
    head.writeInt32LE(2013, 12);
    head.writeUInt32LE(flags, 16);
    const message = Buffer.concat([head, ...sections, Buffer.alloc(options.checksum ? 4 : 0)]);
    message.writeInt32LE(message.length, 0);
    if (options.checksum) {
      message.writeUInt32LE(crc32c(message.subarray(0, message.length - 4)), message.length - 4);
    }
    this.socket.write(message);
    return requestId;
  }

  sendQuery(collection: string, query: Document): number {
    const requestId = this.nextId++;
    const head = Buffer.alloc(20);
    head.writeInt32LE(requestId, 4);
    head.writeInt32LE(2004, 12);
    const counts = Buffer.alloc(8);
    counts.writeInt32LE(-1, 4);
    const message = Buffer.concat([
      head,
      Buffer.from(`${collection}\0`),
      counts,
      Buffer.from(serialize(query)),
    ]);
    message.writeInt32LE(message.length, 0);
    this.socket.write(message);
    return requestId;
  }

  async reply(): Promise<{ opCode: number; responseTo: number; body: Document }> {
    while (this.frames.length === 0) await new Promise<void>((resolve) => (this.waiter = resolve));
    const frame = this.frames.shift()!;
    const opCode = frame.readInt32LE(12);
    // OP_MSG: flags (4) + kind byte (1); OP_REPLY: flags, cursorId, startingFrom, numberReturned (20).
    const bodyOffset = opCode === 2013 ? 21 : 36;
    return { opCode, responseTo: frame.readInt32LE(8), body: deserialize(frame.subarray(bodyOffset)) };
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('MongoWireServer wire protocol', () => {
  let server: MongoWireServer;
  let client: RawClient;

  beforeAll(async () => {
    server = await MongoWireServer.start();
    client = await RawClient.connect(server.port);
  });

  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('answers the legacy OP_QUERY handshake with OP_REPLY', async () => {
    const requestId = client.sendQuery('admin.$cmd', { isMaster: 1, helloOk: true });
    const reply = await client.reply();
    expect(reply).toMatchObject({ opCode: 1, responseTo: requestId });
    expect(reply.body).toMatchObject({ ismaster: true, helloOk: true, maxWireVersion: 21, ok: 1 });
  });

  it('reads OP_MSG document sequences and messages carrying a checksum', async () => {
    const requestId = client.sendMsg(
      { insert: 'raw', $db: 'wire' },
      {
        sequence: [
          'documents',
          [
            { _id: 1, name: 'one' },
            { _id: 2, name: 'two' },
          ],
        ],
        checksum: true,
      },
    );
    expect(await client.reply()).toMatchObject({
      opCode: 2013,
      responseTo: requestId,
      body: { n: 2, ok: 1 },
    });

    client.sendMsg({ find: 'raw', filter: {}, sort: { _id: -1 }, $db: 'wire' }, { checksum: true });
    const { body } = await client.reply();
    expect(body.cursor).toMatchObject({
      firstBatch: [
        { _id: 2, name: 'two' },
        { _id: 1, name: 'one' },
      ],
      ns: 'wire.raw',
    });
  });

  it('does not reply to moreToCome (unacknowledged) messages but executes them', async () => {
    client.sendMsg({ insert: 'raw', documents: [{ _id: 3 }], $db: 'wire' }, { moreToCome: true });
    const pingId = client.sendMsg({ ping: 1, $db: 'admin' });
    expect(await client.reply()).toMatchObject({ responseTo: pingId, body: { ok: 1 } });
    client.sendMsg({ count: 'raw', $db: 'wire' });
    expect((await client.reply()).body).toMatchObject({ n: 3, ok: 1 });
  });

  it('reports duplicate keys in writeErrors and unknown commands as CommandNotFound', async () => {
    client.sendMsg({ insert: 'raw', documents: [{ _id: 1 }], $db: 'wire' });
    expect((await client.reply()).body).toMatchObject({
      n: 0,
      ok: 1,
      writeErrors: [
        {
          index: 0,
          code: 11000,
          errmsg: 'E11000 duplicate key error collection: wire.raw index: _id_ dup key: { _id: 1 }',
          keyPattern: { _id: 1 },
          keyValue: { _id: 1 },
        },
      ],
    });
    client.sendMsg({ frobnicate: 1, $db: 'wire' });
    expect((await client.reply()).body).toEqual({
      ok: 0,
      errmsg: "no such command: 'frobnicate'",
      code: 59,
      codeName: 'CommandNotFound',
    });
  });
});
