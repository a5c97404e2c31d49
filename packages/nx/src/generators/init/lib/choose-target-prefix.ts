/**
 * The collision rule. Inferred names are `<prefix>-optimized`, `<prefix>-<category>`,
 * `<prefix>-<category>--shard-<k>` and `<prefix>-benchmark`. Existing targets are never removed or
 * renamed, so:
 * - a prefix someone chose (`--targetPrefix`, or `targetPrefix` already in the options) is kept,
 *   and a collision fails with the project, the target and the fix;
 * - the default prefix `test` is replaced, on a collision, by the first of `sw`, `shardwise`,
 *   `sw-test`, `sw2`, `sw3`, … that collides with nothing; init writes it and says so.
 */
import { DEFAULT_TARGET_PREFIX } from '@shardwise/core';
import {
  describeCollisions,
  findTargetCollisions,
  type ProjectTargets,
  type TargetCollision,
} from '../../lib/find-target-collisions';

const FALLBACK_PREFIXES = ['sw', 'shardwise', 'sw-test'];

export interface PrefixChoice {
  prefix: string;
  /** The collisions of the default prefix that made init choose another; empty otherwise. */
  avoided: TargetCollision[];
}

export function chooseTargetPrefix(
  projects: readonly ProjectTargets[],
  categories: readonly string[],
  requested: { prefix: string | undefined; from: string },
): PrefixChoice {
  if (requested.prefix !== undefined) {
    const collisions = findTargetCollisions(projects, requested.prefix, categories);
    if (collisions.length > 0) {
      throw new Error(
        `Shardwise target names with the prefix "${requested.prefix}" (${requested.from}) collide with existing targets: ${describeCollisions(collisions)}. ` +
          `Existing targets are never overwritten: pass another prefix with --targetPrefix <prefix> (e.g. --targetPrefix sw), or rename those targets.`,
      );
    }
    return { prefix: requested.prefix, avoided: [] };
  }
  const avoided = findTargetCollisions(projects, DEFAULT_TARGET_PREFIX, categories);
  if (avoided.length === 0) return { prefix: DEFAULT_TARGET_PREFIX, avoided };
  for (let n = 2; ; n++) {
    const candidates = n === 2 ? [...FALLBACK_PREFIXES, `sw${n}`] : [`sw${n}`];
    for (const prefix of candidates) {
      if (findTargetCollisions(projects, prefix, categories).length === 0) {
        return { prefix, avoided };
      }
    }
  }
}
