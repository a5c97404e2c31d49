/**
 * The run history: one JSON line per run in `<cacheDir>/history/runs.jsonl` with the run's
 * timings and outcomes per category and per file that ran. Trends, recommendations and the
 * business metrics are computed from it.
 *
 * Each line carries a checksum of its own content. A line that does not parse, fails the schema or
 * fails its checksum (a torn write from an old tool, a hand edit, a bad disk) is skipped and
 * counted, never trusted. Appending rewrites the file atomically under the file lock, dropping
 * bad lines and the oldest runs beyond the bounds, so concurrent shards never lose a line.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fileStatusSchema, type RunReport } from '../report/report-schema';
import { writeFileAtomic } from '../util/atomic-write';
import { withFileLock } from '../util/file-lock';

export const HISTORY_VERSION = 1;
/** Runs kept; older ones are dropped on append. */
export const MAX_HISTORY_RUNS = 200;
/** Bytes kept: on a large workspace the per-file lines dominate, so the oldest runs go first. */
export const MAX_HISTORY_BYTES = 8 * 2 ** 20;

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

export const categoryHistorySchema = z.strictObject({
  files: count,
  cachedFiles: count,
  ranFiles: count,
  failedFiles: count,
  flakyFiles: count,
  /** Test cases that failed and then passed on a retry. */
  flakyTests: count,
  /** Sum of the run times of the files that ran. */
  ranMs: ms,
  /** Sum of the recorded run times of the files served from the cache. */
  cachedMs: ms,
});
export type CategoryHistory = z.infer<typeof categoryHistorySchema>;

export const fileHistoryEntrySchema = z.strictObject({
  path: z.string(),
  project: z.string(),
  category: z.string(),
  durationMs: ms,
  status: fileStatusSchema,
  attempts: count,
  /** Tests that failed on an attempt of a file that then passed. */
  flakyTests: z.array(z.string()),
});
export type FileHistoryEntry = z.infer<typeof fileHistoryEntrySchema>;

export const runHistoryEntrySchema = z.strictObject({
  v: z.literal(HISTORY_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  wallMs: ms,
  cpuMs: ms,
  status: z.enum(['complete', 'interrupted', 'partial']),
  maxSlots: z.number().int().min(1),
  busySlotFraction: z.number().min(0).max(1),
  parallelEfficiency: ms,
  /** Mean and peak of the run's CPU and memory samples (0–1); null without samples. */
  meanCpu: z.number().min(0).max(1).nullable(),
  peakCpu: z.number().min(0).max(1).nullable(),
  peakMemory: z.number().min(0).max(1).nullable(),
  categories: z.record(z.string(), categoryHistorySchema),
  /** Files that ran (cached and not-run files are in the category counts only). */
  files: z.array(fileHistoryEntrySchema),
});
export type RunHistoryEntry = z.infer<typeof runHistoryEntrySchema>;

export interface HistoryRead {
  /** Valid runs, oldest first. */
  runs: RunHistoryEntry[];
  /** Lines skipped as corrupt: unparsable, not the schema, or a checksum mismatch. */
  skippedLines: number;
}

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/** One history line: the entry's JSON, a tab, and the checksum of that JSON. */
export function encodeHistoryLine(entry: RunHistoryEntry): string {
  const json = JSON.stringify(entry);
  return `${json}\t${checksum(json)}`;
}

export function decodeHistoryLine(line: string): RunHistoryEntry | undefined {
  const tab = line.lastIndexOf('\t');
  if (tab < 0) return undefined;
  const json = line.slice(0, tab);
  if (checksum(json) !== line.slice(tab + 1).trim()) return undefined;
  try {
    const parsed = runHistoryEntrySchema.safeParse(JSON.parse(json) as unknown);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function parseHistory(text: string): HistoryRead {
  const runs: RunHistoryEntry[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = decodeHistoryLine(line);
    if (entry === undefined) skippedLines++;
    else runs.push(entry);
  }
  return { runs, skippedLines };
}

/** A run report as a history entry. */
export function historyEntryOf(report: RunReport): RunHistoryEntry {
  const categories: Record<string, CategoryHistory> = {};
  const files: FileHistoryEntry[] = [];
  for (const file of report.files) {
    const c = (categories[file.category] ??= {
      files: 0,
      cachedFiles: 0,
      ranFiles: 0,
      failedFiles: 0,
      flakyFiles: 0,
      flakyTests: 0,
      ranMs: 0,
      cachedMs: 0,
    });
    c.files++;
    if (file.cached) {
      c.cachedFiles++;
      c.cachedMs += Math.round(file.durationMs);
      continue;
    }
    if (file.status === 'notRun') continue;
    c.ranFiles++;
    c.ranMs += Math.round(file.durationMs);
    if (file.status === 'failed') c.failedFiles++;
    const flakyTests = file.status === 'flaky' ? (file.flakyTests ?? []) : [];
    if (file.status === 'flaky') {
      c.flakyFiles++;
      c.flakyTests += Math.max(1, flakyTests.length);
    }
    files.push({
      path: file.path,
      project: file.project,
      category: file.category,
      durationMs: Math.round(file.durationMs),
      status: file.status,
      attempts: file.attempts,
      flakyTests,
    });
  }
  const cpu = report.samples.map((s) => s.cpu);
  const memory = report.samples.map((s) => s.memory);
  const round3 = (n: number) => Number(n.toFixed(3));
  return {
    v: HISTORY_VERSION,
    runId: report.runId,
    startedAt: report.startedAt,
    wallMs: Math.round(report.summary.wallMs),
    cpuMs: Math.round(report.summary.cpuMs),
    status: report.summary.status,
    maxSlots: report.pool.maxSlots,
    busySlotFraction: report.utilisation.busySlotFraction,
    parallelEfficiency: report.utilisation.parallelEfficiency,
    meanCpu: cpu.length === 0 ? null : round3(cpu.reduce((a, b) => a + b, 0) / cpu.length),
    peakCpu: cpu.length === 0 ? null : round3(Math.max(...cpu)),
    peakMemory: memory.length === 0 ? null : round3(Math.max(...memory)),
    categories,
    files,
  };
}

export class RunHistory {
  readonly file: string;

  constructor(cacheDir: string) {
    this.file = join(cacheDir, 'history', 'runs.jsonl');
  }

  /** The recorded runs, oldest first; a missing file is an empty history. */
  read(): HistoryRead {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return { runs: [], skippedLines: 0 };
    }
    return parseHistory(text);
  }

  /** Appends a run, keeping the newest runs within the bounds; returns what was kept. */
  append(entry: RunHistoryEntry): HistoryRead {
    return withFileLock(this.file, (lock) => {
      const { runs, skippedLines } = this.read();
      const lines = [...runs.filter((r) => r.runId !== entry.runId), entry]
        .slice(-MAX_HISTORY_RUNS)
        .map((r) => ({ run: r, line: encodeHistoryLine(r) }));
      let bytes = lines.reduce((n, l) => n + Buffer.byteLength(l.line) + 1, 0);
      while (lines.length > 1 && bytes > MAX_HISTORY_BYTES)
        bytes -= Buffer.byteLength(lines.shift()!.line) + 1;
      lock.confirm();
      writeFileAtomic(this.file, lines.map((l) => `${l.line}\n`).join(''));
      return { runs: lines.map((l) => l.run), skippedLines };
    });
  }
}
