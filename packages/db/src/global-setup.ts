/**
 * For runners started without Shardwise: one lazy PGlite host per runner worker, started from
 * the runner's global setup and named to the workers in `SHARDWISE_DATABASE_URLS` (each worker
 * takes the one of its `JEST_WORKER_ID` / `VITEST_POOL_ID`). Under Shardwise the slot already
 * serves `SHARDWISE_DATABASE_URL`, and with `SHARDWISE_PG_ADMIN_URL` a real server is used:
 * then this does nothing.
 */
import pg from 'pg';
import { startDatabaseHost } from './database-host';
import { dropWorkerDatabases } from './real-postgres';

export async function startGlobalDatabases(workers: number): Promise<() => Promise<void>> {
  const adminUrl = process.env.SHARDWISE_PG_ADMIN_URL;
  if (adminUrl) return () => dropDeadWorkerDatabases(adminUrl);
  if (process.env.SHARDWISE_DATABASE_URL || process.env.SHARDWISE_DATABASE_URLS)
    return async () => undefined;
  const hosts = await Promise.all(
    Array.from({ length: Math.max(1, workers) }, () => startDatabaseHost()),
  );
  process.env.SHARDWISE_DATABASE_URLS = hosts.map((h) => h.url).join(',');
  return async () => {
    delete process.env.SHARDWISE_DATABASE_URLS;
    await Promise.all(hosts.map((h) => h.stop()));
  };
}

/** Worker databases whose process is gone (a worker that died) are dropped at the end. */
async function dropDeadWorkerDatabases(adminUrl: string): Promise<void> {
  const admin = new pg.Pool({ connectionString: adminUrl, max: 1 });
  try {
    await dropWorkerDatabases(admin);
  } finally {
    await admin.end();
  }
}
