/**
 * The result cache: a recorded pass per key, where the key is a test file's closure hash (which
 * already covers the runner, its version, the config and result-changing env) plus the arguments
 * passed through to the runner. Only passes are stored: failures always run again.
 *
 * One file per entry, written atomically, and validated when read: an entry that does not parse,
 * does not match the schema, names another key, or is older than the TTL is a miss (and is
 * removed), never a pass.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { storedCoverageSchema, type StoredCoverage } from './coverage-maps';
import { reportTestSchema, type ReportTest } from '../report/report-schema';
import { writeFileAtomic } from '../util/atomic-write';
import { hashParts } from '../util/hash';

const entrySchema = z.strictObject({
  version: z.literal(1),
  key: z.string(),
  path: z.string(),
  recordedAt: z.number(),
  durationMs: z.number().nonnegative(),
  tests: z.array(reportTestSchema),
  /** The test file's own coverage, when the run collected it: counts (see coverage-maps.ts). */
  coverage: storedCoverageSchema.optional(),
});
export type CachedResult = z.infer<typeof entrySchema>;

export interface ResultKeyOptions {
  /** A coverage run: its passes carry coverage, so they are kept apart from plain passes. */
  coverage?: boolean;
}

export function resultCacheKey(
  closureHash: string,
  passThrough: readonly string[],
  options: ResultKeyOptions = {},
): string {
  // '--' keeps a pass-through argument "coverage" from meaning the coverage mode.
  const mode = options.coverage === true ? ['coverage'] : [];
  return hashParts(['result-v1', closureHash, ...mode, '--', ...passThrough]);
}

export interface ResultCacheStats {
  entries: number;
  bytes: number;
  /** When the oldest and newest entries were written (ms since the epoch). */
  oldestMs: number | undefined;
  newestMs: number | undefined;
}

export class ResultCache {
  private readonly dir: string;

  constructor(
    cacheDir: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = join(cacheDir, 'results');
  }

  private fileOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): CachedResult | undefined {
    const file = this.fileOf(key);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') rmSync(file, { force: true });
      return undefined;
    }
    const parsed = entrySchema.safeParse(raw);
    const valid =
      parsed.success &&
      parsed.data.key === key &&
      this.now() - parsed.data.recordedAt <= this.ttlMs &&
      parsed.data.tests.every((t) => t.status !== 'failed');
    if (!valid) {
      rmSync(file, { force: true });
      return undefined;
    }
    return parsed.data;
  }

  /** Records a pass. Callers must only call this for a file whose every test passed or skipped. */
  putPass(
    key: string,
    path: string,
    durationMs: number,
    tests: ReportTest[],
    coverage?: StoredCoverage,
  ): void {
    const entry: CachedResult = {
      version: 1,
      key,
      path,
      recordedAt: this.now(),
      durationMs,
      tests,
      ...(coverage === undefined ? {} : { coverage }),
    };
    writeFileAtomic(this.fileOf(key), JSON.stringify(entry));
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Entries on disk (expired ones included until a read removes them), bytes, oldest write. */
  stats(): ResultCacheStats {
    let entries = 0;
    let bytes = 0;
    let oldestMs: number | undefined;
    let newestMs: number | undefined;
    let shards: string[];
    try {
      shards = readdirSync(this.dir);
    } catch {
      return { entries, bytes, oldestMs, newestMs };
    }
    for (const shard of shards) {
      let files: string[];
      try {
        files = readdirSync(join(this.dir, shard));
      } catch {
        continue; // A stray file, or removed meanwhile by another run.
      }
      for (const file of files) {
        if (!file.endsWith('.json')) continue;
        let stat;
        try {
          stat = statSync(join(this.dir, shard, file));
        } catch {
          continue;
        }
        entries++;
        bytes += stat.size;
        oldestMs = Math.min(oldestMs ?? Infinity, stat.mtimeMs);
        newestMs = Math.max(newestMs ?? -Infinity, stat.mtimeMs);
      }
    }
    return { entries, bytes, oldestMs, newestMs };
  }
}
