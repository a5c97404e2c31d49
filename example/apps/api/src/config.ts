export interface Config {
  readonly port: number;
  readonly host: string;
  readonly taxRate: number;
  readonly bodyLimitBytes: number;
  readonly repositoryLatencyMs: number;
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new Error(`${name} must be a number from 0 to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads the API's settings from the environment; bad values fail at start-up, by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: number(env, 'PORT', 3000, 65535),
    host: env.HOST || '127.0.0.1',
    taxRate: number(env, 'TAX_RATE', 0.2, 1),
    bodyLimitBytes: number(env, 'BODY_LIMIT_BYTES', 64 * 1024, 16 * 1024 * 1024),
    repositoryLatencyMs: number(env, 'REPOSITORY_LATENCY_MS', 0, 10_000),
  };
}
