import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimScratchDir } from './scratch-dirs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function scratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'scratch-dirs-'));
  roots.push(root);
  return root;
}

describe('claimScratchDir', () => {
  it('creates the run folder with its owner', () => {
    const root = scratchRoot();
    const dir = claimScratchDir(root, 'run-1', { pid: 42, isAlive: () => true });
    expect(dir).toBe(join(root, 'run-1'));
    expect(readFileSync(join(dir, 'owner.pid'), 'utf8')).toBe('42');
  });

  it('removes folders of dead owners and keeps those of live ones', () => {
    const root = scratchRoot();
    claimScratchDir(root, 'dead', { pid: 7, isAlive: () => true });
    claimScratchDir(root, 'alive', { pid: 8, isAlive: () => true });
    claimScratchDir(root, 'next', { pid: 9, isAlive: (pid) => pid !== 7 });
    expect(existsSync(join(root, 'dead'))).toBe(false);
    expect(existsSync(join(root, 'alive'))).toBe(true);
    expect(existsSync(join(root, 'next'))).toBe(true);
  });

  it('keeps a folder without owner until it is an hour old', () => {
    const root = scratchRoot();
    mkdirSync(join(root, 'fresh'));
    mkdirSync(join(root, 'old'));
    writeFileSync(join(root, 'old', 'batch.jsonl'), '');
    const now = Date.now();
    utimesSync(join(root, 'old'), new Date(now - 7_200_000), new Date(now - 7_200_000));
    claimScratchDir(root, 'next', { pid: 1, isAlive: () => true, now });
    expect(existsSync(join(root, 'fresh'))).toBe(true);
    expect(existsSync(join(root, 'old'))).toBe(false);
  });
});
