/**
 * The committed timings file, `shardwise-timings.json` at the workspace root: per-file durations in
 * milliseconds, rounded, keys sorted, so that it diffs cleanly and shard membership is a pure
 * function of committed data. Local history never changes it; `shardwise timings update` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatIssues } from '../config/format-issues';
import { ConfigError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';

export const TIMINGS_FILE = 'shardwise-timings.json';
/** Durations are stored rounded to this many milliseconds, so tiny jitter does not churn the file. */
const ROUNDING_MS = 10;

const timingsSchema = z.strictObject({
  version: z.literal(1),
  files: z.record(z.string().min(1), z.number().int().nonnegative()),
});

export type Timings = ReadonlyMap<string, number>;

export function readTimings(workspaceRoot: string): Timings {
  const path = join(workspaceRoot, TIMINGS_FILE);
  if (!existsSync(path)) return new Map();
  return parseTimings(readFileSync(path, 'utf8'));
}

/** Parses the timings file's text (for callers that do not read from disk, like generators). */
export function parseTimings(text: string): Timings {
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(
      `${TIMINGS_FILE}: expected valid JSON (${(error as Error).message}); fix it or regenerate it with "shardwise timings update"`,
    );
  }
  const parsed = timingsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = formatIssues(parsed.error.issues, raw, TIMINGS_FILE);
    throw new ConfigError(`Invalid timings file:\n  ${lines.join('\n  ')}`);
  }
  return new Map(Object.entries(parsed.data.files));
}

export function roundDuration(ms: number): number {
  return Math.max(ROUNDING_MS, Math.round(ms / ROUNDING_MS) * ROUNDING_MS);
}

export function writeTimings(workspaceRoot: string, timings: Timings): void {
  const files: Record<string, number> = {};
  for (const path of [...timings.keys()].sort())
    files[path] = roundDuration(timings.get(path) ?? 0);
  writeFileAtomic(
    join(workspaceRoot, TIMINGS_FILE),
    `${JSON.stringify({ version: 1, files }, null, 2)}\n`,
  );
}

const TEST_CALL = /\b(?:it|test)(?:\.(?:each|only|skip|todo|concurrent|failing))*\s*(?:\(|`)/g;

/**
 * An estimate for a file with no recorded timing: a fixed start-up cost, a cost per test case and
 * a cost per kilobyte of source. Deliberately simple; recorded timings replace it after one run.
 */
export function estimateDurationMs(source: string): number {
  const tests = source.match(TEST_CALL)?.length ?? 0;
  return roundDuration(250 + 25 * Math.max(1, tests) + source.length / 100);
}
