import { listen } from '@example/http-kit';
import pg from 'pg';
import { createApp, type AppOptions } from '../app.js';
import {
  InMemoryRepository,
  PostgresRepository,
  type InMemoryOptions,
} from '../repository/index.js';

export interface TestServer {
  readonly url: string;
  readonly repository: InMemoryRepository;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/** `get` and `post` against the API at `url`. */
function client(url: string): Pick<TestServer, 'url' | 'get' | 'post'> {
  return {
    url,
    get: (path) => fetch(`${url}${path}`),
    post: (path, body) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/** Starts the API on a free loopback port with a fresh in-memory store. */
export async function startTestServer(
  options: InMemoryOptions & Partial<Omit<AppOptions, 'repository'>> = {},
): Promise<TestServer> {
  const repository = new InMemoryRepository(options);
  const { url, close } = await listen(createApp({ taxRate: 0.2, ...options, repository }));
  return { ...client(url), repository, close };
}

export interface DatabaseTestServer extends Omit<TestServer, 'repository'> {
  readonly repository: PostgresRepository;
  readonly pool: pg.Pool;
}

/**
 * Starts the API on a free loopback port against the test database at `databaseUrl` (from
 * `@shardwise/db`), through a pool of four connections, as the API runs in production.
 */
export async function startDatabaseTestServer(
  databaseUrl: string,
  options: Partial<Omit<AppOptions, 'repository'>> = {},
): Promise<DatabaseTestServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const repository = new PostgresRepository(pool);
  const { url, close } = await listen(createApp({ taxRate: 0.2, ...options, repository }));
  return {
    ...client(url),
    repository,
    pool,
    close: async () => {
      await close();
      await pool.end();
    },
  };
}

/** `response.json()` typed for assertions. */
export const json = (response: Response): Promise<any> => response.json();
