/**
 * TestDatabase against a real PostgreSQL server: Debian's postgresql is installed if missing
 * (scripts/ensure-postgres.sh), a server is started in a temporary folder for this file and
 * stopped after it, even when tests fail.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresServer } from './postgres-server';
import { dropWorkerDatabases } from './real-postgres';
import { TestDatabase } from './test-database';
import {
  expectMigrationFailureNamed,
  migrations,
  pooledApplicationCases,
  rollbackCases,
} from './test-support/isolation-cases';

const ENSURE_SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'ensure-postgres.sh');
const BUILT_INDEX = join(__dirname, '..', 'dist', 'index.js');
const INSTALL_MS = 600_000;
const START_MS = 120_000;

let server: PostgresServer | undefined;
let admin: pg.Pool;

beforeAll(async () => {
  execFileSync('bash', [ENSURE_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'] });
  server = await startPostgresServer();
  process.env.SHARDWISE_PG_ADMIN_URL = server.adminUrl;
  admin = new pg.Pool({ connectionString: server.adminUrl, max: 2 });
}, INSTALL_MS);

afterAll(async () => {
  delete process.env.SHARDWISE_PG_ADMIN_URL;
  await admin?.end();
  await server?.stop();
}, START_MS);

const databases = async (pattern: string): Promise<string[]> =>
  (
    await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1', [pattern])
  ).rows.map((r) => r.datname);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/** Runs `script` in a child node process with the built package as `db`; resolves its first line. */
function childPrinting(script: string): Promise<{ line: string; kill: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['-e', `const db = require(${JSON.stringify(BUILT_INDEX)}); (async () => { ${script} })()`],
    { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing`)));
    child.stdout.once('data', (chunk: Buffer) =>
      resolve({
        line: chunk.toString().trim(),
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      }),
    );
  });
}

describe('truncate isolation with a pooled application (pg.Pool max 4)', () => {
  pooledApplicationCases('truncate');
});

describe('template isolation with a pooled application (pg.Pool max 4)', () => {
  pooledApplicationCases('template');
});

describe('rollback isolation (one connection)', () => {
  rollbackCases();
});

describe('databases on a real server', () => {
  it(
    'gives concurrent workers their own database, and drops it at stop',
    async () => {
      const saved = process.env.SHARDWISE_WORKER_ID;
      process.env.SHARDWISE_WORKER_ID = '101';
      const a = new TestDatabase({ schema: migrations });
      await a.start();
      process.env.SHARDWISE_WORKER_ID = '102';
      const b = new TestDatabase({ schema: migrations });
      await b.start();
      if (saved === undefined) delete process.env.SHARDWISE_WORKER_ID;
      else process.env.SHARDWISE_WORKER_ID = saved;
      try {
        expect(new URL(a.url).pathname).toMatch(/^\/shardwise_w101_p\d+_\d+$/);
        expect(new URL(b.url).pathname).toMatch(/^\/shardwise_w102_p\d+_\d+$/);
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
        await Promise.all([a.stop(), b.stop()]);
      }
      expect(await databases('shardwise_w10%')).toEqual([]);
    },
    START_MS,
  );

  it(
    'drops the database of a worker that died, at the next worker’s start',
    async () => {
      const child = await childPrinting(
        `const t = new db.TestDatabase({ schema: ${JSON.stringify(migrations)} }); await t.start(); console.log(new URL(t.url).pathname.slice(1)); setInterval(() => {}, 1000);`,
      );
      expect(await databases(child.line)).toEqual([child.line]);
      await child.kill();
      const next = new TestDatabase({ schema: migrations });
      await next.start();
      await next.stop();
      expect(await databases(child.line)).toEqual([]);
    },
    START_MS,
  );

  it(
    'leaves no server process or data folder when the process that started it is killed',
    async () => {
      const child = await childPrinting(
        'const s = await db.startPostgresServer(); const pid = require("child_process").execFileSync("pgrep", ["-P", String(s.guardPid)], { encoding: "utf8" }).trim(); console.log(JSON.stringify({ guard: s.guardPid, postgres: Number(pid), url: s.adminUrl })); setInterval(() => {}, 1000);',
      );
      const started = JSON.parse(child.line) as { guard: number; postgres: number; url: string };
      const client = new pg.Client({ connectionString: started.url });
      await client.connect();
      const dataDir = (await client.query('SHOW data_directory')).rows[0]?.data_directory;
      await client.end();
      expect(alive(started.postgres)).toBe(true);
      await child.kill();
      expect(await until(() => !alive(started.postgres) && !alive(started.guard), 20_000)).toBe(
        true,
      );
      expect(existsSync(dataDir)).toBe(false);
    },
    START_MS,
  );

  it(
    'names the migration file and statement, and leaves no half-built template',
    async () => {
      await expectMigrationFailureNamed();
      expect(await databases('shardwise_tpl_%_building')).toEqual([]);
      expect(await dropWorkerDatabases(admin)).toEqual([]);
    },
    START_MS,
  );
});
