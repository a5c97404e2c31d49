/**
 * Real PostgreSQL mode: the schema lives in a template database (built once per schema hash,
 * under an advisory lock so that concurrent workers build it once), and every worker clones its
 * own database from it. Worker databases carry the owning process's pid in their name, so a
 * worker that died leaves a database that the next worker (or the global teardown) drops.
 */
import type { Pool } from 'pg';
import pg from 'pg';
import { processAlive } from './process-alive';
import { ensureSchema, ident } from './schema-loader';
import type { SchemaSource } from './schema-source';

const WORKER_PREFIX = 'shardwise_w';
/** Advisory-lock key space of @shardwise/db (an arbitrary constant). */
const LOCK_SPACE = 734_120;

/** The same server and credentials as `url`, on database `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function templateName(source: SchemaSource): string {
  return `shardwise_tpl_${source.hash.slice(0, 16)}`;
}

async function databaseExists(admin: Pool, name: string): Promise<boolean> {
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

/** Builds the template for `source` unless it exists; returns its name. */
export async function ensureTemplate(
  admin: Pool,
  adminUrl: string,
  source: SchemaSource,
): Promise<string> {
  const name = templateName(source);
  if (await databaseExists(admin, name)) return name;
  const lock = await admin.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1, 1)', [LOCK_SPACE]);
    if (await databaseExists(admin, name)) return name;
    const building = `${name}_building`;
    await admin.query(`DROP DATABASE IF EXISTS ${ident(building)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${ident(building)}`);
    try {
      const client = new pg.Client({ connectionString: withDatabase(adminUrl, building) });
      await client.connect();
      try {
        await ensureSchema(client, source);
      } finally {
        await client.end();
      }
      await admin.query(`ALTER DATABASE ${ident(building)} RENAME TO ${ident(name)}`);
    } catch (error) {
      await admin.query(`DROP DATABASE IF EXISTS ${ident(building)} WITH (FORCE)`);
      throw error;
    }
    return name;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1, 1)', [LOCK_SPACE]).catch(() => undefined);
    lock.release();
  }
}

/** Drops worker databases whose owning process is gone (or, with `all`, every worker database). */
export async function dropWorkerDatabases(admin: Pool, all = false): Promise<string[]> {
  const { rows } = await admin.query(
    `SELECT datname FROM pg_database WHERE datname LIKE '${WORKER_PREFIX}%'`,
  );
  const dropped: string[] = [];
  for (const { datname } of rows as Array<{ datname: string }>) {
    const pid = Number(/_p(\d+)_/.exec(datname)?.[1]);
    if (!all && Number.isInteger(pid) && processAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`);
    dropped.push(datname);
  }
  return dropped;
}

let created = 0;

/** A new database cloned from `template`, owned by this process; returns its name. */
export async function cloneTemplate(
  admin: Pool,
  template: string,
  workerId: string,
): Promise<string> {
  created += 1;
  const name = `${WORKER_PREFIX}${workerId.replace(/\W/g, '')}_p${process.pid}_${created}`;
  await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`);
  return name;
}

const OBJECT_IN_USE = '55006';
const DROP_PATIENCE_MS = 3_000;

/**
 * Drops `name` once its sessions are gone. pg's `Pool.end()` resolves before its connections
 * have closed, and a session killed by `WITH (FORCE)` while its client is closing makes that
 * client throw an uncaught error; so the drop waits for closing sessions and forces only after.
 */
export async function dropDatabase(admin: Pool, name: string): Promise<void> {
  const deadline = Date.now() + DROP_PATIENCE_MS;
  for (;;) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${ident(name)}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE) throw error;
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
}
