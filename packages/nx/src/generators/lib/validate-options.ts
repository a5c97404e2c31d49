/**
 * Validation of the options a generator is about to write: core's `resolveConfig` parses them with
 * `rawConfigSchema` (unknown keys, globs, ranges) and then checks the rules across keys (custom
 * categories need `include`, `dependsOn` names, cycles, aliases). A failure is core's ConfigError,
 * whose message names nx.json, the key path and what was expected; nothing has been written then.
 */
import { resolveConfig, type CategoryConfig, type ShardwiseConfig } from '@shardwise/core';
import { optionsKeyPrefix } from './plugin-options';

export function validatePluginOptions(options: unknown, index: number): ShardwiseConfig {
  // No environment: OPTIMIZED_TEST_CATEGORIES in the shell would replace the categories being
  // checked, and the variables are not what is written.
  return resolveConfig(
    options,
    { kind: 'nx', file: 'nx.json', keyPrefix: optionsKeyPrefix(index) },
    {},
  );
}

/** The six default categories, normalized, in their order (narrow to broad, `unit` last). */
export function defaultCategories(): CategoryConfig[] {
  return resolveConfig({}, { kind: 'defaults', file: '', keyPrefix: '' }, {}).categories;
}
