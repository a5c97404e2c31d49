import { describe, expect, it } from 'vitest';
import type { ReportFile, RunReport } from '../../report/report-schema';
import { findBottleneck, formatResourceLines } from './bottleneck';

const MB = 1024 * 1024;
type Sample = RunReport['samples'][number];

function file(path: string, durationMs: number, cached = false): ReportFile {
  return {
    path,
    project: 'p',
    category: 'unit',
    shard: 1,
    workerId: cached ? null : 1,
    startMs: cached ? null : 0,
    endMs: cached ? null : durationMs,
    durationMs,
    attempts: cached ? 0 : 1,
    cached,
    closureHash: 'h',
    status: 'passed',
    failureCategory: null,
    reason: null,
    tests: [],
  };
}

function sample(overrides: Partial<Sample> = {}): Sample {
  return {
    t: 0,
    cpu: 0.3,
    memory: 0.4,
    load: 1,
    disk: null,
    network: null,
    busySlots: 4,
    ...overrides,
  };
}

function report(options: {
  samples: Sample[];
  files?: ReportFile[];
  busy?: number;
  maxSlots?: number;
  cpuQuota?: number | null;
}): RunReport {
  const files = options.files ?? ['a', 'b', 'c', 'd', 'e', 'f'].map((p) => file(p, 1000));
  return {
    schemaVersion: 1,
    runId: 'r',
    startedAt: '2026-01-01T00:00:00.000Z',
    workspaceRoot: '/w',
    command: [],
    summary: {
      passed: files.length,
      failed: 0,
      skipped: 0,
      todo: 0,
      flaky: 0,
      files: files.length,
      cachedFiles: files.filter((f) => f.cached).length,
      notRunFiles: 0,
      failedFiles: 0,
      wallMs: 2000,
      cpuMs: 1000,
      status: 'complete',
    },
    pool: {
      initialSlots: 2,
      maxSlots: options.maxSlots ?? 4,
      reason: 'cpu: 2 cores × 2 I/O oversubscription',
      cores: 2,
      cpuQuota: options.cpuQuota ?? null,
      memoryLimitMb: null,
    },
    files,
    samples: options.samples,
    utilisation: { parallelEfficiency: 1, busySlotFraction: options.busy ?? 0.9 },
  } as RunReport;
}

describe('findBottleneck', () => {
  it('names memory when it nearly ran out', () => {
    const verdict = findBottleneck(
      report({ samples: [sample({ memory: 0.5 }), sample({ memory: 0.95, cpu: 0.9 })] }),
    );
    expect(verdict.resource).toBe('memory');
    expect(verdict.reason).toContain('peaked at 95%');
  });

  it('names the CPU, with the container quota, when it was busy throughout', () => {
    const verdict = findBottleneck(
      report({ samples: [sample({ cpu: 0.9 }), sample({ cpu: 0.85 })], cpuQuota: 1.5 }),
    );
    expect(verdict).toEqual({
      resource: 'cpu',
      reason:
        'cpu: 88% busy on average (p90 90%) of a 1.5-core container quota (2 cores visible) with 4 slot(s)',
    });
  });

  it('names the disk when slots waited on it with CPU to spare', () => {
    const disk = { readBytesPerSec: 60 * MB, writeBytesPerSec: 20 * MB };
    const verdict = findBottleneck(report({ samples: [sample({ disk }), sample({ disk })] }));
    expect(verdict.resource).toBe('disk');
    expect(verdict.reason).toContain('80 MB/s read+write on average');
  });

  it('names the network when slots waited on it with CPU to spare', () => {
    const network = { rxBytesPerSec: 15 * MB, txBytesPerSec: 1 * MB };
    const verdict = findBottleneck(report({ samples: [sample({ network })] }));
    expect(verdict.resource).toBe('network');
    expect(verdict.reason).toContain('16 MB/s in+out');
  });

  it('names the slots when every slot was busy and the CPU was not', () => {
    const verdict = findBottleneck(report({ samples: [sample({ cpu: 0.4 })], busy: 0.95 }));
    expect(verdict.resource).toBe('slots');
    expect(verdict.reason).toContain('4 slot(s) 95% busy while CPU averaged 40%');
  });

  it('names too few files when fewer files ran than there were slots', () => {
    const verdict = findBottleneck(
      report({ samples: [sample()], files: [file('a', 10), file('b', 10, true)] }),
    );
    expect(verdict).toMatchObject({ resource: 'files' });
    expect(verdict.reason).toContain('1 file(s) ran on a pool of 4 slot(s)');
  });

  it('names too few files when one long file kept the others idle', () => {
    const files = [file('long', 1900), ...['a', 'b', 'c', 'd'].map((p) => file(p, 50))];
    const verdict = findBottleneck(report({ samples: [sample()], files, busy: 0.3 }));
    expect(verdict.resource).toBe('files');
    expect(verdict.reason).toContain('the longest file, long, took 95% of the wall time');
  });

  it('works without samples (monitoring off)', () => {
    expect(findBottleneck(report({ samples: [], busy: 0.9 })).resource).toBe('slots');
  });
});

describe('formatResourceLines', () => {
  it('shows disk, network and the quota, then the limit', () => {
    const lines = formatResourceLines(
      report({
        samples: [
          sample({
            cpu: 0.9,
            disk: { readBytesPerSec: 2 * MB, writeBytesPerSec: 0 },
            network: { rxBytesPerSec: 512 * 1024, txBytesPerSec: 0 },
          }),
        ],
        cpuQuota: 1.5,
      }),
    );
    expect(lines).toEqual([
      'I/O    disk 2.0 MB/s avg, peak 2.0 MB/s · network 512 KB/s avg, peak 512 KB/s · CPU quota 1.5 core(s)',
      expect.stringMatching(/^Limit {2}cpu: 90% busy/),
    ]);
  });
});
