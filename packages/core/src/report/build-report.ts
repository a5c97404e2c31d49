/** Assembles the run report from the scheduler's outcomes, the cache hits and the samples. */
import type { FileOutcome } from '../run/scheduler';
import {
  REPORT_SCHEMA_VERSION,
  type ReportFile,
  type ReportTest,
  type RunReport,
} from './report-schema';

export interface CachedFileEntry {
  path: string;
  project: string;
  category: string;
  shard: number;
  closureHash: string;
  durationMs: number;
  tests: ReportTest[];
}

export interface BuildReportInput {
  runId: string;
  startedAt: Date;
  workspaceRoot: string;
  command: string[];
  outcomes: readonly FileOutcome[];
  cached: readonly CachedFileEntry[];
  interrupted: boolean;
  wallMs: number;
  cpuMs: number;
  pool: RunReport['pool'];
  samples: RunReport['samples'];
  /** Slot-milliseconds during which a slot ran a batch. */
  busySlotMs: number;
}

export function buildReport(input: BuildReportInput): RunReport {
  const files: ReportFile[] = [
    ...input.cached.map((c): ReportFile => ({
      path: c.path,
      project: c.project,
      category: c.category,
      shard: c.shard,
      workerId: null,
      startMs: null,
      endMs: null,
      attempts: 0,
      durationMs: c.durationMs,
      cached: true,
      closureHash: c.closureHash,
      status:
        c.tests.length > 0 && c.tests.every((t) => t.status !== 'passed') ? 'skipped' : 'passed',
      failureCategory: null,
      reason: null,
      tests: c.tests,
    })),
    ...input.outcomes.map((o): ReportFile => ({
      path: o.file.path,
      project: o.file.project,
      category: o.file.category,
      shard: o.file.shard,
      workerId: o.workerId,
      startMs: o.startMs,
      endMs: o.endMs,
      attempts: o.attempts,
      durationMs: o.durationMs,
      cached: false,
      closureHash: o.file.closureHash,
      status: o.status,
      failureCategory: o.failureCategory,
      reason: o.reason,
      tests: o.tests,
      ...(o.status === 'flaky' ? { flakyTests: flakyTestNames(o) } : {}),
    })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const count = (status: ReportTest['status']) =>
    files.reduce((n, f) => n + f.tests.filter((t) => t.status === status).length, 0);
  const notRunFiles = files.filter((f) => f.status === 'notRun').length;
  const failedFiles = files.filter((f) => f.status === 'failed').length;
  const flakyTests = input.outcomes
    .filter((o) => o.status === 'flaky')
    .reduce(
      (n, o) =>
        n + Math.max(1, o.failedAttempts[0]?.filter((t) => t.status === 'failed').length ?? 1),
      0,
    );
  const serialMs = input.outcomes.reduce(
    (sum, o) => sum + (o.endMs !== null && o.startMs !== null ? o.durationMs : 0),
    0,
  );
  const slotCapacityMs = input.pool.maxSlots * input.wallMs;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    workspaceRoot: input.workspaceRoot,
    command: input.command,
    summary: {
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      todo: count('todo'),
      flaky: flakyTests,
      files: files.length,
      cachedFiles: input.cached.length,
      notRunFiles,
      failedFiles,
      wallMs: Math.round(input.wallMs),
      cpuMs: Math.round(input.cpuMs),
      status: input.interrupted ? 'interrupted' : notRunFiles > 0 ? 'partial' : 'complete',
    },
    pool: input.pool,
    files,
    samples: input.samples,
    utilisation: {
      // Serial test time over wall time: how many files ran at once on average.
      parallelEfficiency: input.wallMs > 0 ? Number((serialMs / input.wallMs).toFixed(3)) : 0,
      busySlotFraction:
        slotCapacityMs > 0 ? Number(Math.min(1, input.busySlotMs / slotCapacityMs).toFixed(3)) : 0,
    },
  };
}

/** Tests that failed on some attempt of a file that then passed. */
function flakyTestNames(outcome: FileOutcome): string[] {
  const names = new Set<string>();
  for (const attempt of outcome.failedAttempts)
    for (const test of attempt) if (test.status === 'failed') names.add(test.name);
  return [...names].sort();
}

/** Exit code of a run: 0 all good, 1 any failed file (quarantined and flaky do not count). */
export function exitCodeOf(report: RunReport): number {
  return report.summary.failedFiles > 0 || report.summary.status === 'interrupted' ? 1 : 0;
}
