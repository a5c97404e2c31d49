/**
 * Local run history per test file: recent duration, runs, failures, flaky passes and the last
 * status. It orders the next run (failed first, longest first) and feeds `shardwise timings
 * update`; it never moves a file between shards by itself (the committed timings file does).
 * Updated under a file lock, since Nx may run several shards at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write';
import { withFileLock } from '../util/file-lock';
import type { RunReport } from '../report/report-schema';

const fileHistorySchema = z.strictObject({
  /** Exponentially weighted duration of recent runs that ran (not cached), ms. */
  durationMs: z.number().nonnegative(),
  runs: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  flaky: z.number().int().nonnegative(),
  lastStatus: z.enum(['passed', 'failed', 'skipped', 'flaky', 'notRun', 'quarantined']),
  lastRunAt: z.number(),
});
export type FileHistory = z.infer<typeof fileHistorySchema>;

const historySchema = z.strictObject({
  version: z.literal(1),
  files: z.record(z.string(), fileHistorySchema),
});

export interface FileOutcome {
  path: string;
  durationMs: number;
  status: FileHistory['lastStatus'];
}

/** Weight of the newest run in the moving average. */
const NEWEST_WEIGHT = 0.5;

export class TimingHistory {
  private readonly file: string;

  constructor(cacheDir: string) {
    this.file = join(cacheDir, 'history', 'files.json');
  }

  /** The recorded history; a missing, corrupt or foreign file reads as empty (and is rebuilt). */
  read(): Map<string, FileHistory> {
    try {
      const parsed = historySchema.safeParse(
        JSON.parse(readFileSync(this.file, 'utf8')) as unknown,
      );
      return parsed.success ? new Map(Object.entries(parsed.data.files)) : new Map();
    } catch {
      return new Map();
    }
  }

  /** Merges the outcomes of files that ran (cached and not-run files are not timings). */
  record(outcomes: readonly FileOutcome[], now: number): void {
    if (outcomes.length === 0) return;
    withFileLock(this.file, () => {
      const files = this.read();
      for (const outcome of outcomes) {
        const previous = files.get(outcome.path);
        const ran = outcome.status !== 'notRun';
        files.set(outcome.path, {
          durationMs:
            previous === undefined || !ran
              ? (previous?.durationMs ?? outcome.durationMs)
              : Math.round(
                  NEWEST_WEIGHT * outcome.durationMs + (1 - NEWEST_WEIGHT) * previous.durationMs,
                ),
          runs: (previous?.runs ?? 0) + (ran ? 1 : 0),
          failures: (previous?.failures ?? 0) + (outcome.status === 'failed' ? 1 : 0),
          flaky: (previous?.flaky ?? 0) + (outcome.status === 'flaky' ? 1 : 0),
          lastStatus: outcome.status,
          lastRunAt: now,
        });
      }
      const sorted: Record<string, FileHistory> = {};
      for (const path of [...files.keys()].sort()) sorted[path] = files.get(path)!;
      writeFileAtomic(this.file, JSON.stringify({ version: 1, files: sorted }));
    });
  }
}

/**
 * Merges the timings of a run report produced elsewhere (an Nx task restored from the remote
 * cache: it ran on another machine). Files served from a cache and files that never ran are not
 * timings. Returns how many files were recorded.
 */
export function recordReportTimings(
  cacheDir: string,
  report: Pick<RunReport, 'files'>,
  now: number,
): number {
  const outcomes: FileOutcome[] = report.files
    .filter((f) => !f.cached && f.status !== 'notRun')
    .map((f) => ({ path: f.path, durationMs: f.durationMs, status: f.status }));
  new TimingHistory(cacheDir).record(outcomes, now);
  return outcomes.length;
}
