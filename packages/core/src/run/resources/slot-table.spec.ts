import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { ShardwiseError } from '../../errors';
import { removeTempWorkspaces, tempWorkspace } from '../../test-support/temp-workspace';
import { defaultSlotDir, SlotTable, STALE_LOCK_MS, type SlotTableOptions } from './slot-table';

afterEach(removeTempWorkspaces);

const DEAD_PID = 999_999_001;
const OTHER_PID = 999_999_002;

function slotDir(): string {
  return join(tempWorkspace({}), 'slots');
}

/** A fake wall clock that the table's own lock sleeps advance. */
function fakeTime(
  startMs = 1_700_000_000_000,
): Required<Pick<SlotTableOptions, 'now' | 'sleepSync'>> {
  let now = startMs;
  return { now: () => now, sleepSync: (ms) => void (now += ms) };
}

function writeLock(dir: string, owner: { pid: number; at: number } | undefined): void {
  mkdirSync(join(dir, 'slots.lock'), { recursive: true });
  if (owner) {
    writeFileSync(join(dir, 'slots.lock/owner.json'), JSON.stringify({ ...owner, token: 'x' }));
  }
}

describe('SlotTable', () => {
  it('hands out the lowest free id across tables sharing one folder', () => {
    const dir = slotDir();
    const first = new SlotTable({ dir, capacity: 4 });
    const second = new SlotTable({ dir, capacity: 4 });
    expect(first.tryAcquire('run-a')).toBe(1);
    expect(second.tryAcquire('run-b')).toBe(2);
    expect(first.tryAcquire('run-a')).toBe(3);
    first.release(1);
    expect(second.tryAcquire('run-b')).toBe(1);
    expect(
      first
        .entries()
        .map((e) => [e.id, e.runId])
        .sort(),
    ).toEqual([
      [1, 'run-b'],
      [2, 'run-b'],
      [3, 'run-a'],
    ]);
  });

  it('respects the machine-wide capacity', () => {
    const dir = slotDir();
    const first = new SlotTable({ dir, capacity: 2 });
    const second = new SlotTable({ dir, capacity: 2 });
    expect(first.tryAcquire('run-a')).toBe(1);
    expect(second.tryAcquire('run-b')).toBe(2);
    expect(first.tryAcquire('run-a')).toBeUndefined();
    expect(second.tryAcquire('run-b')).toBeUndefined();
    second.releaseAll('run-b');
    expect(first.tryAcquire('run-a')).toBe(2);
  });

  it("releases only this process's slots", () => {
    const dir = slotDir();
    const alive = (): boolean => true;
    const other = new SlotTable({ dir, capacity: 4, pid: OTHER_PID, isAlive: alive });
    const mine = new SlotTable({ dir, capacity: 4, isAlive: alive });
    expect(other.tryAcquire('shared-run')).toBe(1);
    mine.release(1);
    mine.releaseAll('shared-run');
    expect(mine.entries().map((e) => e.pid)).toEqual([OTHER_PID]);
  });

  it('prunes entries of dead processes on every access', () => {
    const dir = slotDir();
    const isAlive = (pid: number): boolean => pid !== DEAD_PID;
    const killed = new SlotTable({ dir, capacity: 2, pid: DEAD_PID, isAlive });
    expect(killed.tryAcquire('killed-run')).toBe(1);
    expect(killed.tryAcquire('killed-run')).toBe(2);
    const survivor = new SlotTable({ dir, capacity: 2, isAlive });
    expect(survivor.tryAcquire('next-run')).toBe(1);
    const stored = JSON.parse(readFileSync(join(dir, 'slots.json'), 'utf8')) as {
      slots: Array<{ runId: string }>;
    };
    expect(stored.slots.map((s) => s.runId)).toEqual(['next-run']);
  });

  it("prunes an entry with this process's pid that is older than this process (pid reused)", () => {
    const dir = slotDir();
    mkdirSync(dir, { recursive: true });
    const leftover = {
      id: 1,
      pid: process.pid,
      runId: 'killed-run',
      since: Date.now() - 86_400_000,
    };
    writeFileSync(join(dir, 'slots.json'), JSON.stringify({ slots: [leftover] }));
    const table = new SlotTable({ dir, capacity: 1 });
    expect(table.tryAcquire('new-run')).toBe(1);
    expect(table.entries().map((e) => e.runId)).toEqual(['new-run']);
  });

  it('records pid, run id and since', () => {
    const dir = slotDir();
    const time = fakeTime(1_234);
    new SlotTable({ dir, capacity: 1, now: time.now }).tryAcquire('run-x');
    expect(JSON.parse(readFileSync(join(dir, 'slots.json'), 'utf8'))).toEqual({
      slots: [{ id: 1, pid: process.pid, runId: 'run-x', since: 1_234 }],
    });
  });

  it('rebuilds a damaged table file', () => {
    const dir = slotDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'slots.json'), '{"slots": [{"id": "one"}, 7');
    expect(new SlotTable({ dir, capacity: 2 }).tryAcquire('run')).toBe(1);
  });

  it('breaks a lock whose owner died', () => {
    const dir = slotDir();
    const time = fakeTime();
    writeLock(dir, { pid: DEAD_PID, at: time.now() });
    const table = new SlotTable({ dir, capacity: 1, isAlive: () => false, ...time });
    expect(table.tryAcquire('run')).toBe(1);
    expect(existsSync(join(dir, 'slots.lock'))).toBe(false);
  });

  it('breaks a lock held longer than the stale limit by a live process', () => {
    const dir = slotDir();
    const time = fakeTime();
    writeLock(dir, { pid: OTHER_PID, at: time.now() - STALE_LOCK_MS - 1 });
    expect(new SlotTable({ dir, capacity: 1, isAlive: () => true, ...time }).tryAcquire('r')).toBe(
      1,
    );
  });

  it('breaks an owner-less lock by its folder age', () => {
    const dir = slotDir();
    writeLock(dir, undefined);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'slots.lock'), old, old);
    expect(new SlotTable({ dir, capacity: 1 }).tryAcquire('r')).toBe(1);
  });

  it('waits for a frozen holder until its lock turns stale', () => {
    const dir = slotDir();
    const time = fakeTime();
    writeLock(dir, { pid: OTHER_PID, at: time.now() });
    const table = new SlotTable({ dir, capacity: 1, isAlive: () => true, ...time });
    const startedAt = time.now();
    expect(table.tryAcquire('r')).toBe(1);
    expect(time.now() - startedAt).toBeGreaterThan(STALE_LOCK_MS);
  });

  it('gives up on a held lock after the lock timeout with a clear error', () => {
    const dir = slotDir();
    const time = fakeTime();
    writeLock(dir, { pid: OTHER_PID, at: time.now() });
    const table = new SlotTable({
      dir,
      capacity: 1,
      isAlive: () => true,
      lockTimeoutMs: 500,
      ...time,
    });
    expect(() => table.tryAcquire('r')).toThrow(
      /Could not lock the slot table within 500 ms: .*slots\.lock is held by pid 999999002/,
    );
  });

  it('acquire waits for a slot to free up rather than oversubscribe', async () => {
    const dir = slotDir();
    const alive = (): boolean => true;
    const holder = new SlotTable({ dir, capacity: 1, pid: OTHER_PID, isAlive: alive });
    const waiter = new SlotTable({ dir, capacity: 1, isAlive: alive });
    expect(holder.tryAcquire('shard-1')).toBe(1);
    let now = 0;
    const sleeps: number[] = [];
    const id = await waiter.acquire('shard-2', {
      timeoutMs: 60_000,
      clock: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
        if (sleeps.length === 3) holder.releaseAll('shard-1');
      },
    });
    expect(id).toBe(1);
    expect(sleeps).toEqual([100, 100, 100]);
  });

  it('acquire fails after its timeout, naming the runs that hold the slots', async () => {
    const dir = slotDir();
    const alive = (): boolean => true;
    new SlotTable({ dir, capacity: 1, pid: OTHER_PID, isAlive: alive }).tryAcquire('shard-1');
    let now = 0;
    const attempt = new SlotTable({ dir, capacity: 1, isAlive: alive }).acquire('shard-2', {
      timeoutMs: 1_000,
      pollMs: 250,
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    await expect(attempt).rejects.toThrow(ShardwiseError);
    await expect(attempt).rejects.toThrow(
      /No free test slot after 1000 ms: all 1 slots of this machine are held by shard-1 \(pid 999999002\)/,
    );
  });

  it('reads its default folder from SHARDWISE_SLOT_DIR', () => {
    expect(defaultSlotDir({ SHARDWISE_SLOT_DIR: '/var/shardwise' })).toBe('/var/shardwise');
    expect(defaultSlotDir({})).toMatch(/shardwise-slots$/);
  });

  it('rejects a capacity below one', () => {
    expect(() => new SlotTable({ dir: slotDir(), capacity: 0 })).toThrow(RangeError);
  });
});

