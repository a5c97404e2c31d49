/**
 * The machine-wide slot table. Several Shardwise processes on one machine (Nx running shards in
 * parallel) share one budget of slots, and each slot gets a number that is unique machine-wide for
 * as long as it is held: `SHARDWISE_WORKER_ID`, from 1.
 *
 * The table is a JSON file `{ slots: [{ id, pid, runId, since }] }` guarded by a lock folder
 * (`mkdir` is atomic on every platform and file system Node supports). Entries of dead processes
 * are pruned on every access, so a run killed with SIGKILL never blocks the others; a lock whose
 * owner died, or that is older than any real critical section, is broken.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShardwiseError } from '../../errors';
import { writeFileAtomic } from '../../util/atomic-write';

export interface SlotEntry {
  id: number;
  pid: number;
  runId: string;
  /** ms since the epoch when the slot was taken. */
  since: number;
}

export const SLOT_DIR_ENV = 'SHARDWISE_SLOT_DIR';

/** A lock held this long belongs to a frozen or crashed process: the critical section takes ~1 ms. */
export const STALE_LOCK_MS = 10_000;

const TABLE_FILE = 'slots.json';
const LOCK_DIR = 'slots.lock';
const LOCK_OWNER_FILE = 'owner.json';

export function defaultSlotDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[SLOT_DIR_ENV];
  return configured !== undefined && configured !== ''
    ? configured
    : join(tmpdir(), 'shardwise-slots');
}

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

export interface SlotTableOptions {
  /** Default: `$SHARDWISE_SLOT_DIR`, else `<tmpdir>/shardwise-slots`. */
  dir?: string;
  /** The machine-wide budget of slots. */
  capacity: number;
  /** Default: `process.pid`. */
  pid?: number;
  /** Default: `isProcessAlive`. */
  isAlive?: (pid: number) => boolean;
  /** Wall clock (ms since the epoch) for `since` and lock age. Default `Date.now`. */
  now?: () => number;
  /**
   * Give up taking the lock after this long. Default 12 s: beyond `STALE_LOCK_MS`, so a lock left
   * by a frozen process is broken before anyone gives up.
   */
  lockTimeoutMs?: number;
  /** Pause between lock attempts. The table's API is synchronous, so the default blocks briefly. */
  sleepSync?: (ms: number) => void;
}

export interface AcquireOptions {
  timeoutMs: number;
  /** ms, any origin. Default `Date.now`. */
  clock?: () => number;
  /** Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Between attempts; default 100 ms. */
  pollMs?: number;
}

interface LockOwner {
  pid: number;
  token: string;
  at: number;
}

function isSlotEntry(value: unknown): value is SlotEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    Number.isInteger(entry['id']) &&
    (entry['id'] as number) >= 1 &&
    Number.isInteger(entry['pid']) &&
    typeof entry['runId'] === 'string' &&
    typeof entry['since'] === 'number'
  );
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' &&
      typeof owner.token === 'string' &&
      typeof owner.at === 'number'
      ? { pid: owner.pid, token: owner.token, at: owner.at }
      : undefined;
  } catch {
    return undefined;
  }
}

export class SlotTable {
  readonly dir: string;
  readonly capacity: number;
  private readonly pid: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly now: () => number;
  private readonly lockTimeoutMs: number;
  private readonly sleepSync: (ms: number) => void;
  private readonly tablePath: string;
  private readonly lockPath: string;

