import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isShardwiseError } from '../errors';
import { assertUsableCacheDir } from './cache-dir';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cache-dir-'));
  roots.push(dir);
  return dir;
}

describe('assertUsableCacheDir', () => {
  it('creates the folders it needs and leaves no probe behind', () => {
    const cacheDir = join(root(), 'cache');
    assertUsableCacheDir(cacheDir);
    for (const sub of ['results', 'history', 'tmp']) {
      expect(existsSync(join(cacheDir, sub))).toBe(true);
      expect(readdirSync(join(cacheDir, sub))).toEqual([]);
    }
  });

  it('names the folder and exits 2 when a file is in the way', () => {
    const cacheDir = join(root(), 'cache');
    mkdirSync(cacheDir);
    writeFileSync(join(cacheDir, 'results'), 'not a folder');
    let caught: unknown;
    try {
      assertUsableCacheDir(cacheDir);
    } catch (error) {
      caught = error;
    }
    expect(isShardwiseError(caught)).toBe(true);
    expect((caught as { exitCode: number }).exitCode).toBe(2);
    expect((caught as Error).message).toContain(`the cache folder ${cacheDir} cannot be used`);
  });
});
