import type { OptimizationLevel, RunnerName } from '@shardwise/core';

export interface CategoryGeneratorSchema {
  /** The category's name; it becomes part of target names. */
  name: string;
  /** Comma-separated globs, relative to the project root; replaces `include`. */
  include?: string | string[];
  /** Comma-separated globs; replaces `exclude`. */
  exclude?: string | string[];
  shards?: number;
  optimization?: OptimizationLevel;
  /** Seconds one shard should take. */
  targetDuration?: number;
  parallelFactor?: number;
  /** Comma-separated category names; replaces `dependsOn`. */
  dependsOn?: string | string[];
  runner?: RunnerName;
  /** Put the category just before this one (first match wins). Default: before `unit`. */
  before?: string;
  skipFormat?: boolean;
}
