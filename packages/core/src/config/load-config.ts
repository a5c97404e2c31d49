/**
 * Finds, parses, validates and normalizes the configuration.
 *
 * Where it lives: the options of the `@shardwise/nx` entry in `nx.json` `plugins`, else
 * `shardwise.config.json` at the workspace root, else the defaults. OPTIMIZED_TEST_* variables
 * override the file. Every failure is a ConfigError naming the file, the key path and what was
 * expected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors';
import {
  DEFAULT_CACHE_DIR,
  DEFAULT_CACHE_TTL_HOURS,
  DEFAULT_CATEGORIES,
  DEFAULT_REPORT_DIR,
  DEFAULT_SHARDS,
  DEFAULT_TARGET_PREFIX,
  DEFAULT_TEST_MATCH,
} from './defaults';
import { readEnvOverrides } from './env';
import { checkConfiguredDirs } from './output-dirs';
import { formatIssues, formatKeyPath } from './format-issues';
import {
  rawConfigSchema,
  type CategoryConfig,
  type RawCategory,
  type RawConfig,
  type ShardwiseConfig,
} from './schema';

export const NX_PLUGIN_NAME = '@shardwise/nx';
export const CONFIG_FILE_NAME = 'shardwise.config.json';

export interface ConfigSource {
  kind: 'nx' | 'file' | 'defaults';
  /** Path relative to the workspace root, or '' for defaults. */
  file: string;
  /** Key path of the options inside the file, e.g. `plugins[0].options`. */
  keyPrefix: string;
}

export interface LoadedConfig {
  config: ShardwiseConfig;
  source: ConfigSource;
}

export interface LoadConfigOptions {
  workspaceRoot: string;
  /** An explicit config file (absolute or relative to the workspace root). */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
}

function readJson(path: string, displayName: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${displayName}: cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${displayName}: expected valid JSON (${(error as Error).message})`);
  }
}

const nxPluginEntry = z.union([
  z.string(),
  z.looseObject({ plugin: z.string(), options: z.unknown().optional() }),
]);

/** Locates the raw options: the nx.json plugin entry, a config file, or nothing. */
export function findRawConfig(options: LoadConfigOptions): { raw: unknown; source: ConfigSource } {
  const root = options.workspaceRoot;
  if (options.configFile !== undefined) {
    const path = join(root, options.configFile);
    const file = relative(root, path) || options.configFile;
    return { raw: readJson(path, file), source: { kind: 'file', file, keyPrefix: '' } };
  }
  const nxJsonPath = join(root, 'nx.json');
  if (existsSync(nxJsonPath)) {
    const nxJson = readJson(nxJsonPath, 'nx.json');
    const plugins =
      nxJson !== null && typeof nxJson === 'object' && 'plugins' in nxJson
        ? (nxJson as { plugins: unknown }).plugins
        : undefined;
    if (Array.isArray(plugins)) {
      for (let i = 0; i < plugins.length; i++) {
        const entry = nxPluginEntry.safeParse(plugins[i]);
        if (!entry.success) continue;
        const name = typeof entry.data === 'string' ? entry.data : entry.data.plugin;
        if (name !== NX_PLUGIN_NAME) continue;
        const raw = typeof entry.data === 'string' ? {} : (entry.data.options ?? {});
        return { raw, source: { kind: 'nx', file: 'nx.json', keyPrefix: `plugins[${i}].options` } };
      }
    }
  }
  const filePath = join(root, CONFIG_FILE_NAME);
  if (existsSync(filePath)) {
    return {
      raw: readJson(filePath, CONFIG_FILE_NAME),
      source: { kind: 'file', file: CONFIG_FILE_NAME, keyPrefix: '' },
    };
  }
  return { raw: {}, source: { kind: 'defaults', file: '', keyPrefix: '' } };
}

function parseRaw(input: unknown, sourceName: string, keyPrefix: string): RawConfig {
  const parsed = rawConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = formatIssues(parsed.error.issues, input, sourceName, keyPrefix);
    throw new ConfigError(`Invalid Shardwise configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

/** A `paths` entry without glob characters is a folder: every test file below it. */
function pathToGlob(path: string): string {
  if (/[*?{}[\]!]/.test(path)) return path;
  return `${path.replace(/\/+$/, '')}/**`;
}

function normalizeCategory(
  name: string,
  raw: RawCategory,
  defaults: ShardwiseConfig['optimization'],
  where: (key: string) => string,
): CategoryConfig {
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`Invalid Shardwise configuration:\n  ${where(key)}: ${message}`);
  };
  if (raw.targetDuration !== undefined && raw.target_duration !== undefined) {
    fail('target_duration', 'expected only one of "targetDuration" and "target_duration"');
  }
  if (raw.parallelFactor !== undefined && raw.parallel_factor !== undefined) {
    fail('parallel_factor', 'expected only one of "parallelFactor" and "parallel_factor"');
  }
  let include = [...(raw.include ?? []), ...(raw.paths ?? []).map(pathToGlob)];
  if (include.length === 0) {
    const builtIn = DEFAULT_CATEGORIES.find(([n]) => n === name)?.[1];
    if (builtIn?.include === undefined) {
      fail('include', `expected "include" or "paths" for the custom category "${name}"`);
    }
    include = [...(builtIn?.include ?? [])];
  }
  return {
    name,
    include,
    exclude: raw.exclude ?? [],
    optimization: raw.optimization ?? defaults,
    targetDuration: raw.targetDuration ?? raw.target_duration,
    parallelFactor: raw.parallelFactor ?? raw.parallel_factor ?? 1,
    shards: raw.shards ?? DEFAULT_SHARDS,
    runner: raw.runner,
    inputs: raw.inputs,
    env: raw.env ?? [],
    dependsOn: raw.dependsOn ?? [],
    retries: raw.retries,
    timeoutMs: raw.timeoutMs,
    quarantine: raw.quarantine ?? [],
  };
}

