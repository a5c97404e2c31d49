/**
 * The machine-wide slot table. Several Shardwise processes on one machine (Nx running shards in
 * parallel) share one budget of slots, and each slot gets a number that is unique machine-wide for
 * as long as it is held: `SHARDWISE_WORKER_ID`, from 1.
 *
 * The table is a JSON file `{ slots: [{ id, pid, runId, since }] }` guarded by `withFileLock`
 * (a lock folder `slots.lock`). Entries of dead processes are pruned on every access, so a run
 * killed with SIGKILL never blocks the others; a lock whose owner died, or that is older than any
 * real critical section, is broken.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShardwiseError } from '../../errors';
import { writeFileAtomic } from '../../util/atomic-write';
import { isProcessAlive, withFileLock } from '../../util/file-lock';

export { isProcessAlive };

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
/** `withFileLock` locks `<dir>/slots` with the folder `<dir>/slots.lock`. */
const LOCK_PATH = 'slots';

export function defaultSlotDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[SLOT_DIR_ENV];
  return configured !== undefined && configured !== ''
    ? configured
    : join(tmpdir(), 'shardwise-slots');
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

export class SlotTable {
  readonly dir: string;
  readonly capacity: number;
  private readonly pid: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly now: () => number;
  private readonly lockTimeoutMs: number;
  private readonly sleepSync: ((ms: number) => void) | undefined;
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
    this.sleepSync = options.sleepSync;
    this.tablePath = join(this.dir, TABLE_FILE);
    this.lockPath = join(this.dir, LOCK_PATH);
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
    return withFileLock(
      this.lockPath,
      (lock) => {
        const stored = this.read();
        const live = stored.filter((slot) => this.isLive(slot));
        const { result, slots } = change(live);
        if (JSON.stringify(slots) === JSON.stringify(stored)) return result;
        // Our lock was broken under us (this process paused past STALE_LOCK_MS): start over
        // rather than let a late write overwrite the new holder's.
        lock.confirm();
        writeFileAtomic(this.tablePath, `${JSON.stringify({ slots }, null, 2)}\n`);
        return result;
      },
      {
        timeoutMs: this.lockTimeoutMs,
        staleMs: STALE_LOCK_MS,
        isAlive: this.isAlive,
        pid: this.pid,
        now: this.now,
        sleepSync: this.sleepSync,
        subject: 'the slot table',
        errorCode: 'SHARDWISE_SLOTS',
      },
    );
  }

  private isLive(slot: SlotEntry): boolean {
    if (slot.pid === process.pid) {
      // Our pid on an entry older than this process: a killed run whose pid was reused (pid 1 in
      // a container, with the table on a volume that outlived it).
      return slot.since >= this.now() - process.uptime() * 1000 - 1000;
    }
    return slot.pid === this.pid || this.isAlive(slot.pid);
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
}
