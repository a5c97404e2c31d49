import { availableParallelism } from 'node:os';
import { splitList } from '../../lib/split-list';
import type { InitGeneratorSchema } from '../schema';

export interface NormalizedInitOptions {
  /** Default categories to configure whether or not files exist; undefined = those with files. */
  categories: string[] | undefined;
  /** One shard count for every category; undefined = suggested per category. */
  shards: number | undefined;
  /** An explicit prefix (never replaced: a collision fails); undefined = keep or choose. */
  targetPrefix: string | undefined;
  skipFormat: boolean;
  /** Cores of this machine, for the suggested shard counts. */
  cores: number;
}

export function normalizeOptions(
  options: InitGeneratorSchema,
  defaultNames: readonly string[],
  cores: number = availableParallelism(),
): NormalizedInitOptions {
  const categories = splitList(options.categories);
  if (categories !== undefined) {
    const unknown = categories.filter((name) => !defaultNames.includes(name));
    if (unknown.length > 0) {
      throw new Error(
        `--categories: ${unknown.map((n) => JSON.stringify(n)).join(', ')} ${unknown.length > 1 ? 'are not default categories' : 'is not a default category'} (${defaultNames.join(', ')}). ` +
          `Add a custom category after init with "nx g @shardwise/nx:category --name <name> --include <glob>".`,
      );
    }
  }
  if (
    options.shards !== undefined &&
    (!Number.isInteger(options.shards) || options.shards < 1 || options.shards > 512)
  ) {
    throw new Error(`--shards: expected an integer from 1 to 512, got ${String(options.shards)}`);
  }
  return {
    categories,
    shards: options.shards,
    targetPrefix: options.targetPrefix,
    skipFormat: options.skipFormat ?? false,
    cores: Math.max(1, cores),
  };
}
