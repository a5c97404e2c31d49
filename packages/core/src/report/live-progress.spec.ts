import { describe, expect, it } from 'vitest';
import type { Batch, FileOutcome, WorkFile } from '../run/scheduler';
import {
  formatProgressLine,
  LiveProgress,
  progressModeFor,
  type ProgressStream,
} from './live-progress';

function workFile(path: string, estimatedMs: number): WorkFile {
  return {
    path,
    project: 'app',
    projectRoot: '',
    category: 'unit',
    shard: 1,
    runner: 'node',
    command: undefined,
    closureHash: 'h',
    estimatedMs,
    previouslyFailed: false,
    firstClass: false,
    retries: 0,
    timeoutMs: 1000,
    quarantined: false,
  };
}

function outcome(file: WorkFile, status: FileOutcome['status'], slot: number): FileOutcome {
  return {
    file,
    status,
    attempts: status === 'flaky' ? 2 : 1,
    tests: [],
    workerId: slot,
    startMs: 0,
    endMs: 10,
    durationMs: 1500,
    failureCategory: status === 'failed' ? 'assertion' : null,
    reason: null,
    failedAttempts: [],
  };
}

function batch(slotId: number, files: WorkFile[]): Batch {
  return {
    id: slotId,
    slotId,
    projectRoot: '',
    runner: 'node',
    command: undefined,
    files,
    timeoutMs: 1,
  };
}

function recorder(isTTY = false): ProgressStream & { text: () => string } {
  let out = '';
  return { write: (t: string) => (out += t), isTTY, columns: 400, text: () => out };
}