/**
 * Compiles slot-table.ts and what it imports to plain CommonJS, so child processes can run it with
 * nothing but node.
 */
function compileSlotTable(outDir: string): string {
  const srcRoot = resolve(__dirname, '../..');
  const pending = [resolve(__dirname, 'slot-table.ts')];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      pending.push(resolve(dirname(file), `${specifier}.ts`));
    }
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const target = join(outDir, relative(srcRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return join(outDir, 'run/resources/slot-table.js');
}

/**
 * Child: waits for the start signal, then acquires and releases slots in a tight loop. Holding id k
 * it creates the marker file held-k exclusively, so two holders of one id at once fail loudly.
 */
const CHILD_SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
const [modulePath, dir, markers, name, capacity, rounds, mode, children] = process.argv.slice(2);
const { SlotTable } = require(modulePath);
const table = new SlotTable({ dir, capacity: Number(capacity) });
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
fs.writeFileSync(path.join(markers, 'ready-' + name), '');
while (!fs.existsSync(path.join(markers, 'go'))) pause(1);
const ids = [];
const duplicates = [];
for (let round = 0; round < Number(rounds); round++) {
  const id = table.tryAcquire(name);
  if (id === undefined) continue;
  ids.push(id);
  if (mode === 'hold') continue;
  const marker = path.join(markers, 'held-' + id);
  try {
    fs.writeFileSync(marker, name, { flag: 'wx' });
  } catch {
    duplicates.push(id);
    continue;
  }
  fs.unlinkSync(marker);
  table.release(id);
}
// Holders stay alive until all have finished: a dead holder's slots are pruned and reused.
fs.writeFileSync(path.join(markers, 'finished-' + name), '');
const finished = () => fs.readdirSync(markers).filter((f) => f.startsWith('finished-')).length;
while (mode === 'hold' && finished() < Number(children)) pause(1);
process.stdout.write(JSON.stringify({ ids, duplicates }));
`;

interface ChildResult {
  ids: number[];
  duplicates: number[];
}

async function raceChildren(
  count: number,
  capacity: number,
  rounds: number,
  mode: 'churn' | 'hold',
): Promise<ChildResult[]> {
  const root = tempWorkspace({});
  const modulePath = compileSlotTable(join(root, 'compiled'));
  const script = join(root, 'child.js');
  writeFileSync(script, CHILD_SCRIPT);
  const markers = join(root, 'markers');
  mkdirSync(markers);
  const dir = join(root, 'slots');
  const children = Array.from({ length: count }, (_, index) => {
    const args = [script, modulePath, dir, markers, `run-${index}`, capacity, rounds, mode, count];
    const child = spawn(process.execPath, args.map(String), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<ChildResult>((resolveChild, reject) => {
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolveChild(JSON.parse(stdout) as ChildResult)
          : reject(new Error(`child ${index} exited ${code}: ${stderr}`)),
      );
    });
  });
  // Start them together so their loops really overlap.
  while (readdirSync(markers).filter((f) => f.startsWith('ready-')).length < count) {
    await new Promise((r) => setTimeout(r, 5));
  }
  writeFileSync(join(markers, 'go'), '');
  return Promise.all(children);
}

describe('SlotTable across processes', () => {
  it('never gives one id to two holders at once (4 processes, 3 slots)', async () => {
    const results = await raceChildren(4, 3, 150, 'churn');
    const ids = results.flatMap((r) => r.ids);
    expect(results.flatMap((r) => r.duplicates)).toEqual([]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBeLessThanOrEqual(3);
    expect(Math.max(...ids)).toBeLessThanOrEqual(3);
  });

  it('hands out distinct ids 1..capacity to 4 processes holding what they take', async () => {
    const results = await raceChildren(4, 20, 10, 'hold');
    const ids = results.flatMap((r) => r.ids).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
