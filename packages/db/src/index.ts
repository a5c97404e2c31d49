export {
  TestDatabase,
  isolationModes,
  workerId,
  type Isolation,
  type TestDatabaseOptions,
} from './test-database';
export { registerTestDatabase, type RunnerHooks } from './hooks';
export { DbError, MigrationError } from './errors';
export { readSchemaSource, type SchemaFile, type SchemaSource } from './schema-source';
export { splitSqlStatements } from './sql-statements';
export {
  applySchema,
  ensureSchema,
  wipeDatabase,
  type ResetSql,
  type SqlClient,
} from './schema-loader';
export { startDatabaseHost, type DatabaseHost } from './database-host';
export { startPgliteHost, type PgliteHost } from './pglite-host';
export { startPostgresServer, findPostgresBinaries, type PostgresServer } from './postgres-server';
export { startGlobalDatabases } from './global-setup';
export { startSlotDatabase, type SlotDatabase } from './slot';
