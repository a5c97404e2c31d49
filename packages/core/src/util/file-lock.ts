/**
 * A cross-process lock on a path: an atomic `mkdir` of `<path>.lock` holding the owner's pid.
 * A lock whose owner is dead, or that is older than `staleMs`, is broken, so a run killed with
 * SIGKILL never blocks the next one.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ShardwiseError } from '../errors';

export interface FileLockOptions {
  timeoutMs?: number;
  staleMs?: number;
  isAlive?: (pid: number) => boolean;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function tryBreakStale(lockDir: string, staleMs: number, isAlive: (pid: number) => boolean): void {
  try {
    const owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    const age = Date.now() - statSync(lockDir).mtimeMs;
    if ((Number.isInteger(owner) && owner > 0 && !isAlive(owner)) || age > staleMs) {
      rmSync(lockDir, { recursive: true, force: true });
    }
  } catch {
    // The owner may be between mkdir and writing its pid; only age can break such a lock.
    try {
      if (Date.now() - statSync(lockDir).mtimeMs > staleMs)
        rmSync(lockDir, { recursive: true, force: true });
    } catch {
      // Gone already.
    }
  }
}

/** Runs `fn` while holding the lock. Synchronous: the critical sections are short file updates. */
export function withFileLock<T>(path: string, fn: () => T, options: FileLockOptions = {}): T {
  const lockDir = `${path}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 10_000;
  const isAlive = options.isAlive ?? isProcessAlive;
  const deadline = Date.now() + timeoutMs;
  mkdirSync(dirname(lockDir), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      tryBreakStale(lockDir, staleMs, isAlive);
      if (Date.now() > deadline) {
        throw new ShardwiseError(
          'SHARDWISE_LOCK',
          `could not lock ${path} within ${timeoutMs} ms (held by another Shardwise process?)`,
        );
      }
      sleepSync(Math.min(50, 5 + attempt * 5));
    }
  }
  try {
    writeFileSync(join(lockDir, 'pid'), String(process.pid));
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
