import { MongoWireServer } from '@coursehub/embedded';
import {
  createTemporaryDatabase,
  searchMongo,
  searchPostgres,
  type TemporaryDatabase,
  withMongoConnection,
  withPostgresClient,
} from '../src';

/** The searches the erasure proof relies on find a text wherever a store may hide it. */
describe('store searches (real PostgreSQL, the Mongo wire server)', () => {
  const address = 'Ada.Lovelace@Example.com';

  describe('searchPostgres', () => {
    let database: TemporaryDatabase;

    beforeAll(async () => {
      database = await createTemporaryDatabase('store_search');
      await withPostgresClient(database.url, async (client) => {
        await client.query('CREATE SCHEMA audit');
        await client.query(
          `CREATE TABLE people (id int PRIMARY KEY, email text, note varchar(200), aliases text[])`,
        );
        await client.query('CREATE TABLE events (id int PRIMARY KEY, payload jsonb, raw json)');
        await client.query('CREATE TABLE blobs (id int PRIMARY KEY, content bytea)');
        await client.query('CREATE TABLE audit.trail (id int PRIMARY KEY, line text)');
        await client.query('CREATE TABLE clean (id int PRIMARY KEY, email text)');
        await client.query(`INSERT INTO people VALUES (1, 'ada.lovelace@example.com', null, null),
          (2, null, 'wrote to ADA.LOVELACE@EXAMPLE.COM', null), (3, null, null, ARRAY['x', 'ada.lovelace@example.com']),
          (4, 'someone@example.com', 'nothing here', ARRAY['y'])`);
        await client.query(`INSERT INTO events VALUES (1, '{"data": {"to": ["ada.lovelace@example.com"]}}', null),
          (2, null, '{"email": "ada.lovelace@example.com"}')`);
        await client.query(`INSERT INTO blobs VALUES (1, convert_to('mailto:Ada.Lovelace@Example.com', 'UTF8')),
          (2, '\\x00ff'::bytea), (3, null)`);
        await client.query(`INSERT INTO audit.trail VALUES (1, 'login of ada.lovelace@example.com')`);
        await client.query(`INSERT INTO clean VALUES (1, 'grace@example.com')`);
      });
    }, 30_000);

    afterAll(() => database?.drop());

    it('finds the text case-insensitively in text, arrays, json, jsonb, bytea and any schema, naming the columns', async () => {
      const search = await searchPostgres(database.url, address);
      const found = search.findings.map((finding) => `${finding.table}(${finding.columns.join(',')})`).sort();
      expect(found).toEqual([
        'audit.trail(line)',
        'public.blobs(content)',
        'public.events(payload)',
        'public.events(raw)',
        'public.people(aliases)',
        'public.people(email)',
        'public.people(note)',
      ]);
      expect(search.searched).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/:public\.clean$/),
          expect.stringMatching(/:audit\.trail$/),
        ]),
      );
      expect(search.rowsRead).toBe(4 + 2 + 3 + 1 + 1);
      expect((await searchPostgres(database.url, 'nobody@example.com')).findings).toEqual([]);
    });
  });

  describe('searchMongo', () => {
    let server: MongoWireServer;

    beforeAll(async () => {
      server = await MongoWireServer.start();
      await withMongoConnection(`${server.url}first`, {}, async (connection) => {
        await connection
          .collection('emails')
          .insertMany([
            { to: 'ada.lovelace@example.com', subject: 'Welcome' },
            { nested: { deeper: [{ text: 'Dear ADA.LOVELACE@EXAMPLE.COM' }] } },
            { to: 'grace@example.com' },
          ]);
        await connection
          .useDb('second')
          .collection('blobs')
          .insertOne({
            content: Buffer.from('ada.lovelace@example.com'),
            byAddress: { 'ada.lovelace@example.com': 1 },
          });
      });
    }, 30_000);

    afterAll(() => server?.stop());

    it('finds the text in every database and collection: values, nested values, keys and binaries', async () => {
      const search = await searchMongo(server.url, address);
      expect(
        search.findings
          .map((finding) => `${finding.database}:${finding.table}(${finding.columns.join(',')})`)
          .sort(),
      ).toEqual(['first:emails(nested)', 'first:emails(to)', 'second:blobs(content,byAddress)']);
      expect(search.searched).toEqual(expect.arrayContaining(['first:emails', 'second:blobs']));
      expect(search.rowsRead).toBe(4);
      expect((await searchMongo(server.url, 'nobody@example.com')).findings).toEqual([]);
    });
  });
});
