/**
 * Jest `globalSetup` entry: one lazy PGlite host per Jest worker (see global-setup.ts). Pair it
 * with `globalTeardown: '@shardwise/db/jest-global-teardown'`.
 */
import { startGlobalDatabases } from './global-setup';

const TEARDOWN = Symbol.for('@shardwise/db teardown');

export = async function globalSetup(globalConfig?: { maxWorkers?: number }): Promise<void> {
  const teardown = await startGlobalDatabases(globalConfig?.maxWorkers ?? 1);
  (globalThis as Record<symbol, unknown>)[TEARDOWN] = teardown;
};
