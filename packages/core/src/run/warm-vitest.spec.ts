import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchInput } from '../runners/types';
import { fixturesRoot } from '../test-support/runner-parity';
import { WarmVitestPool } from './warm-vitest';

const scratch = mkdtempSync(join(tmpdir(), 'shardwise-warm-vitest-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let batchNumber = 0;
function batch(files: string[]): BatchInput {
  batchNumber++;
  return {
    workspaceRoot: fixturesRoot,
    projectRoot: 'vitest',
    files: files.map((f) => `vitest/${f}`),
    outputDir: join(scratch, `batch-${batchNumber}`),
    passThrough: [],
    updateSnapshots: false,
    command: undefined,
  };
}

describe('WarmVitestPool', () => {
  it('runs consecutive batches of a slot on one Vitest process, with each batch results', async () => {
    const pool = new WarmVitestPool({
      workspaceRoot: fixturesRoot,
      passThrough: [],
      updateSnapshots: false,
      env: {},
      guardScript: undefined,
    });
    const never = new AbortController().signal;
    try {
      const first = await pool.run(1, batch(['passing.test.ts']), {}, 60_000, never);
      const pid = pool.processId(1);
      const second = await pool.run(
        1,
        batch(['failing.test.ts', 'skipped-todo.test.ts']),
        {},
        60_000,
        never,
      );
      expect(pool.processId(1)).toBe(pid);
      expect(first).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false });
      expect(first.results.map((r) => [r.path, r.status])).toEqual([
        ['vitest/passing.test.ts', 'passed'],
      ]);
      expect(second.exitCode).toBe(1);
      expect(second.results.map((r) => [r.path, r.status]).sort()).toEqual([
        ['vitest/failing.test.ts', 'failed'],
        ['vitest/skipped-todo.test.ts', 'skipped'],
      ]);
    } finally {
      await pool.stopAll();
    }
  });

  it('ends the process group on cancel and starts a fresh process for the next batch', async () => {
    const pool = new WarmVitestPool({
      workspaceRoot: fixturesRoot,
      passThrough: [],
      updateSnapshots: false,
      env: {},
      guardScript: undefined,
    });
    try {
      const controller = new AbortController();
      const running = pool.run(2, batch(['timeout.test.ts']), {}, 60_000, controller.signal);
      setTimeout(() => controller.abort(), 50);
      const cancelled = await running;
      expect(cancelled.cancelled).toBe(true);
      expect(pool.processId(2)).toBeUndefined();
      const next = await pool.run(
        2,
        batch(['passing.test.ts']),
        {},
        60_000,
        new AbortController().signal,
      );
      expect(next.results.map((r) => r.status)).toEqual(['passed']);
    } finally {
      await pool.stopAll();
    }
  });
});
