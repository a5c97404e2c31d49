/**
 * One line per run in the cache folder: how many selected test files the result cache served and
 * how many ran. `shardwise cache stats` derives the hit rate from it. Lines are appended with one
 * short write (atomic for O_APPEND on local file systems), so concurrent shard runs do not need a
 * lock; a line that does not parse (a torn write after a crash) is skipped.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const runLineSchema = z.strictObject({
  at: z.number(),
  runId: z.string(),
  selected: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative(),
  /** The run read the cache (false under --no-cache, -u, or a preset without it). */
  cacheUsed: z.boolean(),
});
export type RunLogLine = z.infer<typeof runLineSchema>;

export interface HitRate {
  /** Runs that read the cache, among the last `window`. */
  runs: number;
  selected: number;
  cached: number;
  /** cached / selected over those runs; undefined when no file was selected. */
  rate: number | undefined;
}

export class RunLog {
  readonly file: string;

  constructor(cacheDir: string) {
    this.file = join(cacheDir, 'history', 'result-cache-runs.jsonl');
  }

  append(line: RunLogLine): void {
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }

  read(): RunLogLine[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const lines: RunLogLine[] = [];
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      try {
        const parsed = runLineSchema.safeParse(JSON.parse(raw));
        if (parsed.success) lines.push(parsed.data);
      } catch {
        // A torn line: skipped.
      }
    }
    return lines;
  }

  /** Hit rate over the last `window` runs that read the cache. */
  hitRate(window = 50): HitRate {
    const used = this.read()
      .filter((line) => line.cacheUsed)
      .slice(-window);
    const selected = used.reduce((sum, line) => sum + line.selected, 0);
    const cached = used.reduce((sum, line) => sum + line.cached, 0);
    return {
      runs: used.length,
      selected,
      cached,
      rate: selected === 0 ? undefined : cached / selected,
    };
  }
}
