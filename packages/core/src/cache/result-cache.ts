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
});
export type CachedResult = z.infer<typeof entrySchema>;

export function resultCacheKey(closureHash: string, passThrough: readonly string[]): string {
  return hashParts(['result-v1', closureHash, ...passThrough]);
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
  putPass(key: string, path: string, durationMs: number, tests: ReportTest[]): void {
    const entry: CachedResult = {
      version: 1,
      key,
      path,
      recordedAt: this.now(),
      durationMs,
      tests,
    };
    writeFileAtomic(this.fileOf(key), JSON.stringify(entry));
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  stats(): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    let shards: string[];
    try {
      shards = readdirSync(this.dir);
    } catch {
      return { entries, bytes };
    }
    for (const shard of shards) {
      for (const file of readdirSync(join(this.dir, shard))) {
        if (!file.endsWith('.json')) continue;
        entries++;
        bytes += statSync(join(this.dir, shard, file)).size;
      }
    }
    return { entries, bytes };
  }
}
