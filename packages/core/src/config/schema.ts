/**
 * The configuration schema: the single source of truth for every key Shardwise reads, whether it
 * comes from the Nx plugin options in `nx.json` or from `shardwise.config.json`. Raw input is
 * validated here with strict objects (unknown keys are errors) and then normalized by
 * `normalizeConfig` into `ShardwiseConfig`, the shape the rest of the engine uses.
 */
import { z } from 'zod';

export const OPTIMIZATION_LEVELS = [
  'ultra_fast',
  'aggressive',
  'balanced',
  'conservative',
] as const;
export type OptimizationLevel = (typeof OPTIMIZATION_LEVELS)[number];

export const RUNNER_NAMES = ['jest', 'vitest', 'node'] as const;
export type RunnerName = (typeof RUNNER_NAMES)[number];

/** A glob or path relative to the project root (Nx) or the config file's folder. */
const relativePattern = z
  .string()
  .min(1, 'expected a non-empty glob')
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p), {
    message: 'expected a relative glob, got an absolute path',
  })
  .refine((p) => !p.split(/[\\/]/).includes('..'), {
    message: 'expected a glob inside the project; ".." segments are not allowed',
  });

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name like MY_VAR');

const categoryName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    'expected a category name of letters, digits, "_" and "-" (it becomes part of target names)',
  )
  .refine((n) => !n.includes('--'), {
    message: 'expected a category name without "--" (it separates shard target names)',
  });

const seconds = z.number().positive().max(86_400);

export const runnerSchema = z.union([
  z.enum(RUNNER_NAMES),
  z.strictObject({
    /** A command that runs the given files and writes JUnit XML: `{files}` and `{junit}` are replaced. */
    command: z.string().min(1, 'expected a command such as "pytest {files} --junitxml={junit}"'),
  }),
]);
export type RunnerOverride = z.infer<typeof runnerSchema>;

export const rawCategorySchema = z.strictObject({
  /** Globs (relative to the project root) selecting this category's test files. */
  include: z.array(relativePattern).optional(),
  /** The original system's key: folders or globs; a folder means every test file below it. */
  paths: z.array(relativePattern).optional(),
  exclude: z.array(relativePattern).optional(),
  optimization: z.enum(OPTIMIZATION_LEVELS).optional(),
  /** Wall time, in seconds, that one shard of this category should take. */
  targetDuration: seconds.optional(),
  target_duration: seconds.optional(),
  /** Multiplies the slot count for this category (I/O-bound suites take more than one per core). */
  parallelFactor: z.number().positive().max(64).optional(),
  parallel_factor: z.number().positive().max(64).optional(),
  /** Fixed shard count: shard targets are numbered 1..shards. Default 1. */
  shards: z.number().int().min(1).max(512).optional(),
  runner: runnerSchema.optional(),
  /** Narrows the non-code inputs of this category's tests (default: every non-code project file). */
  inputs: z.array(relativePattern).optional(),
  /** Environment variables whose values can change results; they join the cache key. */
  env: z.array(envName).optional(),
  /** Categories that must pass before this one runs (integration on smoke). */
  dependsOn: z.array(categoryName).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  /** Test files (globs) whose failures are reported but do not fail the run. */
  quarantine: z.array(relativePattern).optional(),
});
export type RawCategory = z.infer<typeof rawCategorySchema>;

const categoriesSchema = z.record(categoryName, rawCategorySchema);

export const rawConfigSchema = z.strictObject({
  categories: categoriesSchema.optional(),
  /** The original system's name for `categories`. */
  OPTIMIZED_TEST_CATEGORIES: categoriesSchema.optional(),
  /** Which files are test files (globs relative to the project root). */
  testMatch: z.array(relativePattern).min(1).optional(),
  /** Files never looked at (globs relative to the workspace root), on top of node_modules etc. */
  ignore: z.array(relativePattern).optional(),
  optimization: z.enum(OPTIMIZATION_LEVELS).optional(),
  runner: runnerSchema.optional(),
  inputs: z.array(relativePattern).optional(),
  env: z.array(envName).optional(),
  cacheDir: z.string().min(1).optional(),
  reportDir: z.string().min(1).optional(),
  targetPrefix: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a target name prefix such as "test"')
    .optional(),
  workers: z.number().int().min(1).max(1024).optional(),
  maxWorkers: z.number().int().min(1).max(1024).optional(),
  memoryPerWorkerMb: z.number().int().min(64).max(1_048_576).optional(),
  failFastThreshold: z.number().int().min(1).max(1_000_000).optional(),
  cacheTtlHours: z.number().positive().max(87_600).optional(),
  resourceMonitoring: z.boolean().optional(),
  strictIsolation: z.boolean().optional(),
  debugMode: z.boolean().optional(),
  profileExecution: z.boolean().optional(),
  /**
   * A JavaScript module (path relative to the workspace root) exporting plugin functions:
   * `classify(file) → 'cpu' | 'io'` and `workers(machine) → number`. JSON cannot hold functions.
   */
  hooks: z
    .string()
    .regex(
      /\.(c|m)?js$/,
      'expected a path to a .js, .cjs or .mjs module such as "./shardwise.hooks.js"',
    )
    .optional(),
  costs: z
    .strictObject({
      ciMinute: z.number().nonnegative().optional(),
      developerHour: z.number().nonnegative().optional(),
      currency: z.string().min(1).max(8).optional(),
    })
    .optional(),
});
export type RawConfig = z.infer<typeof rawConfigSchema>;

/** One category after normalization: aliases folded, defaults applied. */
export interface CategoryConfig {
  name: string;
  include: string[];
  exclude: string[];
  optimization: OptimizationLevel;
  /** Seconds; undefined when not configured. */
  targetDuration: number | undefined;
  parallelFactor: number;
  shards: number;
  runner: RunnerOverride | undefined;
  /** undefined = every non-code file of the project is an input; an array narrows that. */
  inputs: string[] | undefined;
  env: string[];
  dependsOn: string[];
  retries: number | undefined;
  timeoutMs: number | undefined;
  quarantine: string[];
}

/** The configuration the engine uses. Categories keep their configured order: first match wins. */
export interface ShardwiseConfig {
  categories: CategoryConfig[];
  testMatch: string[];
  ignore: string[];
  optimization: OptimizationLevel;
  runner: RunnerOverride | undefined;
  inputs: string[];
  env: string[];
  cacheDir: string;
  reportDir: string;
  targetPrefix: string;
  workers: number | undefined;
  maxWorkers: number | undefined;
  memoryPerWorkerMb: number | undefined;
  failFastThreshold: number | undefined;
  cacheTtlHours: number;
  resourceMonitoring: boolean;
  strictIsolation: boolean;
  debugMode: boolean;
  profileExecution: boolean;
  /** Module path of the plugin functions (see api/hooks.ts); undefined when none. */
  hooks: string | undefined;
  costs: { ciMinute: number | undefined; developerHour: number | undefined; currency: string };
}
