/**
 * One test file's view of its worker's database. `start` (before all tests) connects and makes
 * sure the schema is loaded; `beforeEach`/`afterEach` give every test the state right after the
 * schema load; `stop` (after all tests) lets go. Where the database is:
 *
 * - `SHARDWISE_PG_ADMIN_URL` (or `adminUrl`): a real PostgreSQL server; this worker gets its own
 *   database cloned from a template that holds the schema.
 * - `SHARDWISE_DATABASE_URL`: the PGlite served for this slot by Shardwise (or by the global
 *   setup when the runner has one worker).
 * - `SHARDWISE_DATABASE_URLS`: the global setup's PGlite hosts, one per runner worker, picked by
 *   `JEST_WORKER_ID` / `VITEST_POOL_ID`.
 * - none of these: a PGlite host of this process's own, for its lifetime.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { z } from 'zod';
import { startDatabaseHost, type DatabaseHost } from './database-host';
import { DbError } from './errors';
import {
  cloneTemplate,
  dropDatabase,
  dropWorkerDatabases,
  ensureTemplate,
  withDatabase,
} from './real-postgres';
import { ensureSchema, type ResetSql } from './schema-loader';
import { readSchemaSource } from './schema-source';

export const isolationModes = ['truncate', 'rollback', 'template'] as const;
export type Isolation = (typeof isolationModes)[number];

const optionsSchema = z.strictObject({
  schema: z.union([z.string().min(1), z.instanceof(URL)], {
    error: 'schema: expected the path of a .sql file or of a migrations folder',
  }),
  isolation: z
    .enum(isolationModes, { error: `isolation: expected one of ${isolationModes.join(', ')}` })
    .default('truncate'),
  poolSize: z
    .number({ error: 'poolSize: expected a whole number from 1 to 64' })
    .int()
    .min(1)
    .max(64)
    .optional(),
  adminUrl: z.string().optional(),
});

export type TestDatabaseOptions = z.input<typeof optionsSchema>;

function parseOptions(options: TestDatabaseOptions): z.output<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new DbError(
      'SHARDWISE_DB_BAD_OPTIONS',
      `@shardwise/db options: ${parsed.error.issues.map((i) => `${i.message} (at ${i.path.join('.') || 'options'})`).join('; ')}`,
    );
  return parsed.data;
}

/** The runner's own worker number: Shardwise's slot, Jest's or Vitest's worker, else 1. */
export function workerId(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHARDWISE_WORKER_ID ?? env.JEST_WORKER_ID ?? env.VITEST_POOL_ID ?? '1';
}

/** The PGlite URL this process should use, if the environment names one. */
export function pgliteUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SHARDWISE_DATABASE_URL) return env.SHARDWISE_DATABASE_URL;
  const urls = env.SHARDWISE_DATABASE_URLS?.split(',').filter(Boolean) ?? [];
  if (urls.length === 0) return undefined;
  const index = Number(env.JEST_WORKER_ID ?? env.VITEST_POOL_ID ?? '1') - 1;
  return urls[Math.max(0, index) % urls.length];
}

const NO_TRANSACTION = '25P01';
/** Every so many resets, TRUNCATE instead of DELETE, to drop the dead rows (see ResetSql). */
const COMPACT_EVERY = 100;

export class TestDatabase {
  readonly isolation: Isolation;
  readonly #options: z.output<typeof optionsSchema>;
  #pool: pg.Pool | undefined;
  #url: string | undefined;
  #resetSql: ResetSql = { reset: '', compact: '' };
  #resets = 0;
  #ownHost: DatabaseHost | undefined;
  #admin: pg.Pool | undefined;
  #adminUrl: string | undefined;
  #template: string | undefined;
  #database: string | undefined;
  #transactionEnded = false;

