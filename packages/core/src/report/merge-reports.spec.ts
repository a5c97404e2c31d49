import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportFile, runReport } from '../history/__fixtures__/recorded-runs';
import { mergeRunReports, readShardReport, readShardReports } from './merge-reports';
import { runReportSchema } from './report-schema';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-merge-'));
  dirs.push(dir);
  return dir;
}

const shard1 = runReport(
  [
    reportFile({
      path: 'a.test.ts',
      shard: 1,
      workerId: 1,
      startMs: 0,
      endMs: 500,
      durationMs: 400,
    }),
    reportFile({
      path: 'shared.test.ts',
      shard: 1,
      cached: true,
      workerId: null,
      startMs: null,
      endMs: null,
    }),
  ],
  {
    runId: 's1',
    startedAt: '2026-01-01T00:00:00.000Z',
    pool: { initialSlots: 2, maxSlots: 2, reason: 'x' },
    summary: { ...runReport([]).summary, wallMs: 1000 },
    utilisation: { parallelEfficiency: 0.4, busySlotFraction: 0.5 },
    samples: [{ t: 100, cpu: 0.5, memory: 0.2, load: 1, disk: null, busySlots: 1 }],
  },
);
const shard2 = runReport(
  [
    reportFile({
      path: 'b.test.ts',
      shard: 2,
      workerId: 1,
      startMs: 100,
      endMs: 900,
      durationMs: 800,
      status: 'failed',
      failureCategory: 'assertion',
      tests: [
        {
          name: 'b',
          status: 'failed',
          durationMs: 5,
          failure: { message: 'no', stack: null, category: 'assertion' },
        },
      ],
    }),
    reportFile({
      path: 'shared.test.ts',
      shard: 2,
      workerId: 2,
      startMs: 0,
      endMs: 200,
      durationMs: 150,
    }),
    reportFile({
      path: 'c.test.ts',
      shard: 2,
      status: 'flaky',
      attempts: 2,
      flakyTests: ['c1', 'c2'],
      workerId: 2,
      startMs: 200,
      endMs: 300,
    }),
  ],
  {
    runId: 's2',
    startedAt: '2026-01-01T00:00:02.000Z',
    pool: { initialSlots: 1, maxSlots: 3, reason: 'y' },
    summary: { ...runReport([]).summary, wallMs: 2000, cpuMs: 500 },
    utilisation: { parallelEfficiency: 0.5, busySlotFraction: 0.25 },
  },
);

describe('mergeRunReports', () => {
  const merged = mergeRunReports(
    [
      { dir: '/r/2', report: shard2 },
      { dir: '/r/1', report: shard1 },
    ],
    'merged-x',
  );

  it('recomputes the summary from the merged files, a run beating a cache hit', () => {
    expect(runReportSchema.parse(merged)).toEqual(merged);
    expect(merged.files.map((f) => [f.path, f.cached])).toEqual([
      ['a.test.ts', false],
      ['b.test.ts', false],
      ['c.test.ts', false],
      ['shared.test.ts', false],
    ]);
    expect(merged.summary).toMatchObject({
      passed: 3,
      failed: 1,
      flaky: 2,
      files: 4,
      cachedFiles: 0,
      failedFiles: 1,
      notRunFiles: 0,
      // Shard 2 started 2 s after shard 1 and took 2 s.
      wallMs: 4000,
      cpuMs: 1300,
      status: 'complete',
    });
  });

  it('puts every shard on one timeline with its own workers', () => {
    const b = merged.files.find((f) => f.path === 'b.test.ts')!;
    expect([b.workerId, b.startMs, b.endMs]).toEqual([3, 2100, 2900]);
    const a = merged.files.find((f) => f.path === 'a.test.ts')!;
    expect([a.workerId, a.startMs]).toEqual([1, 0]);
    expect(merged.pool).toMatchObject({ initialSlots: 3, maxSlots: 5 });
    expect(merged.mergedFrom?.map((m) => [m.runId, m.workerOffset, m.timeOffsetMs])).toEqual([
      ['s1', 0, 0],
      ['s2', 2, 2000],
    ]);
    // Busy slot time: 0.5 × 2 × 1000 + 0.25 × 3 × 2000 = 2500 of 5 × 4000.
    expect(merged.utilisation.busySlotFraction).toBe(0.125);
  });
});

describe('reading shard reports', () => {
  it('follows a report folder’s latest pointer and validates the JSON, naming the file', () => {
    const root = tempDir();
    const runDir = join(root, 'run-7');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'report.json'), JSON.stringify(shard1));
    writeFileSync(join(root, 'latest'), 'run-7\n');
    expect(readShardReport(root)).toEqual({ dir: runDir, report: shard1 });

    writeFileSync(
      join(runDir, 'report.json'),
      JSON.stringify({ ...shard1, summary: { passed: -1 } }),
    );
    expect(() => readShardReport(root)).toThrow(/run-7\/report\.json: summary/);
    expect(() => readShardReports([join(root, 'missing')])).toThrow(/is not a folder/);
    expect(() => readShardReport(tempDir())).toThrow(/no report\.json and no "latest"/);
  });
});
