/** Test builders: run reports and history entries with only the figures a test cares about. */
import type { ReportFile, RunReport } from '../../report/report-schema';
import type { CategoryHistory, FileHistoryEntry, RunHistoryEntry } from '../run-history';

export function reportFile(overrides: Partial<ReportFile> & { path: string }): ReportFile {
  return {
    project: 'app',
    category: 'unit',
    shard: 1,
    workerId: 1,
    startMs: 0,
    endMs: 100,
    attempts: 1,
    durationMs: 100,
    cached: false,
    closureHash: `hash-${overrides.path}`,
    status: 'passed',
    failureCategory: null,
    reason: null,
    tests: [{ name: `${overrides.path} works`, status: 'passed', durationMs: 10, failure: null }],
    ...overrides,
  };
}

export function runReport(files: ReportFile[], overrides: Partial<RunReport> = {}): RunReport {
  const count = (status: string) =>
    files.reduce((n, f) => n + f.tests.filter((t) => t.status === status).length, 0);
  return {
    schemaVersion: 1,
    runId: 'run-1',
    startedAt: '2026-01-01T00:00:00.000Z',
    workspaceRoot: '/ws',
    command: ['run'],
    summary: {
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      todo: count('todo'),
      flaky: files.filter((f) => f.status === 'flaky').length,
      files: files.length,
      cachedFiles: files.filter((f) => f.cached).length,
      notRunFiles: files.filter((f) => f.status === 'notRun').length,
      failedFiles: files.filter((f) => f.status === 'failed').length,
      wallMs: 1000,
      cpuMs: 800,
      status: 'complete',
    },
    pool: { initialSlots: 2, maxSlots: 2, reason: 'test' },
    files,
    samples: [],
    utilisation: { parallelEfficiency: 1, busySlotFraction: 0.5 },
    ...overrides,
  };
}

export function category(overrides: Partial<CategoryHistory> = {}): CategoryHistory {
  return {
    files: 0,
    cachedFiles: 0,
    ranFiles: 0,
    failedFiles: 0,
    flakyFiles: 0,
    flakyTests: 0,
    ranMs: 0,
    cachedMs: 0,
    ...overrides,
  };
}

export function ranFile(
  path: string,
  durationMs: number,
  overrides: Partial<FileHistoryEntry> = {},
): FileHistoryEntry {
  return {
    path,
    project: 'app',
    category: 'unit',
    durationMs,
    status: 'passed',
    attempts: 1,
    flakyTests: [],
    ...overrides,
  };
}

/** A run whose category figures are derived from its files (all ran, none cached). */
export function historyRun(
  index: number,
  files: FileHistoryEntry[],
  overrides: Partial<RunHistoryEntry> = {},
): RunHistoryEntry {
  const categories: Record<string, CategoryHistory> = {};
  for (const f of files) {
    const c = (categories[f.category] ??= category());
    c.files++;
    c.ranFiles++;
    c.ranMs += f.durationMs;
    if (f.status === 'failed') c.failedFiles++;
    if (f.status === 'flaky') {
      c.flakyFiles++;
      c.flakyTests += Math.max(1, f.flakyTests.length);
    }
  }
  return {
    v: 1,
    runId: `run-${index}`,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    wallMs: 1000,
    cpuMs: 1000,
    status: 'complete',
    maxSlots: 2,
    busySlotFraction: 0.7,
    parallelEfficiency: 1.5,
    meanCpu: 0.7,
    peakCpu: 0.9,
    peakMemory: 0.5,
    categories,
    files,
    ...overrides,
  };
}
