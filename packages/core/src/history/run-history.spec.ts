import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { historyRun, ranFile, reportFile, runReport } from './__fixtures__/recorded-runs';
import {
  encodeHistoryLine,
  historyEntryOf,
  MAX_HISTORY_RUNS,
  parseHistory,
  RunHistory,
  runHistoryEntrySchema,
} from './run-history';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-history-'));
  dirs.push(dir);
  return dir;
}

describe('historyEntryOf', () => {
  it('keeps per-category counts and times, and the files that ran with their flaky tests', () => {
    const report = runReport(
      [
        reportFile({ path: 'a.test.ts', durationMs: 300 }),
        reportFile({ path: 'b.test.ts', durationMs: 200, cached: true, workerId: null }),
        reportFile({
          path: 'c.test.ts',
          durationMs: 500,
          status: 'flaky',
          attempts: 2,
          flakyTests: ['c > sometimes'],
        }),
        reportFile({
          path: 'd.int.ts',
          category: 'integration',
          durationMs: 900,
          status: 'failed',
        }),
        reportFile({ path: 'e.int.ts', category: 'integration', status: 'notRun', tests: [] }),
      ],
      {
        samples: [
          { t: 0, cpu: 0.2, memory: 0.4, load: 1, disk: null, busySlots: 1 },
          { t: 500, cpu: 0.6, memory: 0.5, load: 1, disk: null, busySlots: 2 },
        ],
      },
    );
    const entry = historyEntryOf(report);
    expect(runHistoryEntrySchema.parse(entry)).toEqual(entry);
    expect(entry.categories).toEqual({
      unit: {
        files: 3,
        cachedFiles: 1,
        ranFiles: 2,
        failedFiles: 0,
        flakyFiles: 1,
        flakyTests: 1,
        ranMs: 800,
        cachedMs: 200,
      },
      integration: {
        files: 2,
        cachedFiles: 0,
        ranFiles: 1,
        failedFiles: 1,
        flakyFiles: 0,
        flakyTests: 0,
        ranMs: 900,
        cachedMs: 0,
      },
    });
    expect(entry.files.map((f) => [f.path, f.status, f.flakyTests])).toEqual([
      ['a.test.ts', 'passed', []],
      ['c.test.ts', 'flaky', ['c > sometimes']],
      ['d.int.ts', 'failed', []],
    ]);
    expect([entry.meanCpu, entry.peakCpu, entry.peakMemory]).toEqual([0.4, 0.6, 0.5]);
  });
});

describe('history lines', () => {
  const good = historyRun(1, [ranFile('a.test.ts', 100)]);

  it('round-trips a line', () => {
    expect(parseHistory(`${encodeHistoryLine(good)}\n`)).toEqual({ runs: [good], skippedLines: 0 });
  });

  it('skips torn, edited, foreign and checksum-less lines instead of trusting them', () => {
    const line = encodeHistoryLine(good);
    const edited = line.replace('"durationMs":100', '"durationMs":999');
    const foreign = encodeHistoryLine({ ...good, v: 2 } as unknown as typeof good);
    const text = [
      line.slice(0, 40), // torn write
      edited, // content no longer matches its checksum
      foreign, // valid checksum, not this schema
      JSON.stringify(good), // no checksum
      '{not json',
      line,
    ].join('\n');
    const read = parseHistory(text);
    expect(read.runs).toEqual([good]);
    expect(read.skippedLines).toBe(5);
  });
});

describe('RunHistory', () => {
  it('appends runs, oldest first, and drops corrupt lines when it rewrites the file', () => {
    const history = new RunHistory(cacheDir());
    history.append(historyRun(1, [ranFile('a.test.ts', 100)]));
    writeFileSync(history.file, `${readFileSync(history.file, 'utf8')}garbage line\n`);
    expect(history.read().skippedLines).toBe(1);
    const kept = history.append(historyRun(2, [ranFile('a.test.ts', 120)]));
    expect(kept.runs.map((r) => r.runId)).toEqual(['run-1', 'run-2']);
    expect(kept.skippedLines).toBe(1);
    expect(history.read()).toEqual({ runs: kept.runs, skippedLines: 0 });
  });

  it(`keeps the newest ${MAX_HISTORY_RUNS} runs`, () => {
    const history = new RunHistory(cacheDir());
    const lines = Array.from({ length: MAX_HISTORY_RUNS }, (_, i) =>
      encodeHistoryLine(historyRun(i, [])),
    );
    mkdirSync(dirname(history.file), { recursive: true });
    writeFileSync(history.file, `${lines.join('\n')}\n`);
    history.append(historyRun(MAX_HISTORY_RUNS, []));
    const { runs } = history.read();
    expect(runs).toHaveLength(MAX_HISTORY_RUNS);
    expect(runs[0]?.runId).toBe('run-1');
    expect(runs.at(-1)?.runId).toBe(`run-${MAX_HISTORY_RUNS}`);
  });

  it('reads a missing history as empty and replaces a re-recorded run id', () => {
    const history = new RunHistory(cacheDir());
    expect(history.read()).toEqual({ runs: [], skippedLines: 0 });
    history.append(historyRun(1, [ranFile('a.test.ts', 100)]));
    history.append(historyRun(1, [ranFile('a.test.ts', 300)]));
    expect(history.read().runs.map((r) => r.files[0]?.durationMs)).toEqual([300]);
  });
});
