/**
 * Plugin functions, as the original system allowed: a custom classification of test files
 * (`classify(file) → 'cpu' | 'io'`) and a worker-count hook (`workers(machine) → number`).
 * JSON (nx.json, shardwise.config.json) cannot hold functions, so the config names a module
 * (`"hooks": "./shardwise.hooks.js"`) and this file loads and validates it. The programmatic API
 * also takes the functions directly.
 */
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../errors';

/** What `classify` sees of a test file. */
export interface ClassifiedFile {
  /** Workspace-relative path. */
  path: string;
  project: string;
  category: string;
}

/** What the machine offers, for the `workers` hook. */
export interface MachineInfo {
  /** `os.availableParallelism()`. */
  cpus: number;
  /** Cores allowed by the container's CPU quota; undefined when unlimited. */
  cpuQuota: number | undefined;
  /** Total and currently available memory, MiB (the container limit where lower). */
  memoryMb: number;
  availableMemoryMb: number;
  /** The slot count Shardwise would use without the hook, and its ceiling. */
  suggested: number;
  cap: number;
  /** Test files this run will execute (cache hits excluded). */
  files: number;
}

export type FileKind = 'cpu' | 'io';

export interface ShardwiseHooks {
  /**
   * CPU-bound files run at most one per core (times the preset's slots per core); I/O-bound files
   * may use the oversubscribed pool. Files the hook does not classify are not limited.
   */
  classify?: (file: ClassifiedFile) => FileKind;
  /** A fixed slot count for this run (1..1024), in place of the adaptive pool. */
  workers?: (machine: MachineInfo) => number;
}

const aFunction = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function');
const hooksModuleSchema = z.looseObject({
  classify: aFunction.optional(),
  workers: aFunction.optional(),
});

const kindSchema = z.enum(['cpu', 'io']);
const workersSchema = z.number().int().min(1).max(1024);

/** Loads the module named by the config's `hooks` key (relative to the workspace root). */
export async function loadHooks(
  workspaceRoot: string,
  modulePath: string | undefined,
): Promise<ShardwiseHooks> {
  if (modulePath === undefined) return {};
  const absolute = isAbsolute(modulePath) ? modulePath : join(workspaceRoot, modulePath);
  let loaded: unknown;
  try {
    loaded = await import(pathToFileURL(absolute).href);
  } catch (error) {
    throw new ConfigError(
      `hooks: cannot load "${modulePath}" (${absolute}): ${(error as Error).message}`,
    );
  }
  // A CommonJS module's exports arrive as `default` (and, when statically analysable, as names).
  const namespace = loaded as Record<string, unknown>;
  const candidate =
    namespace['classify'] === undefined &&
    namespace['workers'] === undefined &&
    typeof namespace['default'] === 'object'
      ? namespace['default']
      : namespace;
  const parsed = hooksModuleSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `hooks: "${modulePath}": export "${String(issue?.path[0] ?? '')}": expected a function`,
    );
  }
  const exports = candidate as ShardwiseHooks;
  if (exports.classify === undefined && exports.workers === undefined) {
    throw new ConfigError(
      `hooks: "${modulePath}": expected it to export "classify" and/or "workers" functions`,
    );
  }
  return {
    ...(exports.classify === undefined ? {} : { classify: exports.classify }),
    ...(exports.workers === undefined ? {} : { workers: exports.workers }),
  };
}

/** Calls `classify` and checks its answer, naming the file when it is not 'cpu' or 'io'. */
export function classifyWith(hooks: ShardwiseHooks, file: ClassifiedFile): FileKind | undefined {
  if (hooks.classify === undefined) return undefined;
  const answer = hooks.classify(file);
  const parsed = kindSchema.safeParse(answer);
  if (!parsed.success) {
    throw new ConfigError(
      `hooks: classify(${JSON.stringify(file.path)}): expected "cpu" or "io", got ${JSON.stringify(answer)}`,
    );
  }
  return parsed.data;
}

/** Calls `workers` and checks its answer is an integer from 1 to 1024. */
export function workersWith(hooks: ShardwiseHooks, machine: MachineInfo): number | undefined {
  if (hooks.workers === undefined) return undefined;
  const answer = hooks.workers(machine);
  const parsed = workersSchema.safeParse(answer);
  if (!parsed.success) {
    throw new ConfigError(
      `hooks: workers(): expected an integer from 1 to 1024, got ${JSON.stringify(answer)}`,
    );
  }
  return parsed.data;
}
