/**
 * The shard count init writes for a category, by core's `plan --suggest` rule
 * (packages/core/src/plan/suggest-shards.ts, `suggestShardCount`, not exported):
 * slots = max(1, floor(cores × preset slots per core × parallelFactor)),
 * shards = max(1, ceil(estimated ms / (target seconds × 1000 × slots))).
 * Cores are `os.availableParallelism()` on the machine that runs init; the result is committed
 * configuration, so it does not vary afterwards.
 */
import { PRESETS, type CategoryConfig } from '@shardwise/core';

/** Core's DEFAULT_TARGET_SECONDS: per-category seconds one shard should take. */
const DEFAULT_TARGET_SECONDS: Readonly<Record<string, number>> = {
  smoke: 15,
  unit: 30,
  integration: 120,
  agents: 180,
  performance: 300,
  e2e: 600,
};
const FALLBACK_TARGET_SECONDS = 60;
const MAX_SHARDS = 512;

export function suggestShards(
  category: CategoryConfig,
  estimatedMs: number,
  cores: number,
): number {
  const targetSeconds =
    category.targetDuration ?? DEFAULT_TARGET_SECONDS[category.name] ?? FALLBACK_TARGET_SECONDS;
  const slotsPerCore = PRESETS[category.optimization].slotsPerCore;
  const slots = Math.max(1, Math.floor(cores * slotsPerCore * category.parallelFactor));
  const shards = Math.max(1, Math.ceil(estimatedMs / (targetSeconds * 1000 * slots)));
  return Math.min(MAX_SHARDS, shards);
}
