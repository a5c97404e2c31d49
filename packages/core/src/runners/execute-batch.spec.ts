import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeBatch } from './execute-batch';
import { nodeTestAdapter } from './node-test-adapter';
import type { BatchInput, RunnerAdapter } from './types';

const fixturesRoot = join(__dirname, '__fixtures__');

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-execute-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function nodeBatch(files: string[]): BatchInput {
  return {
    workspaceRoot: fixturesRoot,
    projectRoot: 'node',
    files,
    outputDir: tempDir(),
    passThrough: [],
    updateSnapshots: false,
    command: undefined,
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Killed orphans are reaped by PID 1, which may take a moment, and until then they are zombies
 * that still answer signal 0. Wait (bounded) for them to vanish.
 */
async function waitUntilGone(pids: readonly number[]): Promise<number[]> {
  const deadline = Date.now() + 15_000;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** A shell command as an adapter, for the plumbing that does not depend on a runner. */
function shellAdapter(command: string): RunnerAdapter {
  return {
    name: 'command',
    invocation: () => ({ command, args: [], cwd: tmpdir(), env: {}, shell: true }),
    collect: () => [],
  };
}

describe('executeBatch', () => {
  it('on timeout kills the runner, its children and grandchildren, and keeps finished files', async () => {
    const pidsFile = join(tempDir(), 'pids');
    const execution = await executeBatch(
      nodeTestAdapter,
      nodeBatch(['node/passing.test.mjs', 'node/stuck-with-grandchild.mjs']),
      { timeoutMs: 5_000, env: { SHARDWISE_STUCK_PIDS_FILE: pidsFile } },
    );

    expect(execution.timedOut).toBe(true);
    expect(execution.signal).toBe('SIGKILL');
    expect(execution.results.map((file) => [file.path, file.status])).toEqual([
      ['node/passing.test.mjs', 'passed'],
    ]);
    expect(existsSync(pidsFile)).toBe(true);
    const pids = readFileSync(pidsFile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    expect(await waitUntilGone(pids)).toEqual([]);
  });

  it('ends what a runner left running in its group after a normal exit', async () => {
    const pidFile = join(tempDir(), 'pid');
    const execution = await executeBatch(
      shellAdapter(`sleep 600 & echo $! > '${pidFile}'; echo done >&2`),
      nodeBatch([]),
    );
    expect(execution).toMatchObject({ exitCode: 0, timedOut: false, stderrTail: 'done\n' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitUntilGone([pid])).toEqual([]);
  });

  it('kills the group when the abort signal fires', async () => {
    const controller = new AbortController();
    const running = executeBatch(shellAdapter('sleep 600'), nodeBatch([]), {
      signal: controller.signal,
    });
    controller.abort();
    await expect(running).resolves.toMatchObject({ aborted: true, signal: 'SIGKILL' });
  });
});
