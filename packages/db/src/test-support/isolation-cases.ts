/**
 * Isolation cases shared by the PGlite and the real-PostgreSQL specs: the same API must give the
 * same clean state on both. The application side is a separate pg.Pool of four connections, as
 * a pooled application would open from the test's URL.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { registerTestDatabase } from '../hooks';
import { TestDatabase, type Isolation } from '../test-database';

export const migrations = join(__dirname, '..', '__fixtures__', 'migrations');
export const hooks = { beforeAll, beforeEach, afterEach, afterAll };

const count = async (pool: pg.Pool, table: string): Promise<number> =>
  (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;

/** A pooled application (pg.Pool max 4) writes concurrently; the next test sees none of it. */
export function pooledApplicationCases(isolation: Exclude<Isolation, 'rollback'>): void {
  const db = registerTestDatabase({ schema: migrations, isolation }, hooks);
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
    expect(await count(app, 'product')).toBe(14);
    expect(await count(app, 'customer_order')).toBe(1);
  });

  it('starts the next test from the seeded rows, with sequences set back', async () => {
    const { rows } = await app.query('SELECT sku, stock FROM product ORDER BY sku');
    expect(rows).toEqual([
      { sku: 'KB-01', stock: 25 },
      { sku: 'MS-02', stock: 120 },
    ]);
    expect(await count(app, 'customer_order')).toBe(0);
    const inserted = await app.query(
      "INSERT INTO product (sku, name, stock) VALUES ('NEW', 'new', 1) RETURNING id, label",
    );
    expect(inserted.rows[0]).toEqual({ id: 3, label: 'NEW: new' });
    const order = await app.query(
      'INSERT INTO customer_order (product_id, quantity) VALUES (1, 1) RETURNING id',
    );
    expect(order.rows[0]?.id).toBe('1');
  });
}

/** Rollback: every query of the test goes through the helper's single connection. */
export function rollbackCases(): void {
  const db = registerTestDatabase({ schema: migrations, isolation: 'rollback' }, hooks);
  const stock = async () =>
    (await db.query("SELECT stock FROM product WHERE sku = 'KB-01'")).rows[0]?.stock;

  it('writes inside the test', async () => {
    await db.query("UPDATE product SET stock = 0 WHERE sku = 'KB-01'");
    expect(await stock()).toBe(0);
  });

  it('sees none of the previous test’s writes', async () => {
    expect(await stock()).toBe(25);
  });
}

/** Starting on the broken fixture fails with an error naming the file, the statement and its text. */
export async function expectMigrationFailureNamed(): Promise<void> {
  const db = new TestDatabase({ schema: join(__dirname, '..', '__fixtures__', 'broken') });
  const failure = await db.start().then(
    () => undefined,
    (error: unknown) => error,
  );
  await db.stop();
  expect(failure).toMatchObject({ code: 'SHARDWISE_DB_MIGRATION_FAILED' });
  const message = (failure as Error).message;
  expect(message).toContain(join('broken', '002_bad.sql'));
  expect(message).toContain('statement 2 failed: relation "missing_table" does not exist');
  expect(message).toContain('ALTER TABLE missing_table ADD COLUMN x int;');
}