/** Folds aliases, applies defaults and checks cross-key rules (dependsOn names, one of two aliases). */
export function normalizeConfig(
  raw: RawConfig,
  sourceName: string,
  keyPrefix: string,
): ShardwiseConfig {
  const where = (path: PropertyKey[]) => `${sourceName}: ${formatKeyPath(path, keyPrefix)}`;
  if (raw.categories !== undefined && raw.OPTIMIZED_TEST_CATEGORIES !== undefined) {
    throw new ConfigError(
      `Invalid Shardwise configuration:\n  ${where(['OPTIMIZED_TEST_CATEGORIES'])}: expected only one of "categories" and "OPTIMIZED_TEST_CATEGORIES"`,
    );
  }
  const categoriesKey = raw.categories !== undefined ? 'categories' : 'OPTIMIZED_TEST_CATEGORIES';
  const rawCategories = raw.categories ?? raw.OPTIMIZED_TEST_CATEGORIES;
  const optimization = raw.optimization ?? 'balanced';
  const entries: Array<readonly [string, RawCategory]> =
    rawCategories !== undefined ? Object.entries(rawCategories) : [...DEFAULT_CATEGORIES];
  if (entries.length === 0) {
    throw new ConfigError(
      `Invalid Shardwise configuration:\n  ${where([categoriesKey])}: expected at least one category`,
    );
  }
  const categories = entries.map(([name, category]) =>
    normalizeCategory(name, category, optimization, (key) => where([categoriesKey, name, key])),
  );
  const names = new Set(categories.map((c) => c.name));
  for (const category of categories) {
    for (const [i, dependency] of category.dependsOn.entries()) {
      if (!names.has(dependency) || dependency === category.name) {
        throw new ConfigError(
          `Invalid Shardwise configuration:\n  ${where([categoriesKey, category.name, 'dependsOn', i])}: expected the name of another configured category (${[...names].join(', ')}), got ${JSON.stringify(dependency)}`,
        );
      }
    }
  }
  assertNoDependencyCycle(categories, (name) => where([categoriesKey, name, 'dependsOn']));
  return {
    categories,
    testMatch: raw.testMatch ?? DEFAULT_TEST_MATCH,
    ignore: raw.ignore ?? [],
    optimization,
    runner: raw.runner,
    inputs: raw.inputs ?? [],
    env: raw.env ?? [],
    cacheDir: raw.cacheDir ?? DEFAULT_CACHE_DIR,
    reportDir: raw.reportDir ?? DEFAULT_REPORT_DIR,
    targetPrefix: raw.targetPrefix ?? DEFAULT_TARGET_PREFIX,
    workers: raw.workers,
    maxWorkers: raw.maxWorkers,
    memoryPerWorkerMb: raw.memoryPerWorkerMb,
    failFastThreshold: raw.failFastThreshold,
    cacheTtlHours: raw.cacheTtlHours ?? DEFAULT_CACHE_TTL_HOURS,
    resourceMonitoring: raw.resourceMonitoring ?? true,
    strictIsolation: raw.strictIsolation ?? false,
    debugMode: raw.debugMode ?? false,
    profileExecution: raw.profileExecution ?? false,
    hooks: raw.hooks,
    costs: {
      ciMinute: raw.costs?.ciMinute,
      developerHour: raw.costs?.developerHour,
      currency: raw.costs?.currency ?? 'USD',
    },
  };
}

function assertNoDependencyCycle(
  categories: CategoryConfig[],
  where: (name: string) => string,
): void {
  const byName = new Map(categories.map((c) => [c.name, c]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' → ');
      throw new ConfigError(
        `Invalid Shardwise configuration:\n  ${where(name)}: expected no dependency cycle, got ${cycle}`,
      );
    }
    state.set(name, 'visiting');
    for (const dependency of byName.get(name)?.dependsOn ?? []) visit(dependency, [...path, name]);
    state.set(name, 'done');
  };
  for (const category of categories) visit(category.name, []);
}

/**
 * Validates raw options (from any source) and the environment, and returns the normalized config.
 * The Nx plugin calls this with its options; the CLI calls `loadConfig`.
 */
export function resolveConfig(
  raw: unknown,
  source: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): ShardwiseConfig {
  const sourceName = source.file === '' ? '(defaults)' : source.file;
  const fromFile = parseRaw(raw, sourceName, source.keyPrefix);
  const overrides = readEnvOverrides(env);
  const { OPTIMIZED_TEST_CATEGORIES: envCategories, ...envKeys } = overrides;
  const merged: RawConfig = { ...fromFile, ...envKeys };
  if (envCategories !== undefined) {
    const parsedCategories = parseRaw(
      { categories: envCategories },
      'OPTIMIZED_TEST_CATEGORIES',
      '',
    ).categories;
    delete merged.OPTIMIZED_TEST_CATEGORIES;
    merged.categories = parsedCategories;
    return normalizeConfig(merged, 'OPTIMIZED_TEST_CATEGORIES', '');
  }
  return normalizeConfig(merged, sourceName, source.keyPrefix);
}

export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const { raw, source } = findRawConfig(options);
  const env = options.env ?? process.env;
  const config = resolveConfig(raw, source, env);
  // Where Shardwise may write (output-dirs.ts): checked before any command writes a file.
  checkConfiguredDirs(config, { ...source, workspaceRoot: options.workspaceRoot, env });
  return { config, source };
}
