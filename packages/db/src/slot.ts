/**
 * The entry Shardwise loads for a slot of a project that depends on @shardwise/db: the slot
 * owns one lazy PGlite host for its whole life (PGlite starts on the first connection, so a
 * slot whose tests never connect pays nothing) and hands its URL to every runner child as
 * `SHARDWISE_DATABASE_URL`. With `SHARDWISE_PG_ADMIN_URL` set, tests use that server and the
 * slot starts nothing.
 */
import { startDatabaseHost } from './database-host';

export interface SlotDatabase {
  /** Added to the environment of every child the slot spawns. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startSlotDatabase(): Promise<SlotDatabase> {
  if (process.env.SHARDWISE_PG_ADMIN_URL) return { env: {}, stop: async () => undefined };
  const host = await startDatabaseHost();
  return {
    env: { SHARDWISE_DATABASE_URL: host.url },
    stop: async () => void (await host.stop()),
  };
}
