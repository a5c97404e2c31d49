import { splitList } from '../../lib/split-list';
import type { CategoryGeneratorSchema } from '../schema';

export interface NormalizedCategoryOptions {
  name: string;
  /** The category keys to set; keys not given are left as they are. */
  changes: Record<string, unknown>;
  before: string | undefined;
  skipFormat: boolean;
}

export function normalizeOptions(options: CategoryGeneratorSchema): NormalizedCategoryOptions {
  const changes: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) changes[key] = value;
  };
  set('include', splitList(options.include));
  set('exclude', splitList(options.exclude));
  set('shards', options.shards);
  set('optimization', options.optimization);
  set('targetDuration', options.targetDuration);
  set('parallelFactor', options.parallelFactor);
  set('dependsOn', splitList(options.dependsOn));
  set('runner', options.runner);
  const before = options.before?.trim();
  return {
    name: options.name.trim(),
    changes,
    before: before === '' ? undefined : before,
    skipFormat: options.skipFormat ?? false,
  };
}
