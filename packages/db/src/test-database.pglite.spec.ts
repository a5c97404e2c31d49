/**
 * TestDatabase against PGlite served over pglite-socket (the hosts a slot or a global setup
 * starts), through node-postgres as an application would connect.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabaseHost, type DatabaseHost } from './database-host';
import { TestDatabase } from './test-database';
import {
  expectMigrationFailureNamed,
  migrations,
  pooledApplicationCases,
  rollbackCases,
} from './test-support/isolation-cases';
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

describe('truncate isolation with a pooled application (pg.Pool max 4)', () => {
  pooledApplicationCases('truncate');
});

describe('rollback isolation (one connection)', () => {
  rollbackCases();
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
    'empties tables with DELETE, and with TRUNCATE every 100th reset',
    async () => {
      const db = new TestDatabase({ schema: migrations });
      await db.start();
      const storage = async () =>
        (await db.query("SELECT relfilenode::int AS n FROM pg_class WHERE relname = 'product'"))
          .rows[0]?.n;
      try {
        const before = await storage();
        for (let i = 1; i < 100; i++) {
          await db.beforeEach();
          await db.query("INSERT INTO product (sku, name, stock) VALUES ('X', 'x', 1)");
          await db.afterEach();
        }
        expect(await storage()).toBe(before);
        await db.beforeEach();
        expect(await storage()).not.toBe(before);
        const { rows } = await db.query(
          "INSERT INTO product (sku, name, stock) VALUES ('Y', 'y', 1) RETURNING id",
        );
        expect(rows[0]?.id).toBe(3);
        expect((await db.query('SELECT count(*)::int AS n FROM product')).rows[0]?.n).toBe(3);
      } finally {
        await db.stop();
      }
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
    'starts PGlite from its cached initial state, and replaces a damaged one',
    async () => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'shardwise-db-cache-'));
      const saved = process.env.SHARDWISE_DB_CACHE_DIR;
      process.env.SHARDWISE_DB_CACHE_DIR = cacheDir;
      const answers = async () => {
        const host = await startDatabaseHost();
        const client = new pg.Client({ connectionString: host.url });
        try {
          await client.connect();
          return (await client.query('SELECT 1 AS one')).rows[0]?.one;
        } finally {
          await client.end();
          await host.stop();
        }
      };
      try {
        expect(await answers()).toBe(1);
        const [cached] = readdirSync(cacheDir);
        expect(cached).toMatch(/^pglite-[\d.]+-initdb\.tar$/);
        const file = join(cacheDir, cached!);
        expect(statSync(file).size).toBeGreaterThan(1_000_000);
        expect(await answers()).toBe(1);
        writeFileSync(file, 'not a tar');
        expect(await answers()).toBe(1);
        expect(statSync(file).size).toBeGreaterThan(1_000_000);
      } finally {
        if (saved === undefined) delete process.env.SHARDWISE_DB_CACHE_DIR;
        else process.env.SHARDWISE_DB_CACHE_DIR = saved;
        rmSync(cacheDir, { recursive: true, force: true });
      }
    },
    START_MS,
  );

  it(
    'names the migration file and the statement that failed',
    async () => {
      await expectMigrationFailureNamed();
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