  constructor(options: TestDatabaseOptions) {
    this.#options = parseOptions(options);
    this.isolation = this.#options.isolation;
    if (this.isolation === 'rollback' && (this.#options.poolSize ?? 1) !== 1)
      throw new DbError(
        'SHARDWISE_DB_BAD_OPTIONS',
        '@shardwise/db options: isolation "rollback" keeps each test in one transaction on one connection, so poolSize must be 1; a pooled application needs isolation "truncate" (or "template" on a real PostgreSQL server)',
      );
  }

  /** The connection string of this test's database. */
  get url(): string {
    if (this.#url === undefined) throw this.#notStarted('url');
    return this.#url;
  }

  /**
   * The pool of this test's database (size `poolSize`, default 4; 1 for "rollback", where every
   * query of the test must go through it to stay in the test's transaction).
   */
  get pool(): pg.Pool {
    if (this.#pool === undefined) throw this.#notStarted('pool');
    return this.#pool;
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  #notStarted(what: string): DbError {
    return new DbError(
      'SHARDWISE_DB_NOT_STARTED',
      `@shardwise/db: ${what} is there only between start() and stop() (the helpers call them in beforeAll/afterAll)`,
    );
  }

  #openPool(url: string): pg.Pool {
    const rollback = this.isolation === 'rollback';
    const pool = new pg.Pool({
      connectionString: url,
      max: rollback ? 1 : (this.#options.poolSize ?? 4),
      // In rollback mode the one connection holds the test's transaction: never let it idle out.
      idleTimeoutMillis: rollback ? 0 : 10_000,
    });
    pool.on('connect', (client) =>
      client.on('notice', (notice) => {
        if (notice.code === NO_TRANSACTION) this.#transactionEnded = true;
      }),
    );
    // A connection dropped while idle (a database dropped under it) must not crash the process.
    pool.on('error', () => undefined);
    this.#url = url;
    this.#pool = pool;
    return pool;
  }

  async start(): Promise<void> {
    const { schema } = this.#options;
    const source = readSchemaSource(schema instanceof URL ? fileURLToPath(schema) : schema);
    const adminUrl = this.#options.adminUrl ?? process.env.SHARDWISE_PG_ADMIN_URL;
    if (adminUrl) {
      this.#adminUrl = adminUrl;
      this.#admin = new pg.Pool({ connectionString: adminUrl, max: 2 });
      this.#admin.on('error', () => undefined);
      await dropWorkerDatabases(this.#admin);
      this.#template = await ensureTemplate(this.#admin, adminUrl, source);
      if (this.isolation === 'template') return;
      this.#database = await cloneTemplate(this.#admin, this.#template, workerId());
      const pool = this.#openPool(withDatabase(adminUrl, this.#database));
      this.#resetSql = await ensureSchema(pool, source);
      return;
    }
    if (this.isolation === 'template')
      throw new DbError(
        'SHARDWISE_DB_TEMPLATE_NEEDS_POSTGRES',
        '@shardwise/db: isolation "template" clones a database per test, which needs a real PostgreSQL server (set SHARDWISE_PG_ADMIN_URL); with PGlite use "truncate" (pooled applications) or "rollback"',
      );
    let url = pgliteUrlFromEnv();
    if (url === undefined) {
      this.#ownHost = await startDatabaseHost();
      url = this.#ownHost.url;
    }
    const pool = this.#openPool(url);
    this.#resetSql = await ensureSchema(pool, source);
    // Whoever used this database before (another test file of the slot) may have left rows.
    await pool.query(this.#resetSql.compact);
  }

  async beforeEach(): Promise<void> {
    switch (this.isolation) {
      case 'truncate':
        await this.#reset();
        return;
      case 'rollback':
        this.#transactionEnded = false;
        await this.pool.query('BEGIN');
        return;
      case 'template': {
        this.#database = await cloneTemplate(this.#admin!, this.#template!, workerId());
        this.#openPool(withDatabase(this.#adminUrl!, this.#database));
        return;
      }
    }
  }

  async afterEach(): Promise<void> {
    switch (this.isolation) {
      case 'truncate':
        return;
      case 'rollback': {
        await this.pool.query('ROLLBACK');
        if (!this.#transactionEnded) return;
        await this.#reset();
        throw new DbError(
          'SHARDWISE_DB_TRANSACTION_ESCAPED',
          '@shardwise/db: the test\'s transaction had ended before its rollback (the code under test ran COMMIT or ROLLBACK on the shared connection), so rollback isolation could not hold; the database was reset. Use isolation "truncate" for code that manages its own transactions.',
        );
      }
      case 'template': {
        const pool = this.#pool;
        const database = this.#database;
        this.#pool = undefined;
        this.#database = undefined;
        await pool?.end();
        if (database !== undefined) await dropDatabase(this.#admin!, database);
        return;
      }
    }
  }

  async #reset(): Promise<void> {
    this.#resets += 1;
    const { reset, compact } = this.#resetSql;
    await this.pool.query(this.#resets % COMPACT_EVERY === 0 ? compact : reset);
  }

  async stop(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
    if (this.#admin !== undefined) {
      if (this.#database !== undefined) await dropDatabase(this.#admin, this.#database);
      this.#database = undefined;
      await this.#admin.end();
      this.#admin = undefined;
    }
    await this.#ownHost?.stop();
    this.#ownHost = undefined;
  }
}