  constructor(options: SlotTableOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(
        `slot table capacity must be a positive integer, got ${options.capacity}`,
      );
    }
    this.dir = options.dir ?? defaultSlotDir();
    this.capacity = options.capacity;
    this.pid = options.pid ?? process.pid;
    this.isAlive = options.isAlive ?? isProcessAlive;
    this.now = options.now ?? Date.now;
    this.lockTimeoutMs = options.lockTimeoutMs ?? STALE_LOCK_MS + 2_000;
    this.sleepSync = options.sleepSync ?? sleepBlocking;
    this.tablePath = join(this.dir, TABLE_FILE);
    this.lockPath = join(this.dir, LOCK_DIR);
  }

  /** The lowest free id, or undefined when the machine-wide budget is taken. */
  tryAcquire(runId: string): number | undefined {
    return this.update((slots) => {
      if (slots.length >= this.capacity) return { result: undefined, slots };
      const taken = new Set(slots.map((slot) => slot.id));
      let id = 1;
      while (taken.has(id)) id++;
      return { result: id, slots: [...slots, { id, pid: this.pid, runId, since: this.now() }] };
    });
  }

  /**
   * Waits for a free id. A run's first slot uses this: waiting for a running shard to free a slot
   * beats oversubscribing the machine. Fails with a message naming the holders after `timeoutMs`.
   */
  async acquire(runId: string, options: AcquireOptions): Promise<number> {
    const clock = options.clock ?? Date.now;
    const sleep =
      options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const startedAt = clock();
    for (;;) {
      const id = this.tryAcquire(runId);
      if (id !== undefined) return id;
      if (clock() - startedAt >= options.timeoutMs) {
        const holders = [...new Set(this.entries().map((e) => `${e.runId} (pid ${e.pid})`))];
        throw new ShardwiseError(
          'SHARDWISE_SLOTS',
          `No free test slot after ${options.timeoutMs} ms: all ${this.capacity} slots of this ` +
            `machine are held by ${holders.join(', ') || 'other runs'}. Wait for those runs, ` +
            `raise the budget with --max-workers, or give this run its own table with ` +
            `${SLOT_DIR_ENV} (table: ${this.tablePath}).`,
        );
      }
      await sleep(options.pollMs ?? 100);
    }
  }

  /** Frees one of this process's slots; another process's slot with that id is left alone. */
  release(id: number): void {
    this.update((slots) => ({
      result: undefined,
      slots: slots.filter((slot) => !(slot.id === id && slot.pid === this.pid)),
    }));
  }

  /** Frees every slot this process holds for `runId`. */
  releaseAll(runId: string): void {
    this.update((slots) => ({
      result: undefined,
      slots: slots.filter((slot) => !(slot.runId === runId && slot.pid === this.pid)),
    }));
  }

  /** The live entries, for diagnostics and the "no free slot" message. */
  entries(): SlotEntry[] {
    return this.update((slots) => ({ result: slots, slots }));
  }

  /** Runs `change` on the pruned table under the lock and writes the result if it differs. */
  private update<T>(change: (slots: SlotEntry[]) => { result: T; slots: SlotEntry[] }): T {
    for (let attempt = 1; ; attempt++) {
      const token = this.lock();
      try {
        const stored = this.read();
        const live = stored.filter((slot) => this.isLive(slot));
        const { result, slots } = change(live);
        if (JSON.stringify(slots) === JSON.stringify(stored)) return result;
        // Our lock was broken under us (this process paused past STALE_LOCK_MS): start over
        // rather than let a late write overwrite the new holder's.
        if (this.lockToken() !== token) {
          if (attempt < 5) continue;
          throw new ShardwiseError(
            'SHARDWISE_SLOTS',
            `The slot table lock ${this.lockPath} was taken over repeatedly while held by this ` +
              `process; is another tool deleting it?`,
          );
        }
        writeFileAtomic(this.tablePath, `${JSON.stringify({ slots }, null, 2)}\n`);
        return result;
      } finally {
        this.unlock(token);
      }
    }
  }

  private isLive(slot: SlotEntry): boolean {
    if (slot.pid === process.pid) {
      // Our pid on an entry older than this process: a killed run whose pid was reused (pid 1 in
      // a container, with the table on a volume that outlived it).
      return slot.since >= this.now() - process.uptime() * 1000 - 1000;
    }
    return slot.pid === this.pid || this.isAlive(slot.pid);
  }

  private lockToken(): string | undefined {
    return readOwner(join(this.lockPath, LOCK_OWNER_FILE))?.token;
  }

  private read(): SlotEntry[] {
    let text: string;
    try {
      text = readFileSync(this.tablePath, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { slots?: unknown };
      // A damaged file (written by hand, or by a foreign tool) is rebuilt rather than fatal.
      return Array.isArray(parsed.slots) ? parsed.slots.filter(isSlotEntry) : [];
    } catch {
      return [];
    }
  }

  /** Takes the lock; returns the token written into it. */
  private lock(): string {
    mkdirSync(this.dir, { recursive: true });
    const token = `${this.pid}-${process.hrtime.bigint()}-${Math.random().toString(36).slice(2)}`;
    const startedAt = this.now();
    for (let attempt = 0; ; attempt++) {
      try {
        mkdirSync(this.lockPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (this.breakIfStale()) continue;
        if (this.now() - startedAt >= this.lockTimeoutMs) throw this.lockTimeoutError();
        // Jittered and growing a little, so waiting processes do not retry in lockstep.
        this.sleepSync(Math.min(25, 2 + attempt) + Math.random() * 3);
        continue;
      }
      try {
        const owner: LockOwner = { pid: this.pid, token, at: this.now() };
        writeFileSync(join(this.lockPath, LOCK_OWNER_FILE), JSON.stringify(owner));
        return token;
      } catch (error) {
        // An owner-less lock would block everyone until it turned stale.
        rmSync(this.lockPath, { recursive: true, force: true });
        throw error;
      }
    }
  }

  private lockTimeoutError(): ShardwiseError {
    const owner = readOwner(join(this.lockPath, LOCK_OWNER_FILE));
    const holder = owner
      ? `pid ${owner.pid} since ${new Date(owner.at).toISOString()}`
      : 'an unknown process';
    return new ShardwiseError(
      'SHARDWISE_SLOTS',
      `Could not lock the slot table within ${this.lockTimeoutMs} ms: ${this.lockPath} is ` +
        `held by ${holder}. If no Shardwise run is active on this machine, delete that folder.`,
    );
  }

  /** Dead owner, or held longer than any real critical section. */
  private isStale(lockDir: string): boolean {
    const owner = readOwner(join(lockDir, LOCK_OWNER_FILE));
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
    return this.now() - lockedAt > STALE_LOCK_MS;
  }

  /** Breaks a stale lock; true when the caller should retry at once. */
  private breakIfStale(): boolean {
    if (!this.isStale(this.lockPath)) return false;
    // Rename, then judge again what was renamed: another process may have broken the stale lock
    // and taken a fresh one since we looked. A fresh lock goes back; should that fail, its holder
    // notices before writing (the token check in `update`) and starts over.
    const brokenPath = `${this.lockPath}.broken-${this.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      renameSync(this.lockPath, brokenPath);
    } catch {
      return true; // Gone already.
    }
    if (!this.isStale(brokenPath)) {
      try {
        renameSync(brokenPath, this.lockPath);
        return false;
      } catch {
        // A new lock is in place; the one we moved is void.
      }
    }
    rmSync(brokenPath, { recursive: true, force: true });
    return true;
  }

  private unlock(token: string): void {
    if (this.lockToken() !== token) return;
    const releasedPath = `${this.lockPath}.released-${this.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      renameSync(this.lockPath, releasedPath);
    } catch {
      return;
    }
    rmSync(releasedPath, { recursive: true, force: true });
  }
}
