/**
 * Loads a schema into a database once and records, beside it, how to bring the database back to
 * the state right after loading (the reset SQL: empty every table, put back the rows the schema
 * seeded, set sequences back). The record is keyed by the schema's hash, so the next process
 * that finds the same hash skips loading; a different hash wipes the database first.
 */
import { MigrationError } from './errors';
import type { SchemaSource } from './schema-source';

/** What the loader needs of a connection: pg's `Client`, `PoolClient` and `Pool` all fit. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

type Row = Record<string, unknown>;

/** The rows of a catalog query, typed by the caller (the SQL fixes their shape). */
async function rowsOf<T>(client: SqlClient, text: string, values?: unknown[]): Promise<T[]> {
  return (await client.query(text, values)).rows as T[];
}

const META = 'shardwise_meta';
const SNAPSHOT = 'shardwise_snapshot';
const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', '${META}', '${SNAPSHOT}') AND n.nspname NOT LIKE 'pg\\_%'`;

/** A quoted SQL identifier. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * Two ways back to the loaded state. `reset` empties tables with DELETE: a few rows cost next to
 * nothing, where TRUNCATE makes new files for every table (5 ms and more on PGlite, measured in
 * BENCHMARKS.md). DELETE leaves dead rows behind, and PGlite has no autovacuum, so `compact`
 * (TRUNCATE … RESTART IDENTITY) is for every so many resets.
 */
export interface ResetSql {
  readonly reset: string;
  readonly compact: string;
}

/** The reset SQL for `source`, loading the schema first if the database does not hold it. */
export async function ensureSchema(client: SqlClient, source: SchemaSource): Promise<ResetSql> {
  const { rows } = await client.query(`SELECT to_regclass('${META}.state') IS NOT NULL AS present`);
  if (rows[0]?.present === true) {
    const state = await rowsOf<{ reset_sql: string; compact_sql: string }>(
      client,
      `SELECT reset_sql, compact_sql FROM ${META}.state WHERE hash = $1`,
      [source.hash],
    );
    if (state[0] !== undefined) return { reset: state[0].reset_sql, compact: state[0].compact_sql };
  }
  await wipeDatabase(client);
  await applySchema(client, source);
  return recordSnapshot(client, source.hash);
}

/** Drops every user schema (and so every table, type and function in it); leaves `public` empty. */
export async function wipeDatabase(client: SqlClient): Promise<void> {
  const { rows } = await client.query(
    `SELECT nspname FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
  );
  const drops = rows.map((r) => `DROP SCHEMA ${ident(String(r.nspname))} CASCADE;`).join('\n');
  await client.query(`${drops}\nCREATE SCHEMA public;`);
}

/** Runs every statement of every file in order; the first failure names its file and statement. */
export async function applySchema(client: SqlClient, source: SchemaSource): Promise<void> {
  for (const { file, statements } of source.files) {
    for (const [index, statement] of statements.entries()) {
      try {
        await client.query(statement);
      } catch (error) {
        throw new MigrationError(file, index, statement, error);
      }
    }
  }
}

/**
 * Copies the rows the schema seeded into `shardwise_snapshot`, builds the reset SQL and stores it
 * under `hash`. Returns the reset SQL.
 */
export async function recordSnapshot(client: SqlClient, hash: string): Promise<ResetSql> {
  const tables = await rowsOf<{ schema: string; name: string; oid: number }>(
    client,
    `SELECT n.nspname AS schema, c.relname AS name, c.oid::int AS oid
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${SYSTEM_SCHEMAS}
      ORDER BY 1, 2`,
  );
  await client.query(`CREATE SCHEMA ${SNAPSHOT}`);
  const names: string[] = [];
  const restores: string[] = [];
  for (const [i, table] of tables.entries()) {
    const name = `${ident(table.schema)}.${ident(table.name)}`;
    names.push(name);
    const seeded = await client.query(`SELECT EXISTS (SELECT 1 FROM ${name}) AS seeded`);
    if (seeded.rows[0]?.seeded !== true) continue;
    const columns = await rowsOf<{ attname: string }>(
      client,
      `SELECT attname FROM pg_attribute
        WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
        ORDER BY attnum`,
      [table.oid],
    );
    const list = columns.map((c) => ident(c.attname)).join(', ');
    const copy = `${SNAPSHOT}.${ident(`t${i}`)}`;
    await client.query(`CREATE TABLE ${copy} AS SELECT ${list} FROM ${name}`);
    restores.push(
      `INSERT INTO ${name} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${copy};`,
    );
  }
  const sequences = await rowsOf<{
    schema: string;
    name: string;
    start: string;
    last: string | null;
  }>(
    client,
    `SELECT schemaname AS schema, sequencename AS name, start_value::text AS start, last_value::text AS last
       FROM pg_sequences s JOIN pg_namespace n ON n.nspname = s.schemaname
      WHERE ${SYSTEM_SCHEMAS}`,
  );
  const setvals = sequences.map((s) => {
    const seq = literal(`${ident(s.schema)}.${ident(s.name)}`);
    return s.last === null
      ? `setval(${seq}, ${s.start}, false)`
      : `setval(${seq}, ${s.last}, true)`;
  });
  const transaction = (empty: string[]) =>
    [
      'BEGIN;',
      // Rows go out and seeded rows back in any order: foreign-key (and user) triggers stay off
      // for this transaction, as TRUNCATE fires no DELETE triggers either.
      'SET LOCAL session_replication_role = replica;',
      ...empty,
      ...restores,
      setvals.length > 0 ? `SELECT ${setvals.join(', ')};` : '',
      'COMMIT;',
    ]
      .filter(Boolean)
      .join('\n');
  const sql: ResetSql = {
    reset: transaction(names.map((name) => `DELETE FROM ${name};`)),
    compact: transaction(
      names.length > 0 ? [`TRUNCATE TABLE ${names.join(', ')} RESTART IDENTITY CASCADE;`] : [],
    ),
  };
  await client.query(
    `CREATE SCHEMA ${META}; CREATE TABLE ${META}.state (hash text PRIMARY KEY, reset_sql text NOT NULL, compact_sql text NOT NULL)`,
  );
  await client.query(
    `INSERT INTO ${META}.state (hash, reset_sql, compact_sql) VALUES ($1, $2, $3)`,
    [hash, sql.reset, sql.compact],
  );
  return sql;
}
