import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { MongoWireServer } from '@coursehub/embedded';

export interface TemporaryMongoDatabase {
  /** Connection string that selects the database. */
  url: string;
  name: string;
  /** The embedded server, when MONGO_URL is not set. */
  server?: MongoWireServer;
  /** Drops the database (real MongoDB) or stops the embedded server. */
  drop(): Promise<void>;
}

/** Runs `use` on a connection to `url`, and closes the connection however `use` ends. */
export async function withMongoConnection<T>(
  url: string,
  options: mongoose.ConnectOptions,
  use: (connection: mongoose.Connection) => Promise<T>,
): Promise<T> {
  const connection = await mongoose.createConnection(url, options).asPromise();
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

/** `url` with `database` as its default database; credentials keep authenticating where they did. */
export function mongoUrlWithDatabase(url: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`Not a MongoDB connection string: ${url}`);
  const [, scheme, authority, path, query] = match;
  const params = new URLSearchParams((query ?? '').slice(1));
  if (authority.includes('@') && !params.has('authSource')) {
    params.set('authSource', path && path.length > 1 ? decodeURIComponent(path.slice(1)) : 'admin');
  }
  const search = params.toString();
  return `${scheme}${authority}/${database}${search ? `?${search}` : ''}`;
}

/**
 * A fresh MongoDB database for one test file: on the server of MONGO_URL when it is set (a real
 * mongod), otherwise on an embedded {@link MongoWireServer} started for it.
 */
export async function createTemporaryMongoDatabase(
  prefix = 'coursehub_test',
  serverUrl: string | undefined = process.env.MONGO_URL,
): Promise<TemporaryMongoDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 63);
  if (serverUrl) {
    const url = mongoUrlWithDatabase(serverUrl, name);
    return {
      url,
      name,
      drop: async () => {
        await withMongoConnection(url, {}, (connection) => connection.dropDatabase());
      },
    };
  }
  const server = await MongoWireServer.start();
  return { url: mongoUrlWithDatabase(server.url, name), name, server, drop: () => server.stop() };
}
