/**
 * TestDatabase against PGlite served over pglite-socket (the hosts a slot or a global setup
 * starts), through node-postgres as an application would connect.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDatabaseHost, type DatabaseHost } from './database-host';
import { registerTestDatabase } from './hooks';
import { TestDatabase } from './test-database';

const migrations = join(__dirname, '__fixtures__', 'migrations');
const hooks = { beforeAll, beforeEach, afterEach, afterAll };
const START_MS = 120_000;

let hostA: DatabaseHost;
let hostB: DatabaseHost;
const savedUrl = process.env.SHARDWISE_DATABASE_URL;

beforeAll(async () => {
  [hostA, hostB] = await Promise.all([startDatabaseHost(), startDatabaseHost()]);
  process.env.SHARDWISE_DATABASE_URL = hostA.url;
}, START_MS);

afterAll(async () => {
  if (savedUrl === undefined) delete process.env.SHARDWISE_DATABASE_URL;
  else process.env.SHARDWISE_DATABASE_URL = savedUrl;
  await Promise.all([hostA?.stop(), hostB?.stop()]);
}, START_MS);

/** The product rows and the next id the sequence hands out, as a pooled app sees them. */
async function catalog(pool: pg.Pool) {
  const { rows } = await pool.query('SELECT sku, stock FROM product ORDER BY sku');
  return rows;
}

describe('truncate isolation with a pooled application (pg.Pool max 4)', () => {
  const db = registerTestDatabase({ schema: migrations, isolation: 'truncate' }, hooks);
  let app: pg.Pool;
  beforeEach(() => {
    app = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterEach(() => app.end());

  it('lets the application write through four connections at once', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        app.query('INSERT INTO product (sku, name, stock) VALUES ($1, $2, 1)', [`X-${i}`, `x${i}`]),
      ),
    );
    await app.query('SELECT take_stock(1, 5)');
    expect((await app.query('SELECT count(*)::int AS n FROM product')).rows[0]?.n).toBe(14);
    expect((await app.query('SELECT count(*)::int AS n FROM customer_order')).rows[0]?.n).toBe(1);
  });

  it('starts the next test from the seeded rows, with sequences set back', async () => {
    expect(await catalog(app)).toEqual([
      { sku: 'KB-01', stock: 25 },
      { sku: 'MS-02', stock: 120 },
    ]);
    expect((await app.query('SELECT count(*)::int AS n FROM customer_order')).rows[0]?.n).toBe(0);
    const inserted = await app.query(
      "INSERT INTO product (sku, name, stock) VALUES ('NEW', 'new', 1) RETURNING id, label",
    );
    expect(inserted.rows[0]).toEqual({ id: 3, label: 'NEW: new' });
    const order = await app.query(
      'INSERT INTO customer_order (product_id, quantity) VALUES (1, 1) RETURNING id',
    );
    expect(order.rows[0]?.id).toBe('1');
  });
});

describe('rollback isolation (one connection)', () => {
  const db = registerTestDatabase({ schema: migrations, isolation: 'rollback' }, hooks);

  it('writes inside the test', async () => {
    await db.query("UPDATE product SET stock = 0 WHERE sku = 'KB-01'");
    expect((await db.query("SELECT stock FROM product WHERE sku = 'KB-01'")).rows[0]?.stock).toBe(0);
  });

  it('sees none of the previous test’s writes', async () => {
    expect((await db.query("SELECT stock FROM product WHERE sku = 'KB-01'")).rows[0]?.stock).toBe(
      25,
    );
  });
});

describe('TestDatabase lifecycle', () => {
  it(
    'loads the schema once per database and skips it for the next file',
    async () => {
      const first = new TestDatabase({ schema: migrations });
      await first.start();
      const oid = (await first.query("SELECT 'product'::regclass::oid::int AS oid")).rows[0]?.oid;
      await first.stop();
      const second = new TestDatabase({ schema: migrations });
      await second.start();
      expect((await second.query("SELECT 'product'::regclass::oid::int AS oid")).rows[0]?.oid).toBe(
        oid,
      );
      await second.stop();
    },
    START_MS,
  );

  it(
    'fails rollback isolation loudly when the code under test commits',
    async () => {
      const db = new TestDatabase({ schema: migrations, isolation: 'rollback' });
      await db.start();
      try {
        await db.beforeEach();
        await db.query('COMMIT');
        await db.query("UPDATE product SET stock = 1 WHERE sku = 'KB-01'");
        await expect(db.afterEach()).rejects.toMatchObject({
          code: 'SHARDWISE_DB_TRANSACTION_ESCAPED',
        });
        // …and the database was reset all the same.
        expect(
          (await db.query("SELECT stock FROM product WHERE sku = 'KB-01'")).rows[0]?.stock,
        ).toBe(25);
      } finally {
        await db.stop();
      }
    },
    START_MS,
  );

  it(
    'keeps concurrent workers apart: each slot’s host is its own database',
    async () => {
      const a = new TestDatabase({ schema: migrations });
      await a.start();
      process.env.SHARDWISE_DATABASE_URL = hostB.url;
      const b = new TestDatabase({ schema: migrations });
      try {
        await b.start();
        await Promise.all([a.beforeEach(), b.beforeEach()]);
        await Promise.all([
          a.query("INSERT INTO product (sku, name, stock) VALUES ('ONLY-A', 'a', 1)"),
          b.query("INSERT INTO product (sku, name, stock) VALUES ('ONLY-B', 'b', 1)"),
        ]);
        const skus = async (db: TestDatabase) =>
          (await db.query("SELECT sku FROM product WHERE sku LIKE 'ONLY-%'")).rows.map(
            (r) => r.sku,
          );
        expect(await skus(a)).toEqual(['ONLY-A']);
        expect(await skus(b)).toEqual(['ONLY-B']);
      } finally {
        process.env.SHARDWISE_DATABASE_URL = hostA.url;
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    START_MS,
  );

  it(
    'names the migration file and the statement that failed',
    async () => {
      const db = new TestDatabase({ schema: join(__dirname, '__fixtures__', 'broken') });
      const failure = await db.start().then(
        () => undefined,
        (error: unknown) => error,
      );
      await db.stop();
      expect(failure).toMatchObject({ code: 'SHARDWISE_DB_MIGRATION_FAILED' });
      expect((failure as Error).message).toContain(join('broken', '002_bad.sql'));
      expect((failure as Error).message).toContain(
        'statement 2 failed: relation "missing_table" does not exist',
      );
      expect((failure as Error).message).toContain('ALTER TABLE missing_table ADD COLUMN x int;');
    },
    START_MS,
  );

  it('refuses options it cannot honour, by name', () => {
    expect(
      () => new TestDatabase({ schema: migrations, isolation: 'rollback', poolSize: 4 }),
    ).toThrow(/poolSize must be 1/);
    expect(
      () => new TestDatabase({ schema: migrations, isolation: 'snapshot' as 'truncate' }),
    ).toThrow(/isolation: expected one of truncate, rollback, template/);
  });

  it('asks for a real server for template isolation', async () => {
    const db = new TestDatabase({ schema: migrations, isolation: 'template' });
    await expect(db.start()).rejects.toMatchObject({
      code: 'SHARDWISE_DB_TEMPLATE_NEEDS_POSTGRES',
    });
  });
});
