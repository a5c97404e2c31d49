/** @shardwise/core: the engine. The CLI and the Nx plugin are built on these exports. */
export { ShardwiseError, ConfigError, UsageError, GitError, isShardwiseError } from './errors';
export {
  loadConfig,
  resolveConfig,
  findRawConfig,
  NX_PLUGIN_NAME,
  CONFIG_FILE_NAME,
  type ConfigSource,
  type LoadedConfig,
} from './config/load-config';
export type {
  ShardwiseConfig,
  CategoryConfig,
  OptimizationLevel,
  RunnerName,
} from './config/schema';
export { PRESETS, type Preset } from './config/presets';
export {
  planWorkspace,
  type WorkspacePlan,
  type ProjectPlan,
  type CategoryPlan,
  type PlannedShard,
  type PlannedFile,
} from './api/plan-workspace';
export { findAffectedTests, type AffectedTest } from './api/affected';
export { changedFilesSince } from './vcs/changed-files';
export { closeParsePool } from './graph/parse-pool';
export { assignShards, shardBalance } from './plan/shards';
export { readTimings, writeTimings, TIMINGS_FILE } from './plan/timings';
