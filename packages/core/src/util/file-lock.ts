/**
 * A cross-process lock on a path: an atomic `mkdir` of `<path>.lock` (atomic on every platform and
 * file system Node supports) holding `owner.json` ({ pid, token, at }). A lock whose owner is dead,
 * or that is older than `staleMs`, is broken, so a run killed with SIGKILL never blocks the next
 * one. A holder that paused past `staleMs` may lose its lock: `HeldLock.confirm()` before writing
 * notices, and the critical section starts over rather than overwrite the new holder's write.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ShardwiseError } from '../errors';

export interface FileLockOptions {
  /** Give up taking the lock after this long. Default 10 s. */
  timeoutMs?: number;
  /** A lock held longer than this belongs to a frozen or crashed process. Default 10 s. */
  staleMs?: number;
  /** Default: `isProcessAlive`. */
  isAlive?: (pid: number) => boolean;
  /** The pid recorded as the holder. Default: `process.pid`. */
  pid?: number;
  /** Wall clock (ms since the epoch) for the lock's age and the timeout. Default `Date.now`. */
  now?: () => number;
  /** Pause between attempts. The lock is synchronous, so the default blocks briefly. */
  sleepSync?: (ms: number) => void;
  /** What the errors call the locked thing. Default: the path. */
  subject?: string;
  /** The `code` of the errors. Default `SHARDWISE_LOCK`. */
  errorCode?: string;
}

export interface HeldLock {
  /**
   * Call before writing: throws when the lock was broken and taken by another process meanwhile;
   * `withFileLock` then runs the critical section again (a few times at most).
   */
  confirm(): void;
}

interface LockOwner {
  pid: number;
  token: string;
  at: number;
}

const OWNER_FILE = 'owner.json';
const MAX_ATTEMPTS = 5;

/** `kill(pid, 0)` probes without signalling; EPERM means alive but owned by another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepBlocking(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readOwner(lockDir: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(lockDir, OWNER_FILE), 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' &&
      typeof owner.token === 'string' &&
      typeof owner.at === 'number'
      ? { pid: owner.pid, token: owner.token, at: owner.at }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown by `HeldLock.confirm()`; caught by `withFileLock`, which starts over. */
class LockLost extends Error {}

class FileLock {
  private readonly lockDir: string;
  private readonly timeoutMs: number;
  private readonly staleMs: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly pid: number;
  private readonly now: () => number;
  private readonly sleepSync: (ms: number) => void;
  private readonly subject: string;
  private readonly errorCode: string;

  constructor(path: string, options: FileLockOptions) {
    this.lockDir = `${path}.lock`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.staleMs = options.staleMs ?? 10_000;
    this.isAlive = options.isAlive ?? isProcessAlive;
    this.pid = options.pid ?? process.pid;
    this.now = options.now ?? Date.now;
    this.sleepSync = options.sleepSync ?? sleepBlocking;
    this.subject = options.subject ?? path;
    this.errorCode = options.errorCode ?? 'SHARDWISE_LOCK';
  }

  run<T>(fn: (lock: HeldLock) => T): T {
    for (let attempt = 1; ; attempt++) {
      const token = this.lock();
      try {
        return fn({
          confirm: () => {
            if (readOwner(this.lockDir)?.token !== token) throw new LockLost();
          },
        });
      } catch (error) {
        if (!(error instanceof LockLost)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new ShardwiseError(
            this.errorCode,
            `The lock ${this.lockDir} on ${this.subject} was taken over repeatedly while held by ` +
              `this process; is another tool deleting it?`,
          );
        }
      } finally {
        this.unlock(token);
      }
    }
  }

  /** Takes the lock; returns the token written into it. */
  private lock(): string {
    mkdirSync(dirname(this.lockDir), { recursive: true });
    const token = `${this.pid}-${process.hrtime.bigint()}-${Math.random().toString(36).slice(2)}`;
    const startedAt = this.now();
    for (let attempt = 0; ; attempt++) {
      try {
        mkdirSync(this.lockDir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (this.breakIfStale()) continue;
        if (this.now() - startedAt >= this.timeoutMs) throw this.timeoutError();
        // Jittered and growing a little, so waiting processes do not retry in lockstep.
        this.sleepSync(Math.min(25, 2 + attempt) + Math.random() * 3);
        continue;
      }
      try {
        const owner: LockOwner = { pid: this.pid, token, at: this.now() };
        writeFileSync(join(this.lockDir, OWNER_FILE), JSON.stringify(owner));
        return token;
      } catch (error) {
        // An owner-less lock would block everyone until it turned stale.
        rmSync(this.lockDir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  private timeoutError(): ShardwiseError {
    const owner = readOwner(this.lockDir);
    const holder = owner
      ? `pid ${owner.pid} since ${new Date(owner.at).toISOString()}`
      : 'an unknown process';
    return new ShardwiseError(
      this.errorCode,
      `Could not lock ${this.subject} within ${this.timeoutMs} ms: ${this.lockDir} is ` +
        `held by ${holder}. If no Shardwise run is active on this machine, delete that folder.`,
    );
  }

  /** Dead owner, or held longer than any real critical section. */
  private isStale(lockDir: string): boolean {
    const owner = readOwner(lockDir);
    if (owner !== undefined && owner.pid !== this.pid && !this.isAlive(owner.pid)) return true;
    let lockedAt = owner?.at;
    if (lockedAt === undefined) {
      // No owner file yet: its writer is between mkdir and write, or crashed there.
      try {
        lockedAt = statSync(lockDir).mtimeMs;
      } catch {
        return false;
      }
    }
    return this.now() - lockedAt > this.staleMs;
  }

  /** Breaks a stale lock; true when the caller should retry at once. */
  private breakIfStale(): boolean {
    if (!this.isStale(this.lockDir)) return false;
    // Rename, then judge again what was renamed: another process may have broken the stale lock
    // and taken a fresh one since we looked. A fresh lock goes back; should that fail, its holder
    // notices before writing (`HeldLock.confirm`) and starts over.
    const brokenPath = `${this.lockDir}.broken-${this.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      renameSync(this.lockDir, brokenPath);
    } catch {
      return true; // Gone already.
    }
    if (!this.isStale(brokenPath)) {
      try {
        renameSync(brokenPath, this.lockDir);
        return false;
      } catch {
        // A new lock is in place; the one we moved is void.
      }
    }
    rmSync(brokenPath, { recursive: true, force: true });
    return true;
  }

  /** Removes the lock if it is still ours (a broken and retaken lock belongs to its new holder). */
  private unlock(token: string): void {
    if (readOwner(this.lockDir)?.token !== token) return;
    const releasedPath = `${this.lockDir}.released-${this.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      renameSync(this.lockDir, releasedPath);
    } catch {
      return;
    }
    rmSync(releasedPath, { recursive: true, force: true });
  }
}

/** Runs `fn` while holding the lock. Synchronous: the critical sections are short file updates. */
export function withFileLock<T>(
  path: string,
  fn: (lock: HeldLock) => T,
  options: FileLockOptions = {},
): T {
  return new FileLock(path, options).run(fn);
}
