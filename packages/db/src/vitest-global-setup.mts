/**
 * Vitest `globalSetup` entry: one lazy PGlite host per Vitest worker (see global-setup.ts).
 * `globalSetup: [require.resolve('@shardwise/db/vitest-global-setup')]`
 */
import { startGlobalDatabases } from './global-setup.js';

export default function setup(project?: { config?: { maxWorkers?: number } }) {
  return startGlobalDatabases(project?.config?.maxWorkers ?? 1);
}