describe('LiveProgress', () => {
  const a = workFile('a.test.ts', 1000);
  const b = workFile('b.test.ts', 1000);
  const c = workFile('c.test.ts', 2000);

  it('counts files, workers and resources, and estimates the time left from the pace so far', () => {
    let now = 0;
    const progress = new LiveProgress({ stream: recorder(), mode: 'plain', now: () => now });
    progress.begin({ totalFiles: 5, cachedFiles: 2, estimatedMs: 4000, maxSlots: 2 });
    // Before anything finished: the estimate over the slots.
    expect(progress.state.remainingMs).toBe(2000);
    progress.onEvent({ type: 'batch-start', batch: batch(1, [a, b]) });
    progress.onEvent({ type: 'batch-start', batch: batch(2, [c]) });
    progress.onSample({
      cpu: 0.5,
      memory: 0.25,
      disk: { readBytesPerSec: 1000, writeBytesPerSec: 24 },
      network: { rxBytesPerSec: 2048, txBytesPerSec: 0 },
    });
    expect(progress.state.busySlots).toBe(2);
    now = 3000;
    progress.onEvent({ type: 'file-done', outcome: outcome(a, 'passed', 1) });
    progress.onEvent({ type: 'file-done', outcome: outcome(b, 'flaky', 1) });
    // 2000 estimated ms done in 3 s; 2000 left → 3 s left.
    expect(progress.state).toMatchObject({
      totalFiles: 5,
      doneFiles: 4,
      cachedFiles: 2,
      passedFiles: 1,
      flakyFiles: 1,
      failedFiles: 0,
      busySlots: 1,
      cpu: 0.5,
      memory: 0.25,
      diskBytesPerSec: 1024,
      networkBytesPerSec: 2048,
      elapsedMs: 3000,
      remainingMs: 3000,
    });
    progress.onEvent({ type: 'file-done', outcome: outcome(c, 'failed', 2) });
    expect(progress.state).toMatchObject({
      doneFiles: 5,
      failedFiles: 1,
      busySlots: 0,
      remainingMs: 0,
    });
  });

  it('plain mode: no cursor codes; failures, flaky files and a status line per tenth of the files', () => {
    const out = recorder();
    const progress = new LiveProgress({ stream: out, mode: 'plain', now: () => 0 });
    progress.begin({ totalFiles: 3, cachedFiles: 0, estimatedMs: 4000, maxSlots: 2 });
    progress.onEvent({ type: 'file-done', outcome: outcome(a, 'passed', 1) });
    progress.onEvent({ type: 'file-done', outcome: outcome(b, 'flaky', 1) });
    progress.onEvent({ type: 'file-done', outcome: outcome(c, 'failed', 2) });
    progress.stop();
    const lines = out.text().split('\n').filter(Boolean);
    expect(out.text()).not.toContain('\x1b');
    expect(lines[0]).toBe('progress: 3 file(s), 0 cached, 3 to run on up to 2 worker(s)');
    expect(lines.filter((l) => l.startsWith('progress: ') && l.includes('/3 files'))).toHaveLength(
      3,
    );
    expect(lines).toContain('FLAKY   b.test.ts 1.5s [slot 1]');
    expect(lines).toContain('FAILED  c.test.ts 1.5s [slot 2]');
    expect(lines.some((l) => l.includes('PASSED'))).toBe(false);
  });

  it('live mode: redraws one line in place and prints events above it', () => {
    const out = recorder(true);
    const progress = new LiveProgress({ stream: out, mode: 'live', now: () => 0, redrawMs: 0 });
    progress.begin({ totalFiles: 2, cachedFiles: 1, estimatedMs: 1000, maxSlots: 1 });
    progress.onEvent({ type: 'file-done', outcome: outcome(c, 'failed', 1) });
    progress.stop();
    const text = out.text();
    expect(text.startsWith('\r\x1b[2K')).toBe(true);
    expect(text).toContain('\r\x1b[2KFAILED  c.test.ts 1.5s [slot 1]\n\r\x1b[2K');
    expect(text).toContain('2/2 files');
    // stop() leaves the cursor on a cleared line.
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('fits the line to the terminal, and to 120 columns when a pseudo-terminal reports none', () => {
    for (const [columns, longest] of [
      [60, 59],
      [0, 119],
    ] as const) {
      let out = '';
      const stream = { write: (t: string) => (out += t), isTTY: true, columns };
      const progress = new LiveProgress({ stream, mode: 'live', now: () => 0, redrawMs: 0 });
      progress.begin({ totalFiles: 2, cachedFiles: 1, estimatedMs: 1000, maxSlots: 1 });
      progress.stop();
      const drawn = out.split('\r\x1b[2K').filter(Boolean);
      expect(drawn[0]).toContain('1/2 files');
      expect(Math.max(...drawn.map((l) => l.length))).toBeLessThanOrEqual(longest);
    }
  });

  it('is live only on a terminal and never under --json', () => {
    const ci = process.env['CI'];
    delete process.env['CI'];
    try {
      expect(progressModeFor({ write: () => 0, isTTY: true }, false)).toBe('live');
      expect(progressModeFor({ write: () => 0, isTTY: true }, true)).toBe('plain');
      expect(progressModeFor({ write: () => 0, isTTY: false }, false)).toBe('plain');
    } finally {
      if (ci !== undefined) process.env['CI'] = ci;
    }
  });

  it('formats the status line', () => {
    expect(
      formatProgressLine(
        {
          totalFiles: 10,
          doneFiles: 5,
          cachedFiles: 3,
          passedFiles: 1,
          failedFiles: 1,
          flakyFiles: 0,
          notRunFiles: 0,
          busySlots: 2,
          maxSlots: 4,
          cpu: 0.42,
          memory: 0.3,
          diskBytesPerSec: 3 * 1024 * 1024,
          networkBytesPerSec: 20 * 1024,
          elapsedMs: 65_000,
          remainingMs: 30_000,
        },
        10,
      ),
    ).toBe(
      '█████░░░░░ 5/10 files · 1 passed, 1 failed, 3 cached, 0 flaky · 2/4 workers · CPU 42% mem 30% · disk 3.0 MB/s net 20 KB/s · 1:05 · ~0:30 left',
    );
  });
});
