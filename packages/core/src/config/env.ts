/**
 * The original system's environment variables, honoured with the same meaning. Each maps onto a
 * config key; a bad value is a configuration error that names the variable.
 */
import { z } from 'zod';
import { ConfigError } from '../errors';
import type { RawConfig } from './schema';

const positiveInt = z.coerce.number().int().min(1);
const booleanText = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

interface EnvBinding {
  variable: string;
  key: keyof RawConfig;
  schema: z.ZodType;
  expected: string;
}

export const ENV_BINDINGS: readonly EnvBinding[] = [
  {
    variable: 'OPTIMIZED_TEST_CACHE_DIR',
    key: 'cacheDir',
    schema: z.string().min(1),
    expected: 'a folder path',
  },
  {
    variable: 'OPTIMIZED_TEST_MAX_WORKERS',
    key: 'maxWorkers',
    schema: positiveInt.max(1024),
    expected: 'an integer from 1 to 1024',
  },
  {
    variable: 'OPTIMIZED_TEST_MEMORY_PER_WORKER',
    key: 'memoryPerWorkerMb',
    schema: z.coerce.number().int().min(64).max(1_048_576),
    expected: 'megabytes, an integer from 64',
  },
  {
    variable: 'OPTIMIZED_TEST_CACHE_TTL_HOURS',
    key: 'cacheTtlHours',
    schema: z.coerce.number().positive().max(87_600),
    expected: 'a positive number of hours',
  },
  {
    variable: 'OPTIMIZED_TEST_FAIL_FAST_THRESHOLD',
    key: 'failFastThreshold',
    schema: positiveInt.max(1_000_000),
    expected: 'a positive integer (failures before stopping)',
  },
  {
    variable: 'OPTIMIZED_TEST_RESOURCE_MONITORING',
    key: 'resourceMonitoring',
    schema: booleanText,
    expected: 'true or false',
  },
  {
    variable: 'OPTIMIZED_TEST_STRICT_ISOLATION',
    key: 'strictIsolation',
    schema: booleanText,
    expected: 'true or false',
  },
  {
    variable: 'OPTIMIZED_TEST_DEBUG_MODE',
    key: 'debugMode',
    schema: booleanText,
    expected: 'true or false',
  },
  {
    variable: 'OPTIMIZED_TEST_PROFILE_EXECUTION',
    key: 'profileExecution',
    schema: booleanText,
    expected: 'true or false',
  },
];

/** Reads OPTIMIZED_TEST_* into config keys; throws one ConfigError listing every bad variable. */
export function readEnvOverrides(env: NodeJS.ProcessEnv): Partial<RawConfig> {
  const overrides: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.variable];
    if (raw === undefined || raw === '') continue;
    const parsed = binding.schema.safeParse(raw);
    if (parsed.success) overrides[binding.key] = parsed.data;
    else
      problems.push(
        `${binding.variable}: expected ${binding.expected}, got ${JSON.stringify(raw)}`,
      );
  }
  const categoriesJson = env['OPTIMIZED_TEST_CATEGORIES'];
  if (categoriesJson !== undefined && categoriesJson !== '') {
    try {
      overrides['OPTIMIZED_TEST_CATEGORIES'] = JSON.parse(categoriesJson) as unknown;
    } catch (error) {
      problems.push(
        `OPTIMIZED_TEST_CATEGORIES: expected JSON like {"unit":{"paths":["tests/unit"]}}, got invalid JSON (${(error as Error).message})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid environment configuration:\n  ${problems.join('\n  ')}`);
  }
  return overrides as Partial<RawConfig>;
}
