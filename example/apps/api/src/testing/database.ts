import { useTestDatabase } from '@shardwise/db/vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** The API's schema: the migrations the database starts from. */
export const migrationsDir = fileURLToPath(new URL('../../db/migrations/', import.meta.url));

/**
 * A Postgres database with the API's schema for this test file, back to the seeded catalog
 * before every test. "truncate" isolation, since the API talks to it through a pool of four.
 *
 * `EXAMPLE_DB_RECREATE_PER_TEST=1` swaps in the usual hand-rolled setup instead, for the
 * benchmark (tools/src/bench-db.ts) to compare against: a database per test file on the
 * PostgreSQL server at `SHARDWISE_PG_ADMIN_URL`, its schema dropped and migrated again before
 * every test.
 */
export const useApiDatabase = (): { readonly url: string } =>
  process.env.EXAMPLE_DB_RECREATE_PER_TEST === '1'
    ? useSchemaRecreatedPerTest()
    : useTestDatabase({ schema: migrationsDir, isolation: 'truncate' });

function useSchemaRecreatedPerTest(): { readonly url: string } {
  const adminUrl = process.env.SHARDWISE_PG_ADMIN_URL;
  if (!adminUrl) throw new Error('EXAMPLE_DB_RECREATE_PER_TEST needs SHARDWISE_PG_ADMIN_URL');
  const migrations = readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join(migrationsDir, f), 'utf8'));
  const name = `example_recreate_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  const client = new pg.Client({ connectionString: url.toString() });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await client.connect();
  });
  beforeEach(async () => {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    for (const migration of migrations) await client.query(migration);
  });
  afterAll(async () => {
    await client.end();
    // The API's pool may still be closing its connections: wait for them (55006: in use).
    for (let tries = 0; ; tries += 1) {
      try {
        await admin.query(`DROP DATABASE ${name}`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || tries > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await admin.end();
  });
  return { url: url.toString() };
}
