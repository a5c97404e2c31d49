/**
 * `shardwise report --merge <dirs…>`: shard reports (one per CI machine or Nx shard target) merged
 * into one run report. Each shard's workers are renumbered after the previous shard's and its
 * times moved onto a shared timeline (by `startedAt`), so the merged timeline shows every machine.
 * Summary counts are recomputed from the merged files, never added up from the summaries.
 *
 * Extra work on a merge (coverage, …) plugs in as a `MergeStep`, run after the merged report is
 * written, with the sources and the output folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { formatIssues } from '../config/format-issues';
import {
  REPORT_SCHEMA_VERSION,
  runReportSchema,
  type ReportFile,
  type ReportTest,
  type RunReport,
} from './report-schema';

export interface ShardReportSource {
  /** The folder that holds this report.json. */
  dir: string;
  report: RunReport;
}

export interface MergeContext {
  sources: readonly ShardReportSource[];
  merged: RunReport;
  /** The merged run's report folder (report.json, junit.xml and report.html are written). */
  outDir: string;
}

export type MergeStep = (context: MergeContext) => void | Promise<void>;

/**
 * A report folder or a run folder: `<dir>/report.json`, else the run `<dir>/latest` points at.
 * The JSON is validated; errors name the file and the key.
 */
export function readShardReport(dir: string): ShardReportSource {
  const absolute = resolve(dir);
  let runDir = absolute;
  if (!existsSync(join(absolute, 'report.json'))) {
    const latest = join(absolute, 'latest');
    if (!existsSync(latest)) {
      throw new UsageError(
        `${dir}: no report.json and no "latest" pointer; expected a run folder or a report folder (like .shardwise/reports/<project>/<target>)`,
      );
    }
    runDir = join(absolute, readFileSync(latest, 'utf8').trim());
  }
  return { dir: runDir, report: readReportJson(join(runDir, 'report.json')) };
}

export function readReportJson(path: string): RunReport {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`${path}: not a readable JSON report (${(error as Error).message})`);
  }
  const parsed = runReportSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      `not a Shardwise report of schemaVersion ${REPORT_SCHEMA_VERSION}:\n  ${formatIssues(parsed.error.issues, raw, path).slice(0, 10).join('\n  ')}`,
    );
  }
  return parsed.data;
}

/** Picks one entry when two shards report the same file: a run beats a cache hit, then the later. */
function preferred(a: ReportFile, b: ReportFile): ReportFile {
  if (a.cached !== b.cached) return a.cached ? b : a;
  return (b.endMs ?? 0) >= (a.endMs ?? 0) ? b : a;
}

export function mergeRunReports(sources: readonly ShardReportSource[], runId: string): RunReport {
  if (sources.length === 0) throw new UsageError('report --merge: expected at least one folder');
  const startOf = (r: RunReport) => Date.parse(r.startedAt);
  const ordered = [...sources].sort((a, b) => startOf(a.report) - startOf(b.report));
  const origin = startOf(ordered[0]!.report);
  const byPath = new Map<string, ReportFile>();
  const samples: RunReport['samples'] = [];
  const mergedFrom: NonNullable<RunReport['mergedFrom']> = [];
  let workerOffset = 0;
  let end = 0;
  let cpuMs = 0;
  let busySlotMs = 0;
  let initialSlots = 0;
  let maxSlots = 0;
  let interrupted = false;
  for (const { dir, report } of ordered) {
    const timeOffsetMs = Math.max(0, startOf(report) - origin);
    for (const file of report.files) {
      const moved: ReportFile = {
        ...file,
        workerId: file.workerId === null ? null : file.workerId + workerOffset,
        startMs: file.startMs === null ? null : file.startMs + timeOffsetMs,
        endMs: file.endMs === null ? null : file.endMs + timeOffsetMs,
      };
      const existing = byPath.get(file.path);
      byPath.set(file.path, existing === undefined ? moved : preferred(existing, moved));
    }
    for (const sample of report.samples) samples.push({ ...sample, t: sample.t + timeOffsetMs });
    mergedFrom.push({
      runId: report.runId,
      dir,
      startedAt: report.startedAt,
      wallMs: report.summary.wallMs,
      files: report.files.length,
      workerOffset,
      timeOffsetMs,
    });
    workerOffset += report.pool.maxSlots;
    end = Math.max(end, timeOffsetMs + report.summary.wallMs);
    cpuMs += report.summary.cpuMs;
    busySlotMs +=
      report.utilisation.busySlotFraction * report.pool.maxSlots * report.summary.wallMs;
    initialSlots += report.pool.initialSlots;
    maxSlots += report.pool.maxSlots;
    interrupted ||= report.summary.status === 'interrupted';
  }
  const files = [...byPath.values()].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  const count = (status: ReportTest['status']) =>
    files.reduce((n, f) => n + f.tests.filter((t) => t.status === status).length, 0);
  const notRunFiles = files.filter((f) => f.status === 'notRun').length;
  // Flaky tests as each shard counted them, for the files the merge kept.
  const flaky = files
    .filter((f) => f.status === 'flaky')
    .reduce((n, f) => n + Math.max(1, f.flakyTests?.length ?? 1), 0);
  const serialMs = files.reduce(
    (sum, f) => sum + (!f.cached && f.startMs !== null && f.endMs !== null ? f.durationMs : 0),
    0,
  );
  const wallMs = Math.round(end);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId,
    startedAt: new Date(origin).toISOString(),
    workspaceRoot: ordered[0]!.report.workspaceRoot,
    command: ['shardwise', 'report', '--merge', ...ordered.map((s) => s.dir)],
    summary: {
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      todo: count('todo'),
      flaky,
      files: files.length,
      cachedFiles: files.filter((f) => f.cached).length,
      notRunFiles,
      failedFiles: files.filter((f) => f.status === 'failed').length,
      wallMs,
      cpuMs: Math.round(cpuMs),
      status: interrupted ? 'interrupted' : notRunFiles > 0 ? 'partial' : 'complete',
    },
    pool: {
      initialSlots: Math.max(1, initialSlots),
      maxSlots: Math.max(1, maxSlots),
      reason: `merged from ${ordered.length} shard report(s)`,
    },
    files,
    samples: samples.sort((a, b) => a.t - b.t),
    utilisation: {
      parallelEfficiency: wallMs > 0 ? Number((serialMs / wallMs).toFixed(3)) : 0,
      busySlotFraction:
        maxSlots > 0 && wallMs > 0
          ? Number(Math.min(1, busySlotMs / (maxSlots * wallMs)).toFixed(3))
          : 0,
    },
    mergedFrom,
  };
}

/** Every folder must exist: a typo in a CI script should fail loudly, not merge fewer shards. */
export function readShardReports(dirs: readonly string[]): ShardReportSource[] {
  return dirs.map((dir) => {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`report --merge: ${dir} is not a folder`);
    return readShardReport(dir);
  });
}
