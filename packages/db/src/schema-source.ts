/**
 * The schema a test database starts from: one SQL file, or a migrations folder whose `*.sql`
 * files apply in name order (numbers compared as numbers: 2_x before 10_x). Its hash names the
 * loaded state, so a database that already holds it is not loaded again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DbError } from './errors';
import { splitSqlStatements } from './sql-statements';

export interface SchemaFile {
  /** The path as given plus the file name, for messages. */
  readonly file: string;
  readonly statements: readonly string[];
}

export interface SchemaSource {
  readonly files: readonly SchemaFile[];
  /** sha256 over file names and contents, hex. */
  readonly hash: string;
}

export function readSchemaSource(path: string): SchemaSource {
  const absolute = resolve(path);
  let isFolder: boolean;
  try {
    isFolder = statSync(absolute).isDirectory();
  } catch (error) {
    throw new DbError(
      'SHARDWISE_DB_SCHEMA_NOT_FOUND',
      `schema: ${absolute} does not exist (expected a .sql file or a folder of .sql migrations)`,
      { cause: error },
    );
  }
  const paths = isFolder
    ? readdirSync(absolute)
        .filter((name) => name.endsWith('.sql'))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .map((name) => join(absolute, name))
    : [absolute];
  if (paths.length === 0)
    throw new DbError(
      'SHARDWISE_DB_SCHEMA_EMPTY',
      `schema: the folder ${absolute} holds no .sql files`,
    );
  const hash = createHash('sha256');
  const files = paths.map((file) => {
    const text = readFileSync(file, 'utf8');
    hash.update(basename(file)).update('\0').update(text).update('\0');
    return { file, statements: splitSqlStatements(text) };
  });
  return { files, hash: hash.digest('hex') };
}
