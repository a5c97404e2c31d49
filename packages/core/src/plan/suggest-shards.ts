/**
 * `plan --suggest`: a shard count per category from its estimated duration, its target duration
 * and the machine (cores from systeminformation, times the preset's slots per core and the
 * category's parallel factor): shards = ceil(total / (target × slots)).
 */
import type { CategoryConfig } from '../config/schema';
import { PRESETS } from '../config/presets';

/** The original system's per-category targets, in seconds, used when none is configured. */
export const DEFAULT_TARGET_SECONDS: Readonly<Record<string, number>> = {
  smoke: 15,
  unit: 30,
  integration: 120,
  agents: 180,
  performance: 300,
  e2e: 600,
};
const FALLBACK_TARGET_SECONDS = 60;

export interface ShardSuggestion {
  shards: number;
  targetSeconds: number;
  slots: number;
}

export function suggestShardCount(
  category: CategoryConfig,
  estimatedMs: number,
  cores: number,
): ShardSuggestion {
  const targetSeconds =
    category.targetDuration ?? DEFAULT_TARGET_SECONDS[category.name] ?? FALLBACK_TARGET_SECONDS;
  const preset = PRESETS[category.optimization];
  const slots = Math.max(1, Math.floor(cores * preset.slotsPerCore * category.parallelFactor));
  const shards = Math.max(1, Math.ceil(estimatedMs / (targetSeconds * 1000 * slots)));
  return { shards, targetSeconds, slots };
}
