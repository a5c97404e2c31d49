import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import type { CoverageData } from '../test-coverage/file-artifacts';
import { CoverageMapStore } from './coverage-maps';

afterAll(removeTempWorkspaces);

const record = (path: string, hits: number): CoverageData[string] => ({
  path,
  statementMap: { '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 5 } } },
  fnMap: {},
  branchMap: {},
  s: { '0': hits },
  f: {},
  b: {},
});

describe('CoverageMapStore', () => {
  it('keeps one copy of a map set and rebuilds the coverage under another checkout', () => {
    const cacheDir = tempWorkspace({});
    const store = new CoverageMapStore(cacheDir);
    const first = store.store({ '/w/src/a.ts': record('/w/src/a.ts', 1) }, '/w');
    const second = store.store({ '/w/src/a.ts': record('/w/src/a.ts', 5) }, '/w');
    expect(first['src/a.ts']?.m).toBe(second['src/a.ts']?.m);
    expect(readdirSync(store.dir).flatMap((d) => readdirSync(join(store.dir, d)))).toHaveLength(1);
    // A fresh store (the next run) reads the map back.
    const restored = new CoverageMapStore(cacheDir).restore(second, '/elsewhere');
    expect(restored).toEqual({ '/elsewhere/src/a.ts': record('/elsewhere/src/a.ts', 5) });
  });

  it('cannot restore when a map file is missing or altered', () => {
    const cacheDir = tempWorkspace({});
    const stored = new CoverageMapStore(cacheDir).store({ '/w/a.ts': record('/w/a.ts', 1) }, '/w');
    const hash = stored['a.ts']!.m;
    const file = join(cacheDir, 'coverage-maps', hash.slice(0, 2), `${hash}.json`);
    writeFileSync(file, '{"statementMap":{},"fnMap":{},"branchMap":{}}');
    expect(new CoverageMapStore(cacheDir).restore(stored, '/w')).toBeUndefined();
    rmSync(file);
    expect(new CoverageMapStore(cacheDir).restore(stored, '/w')).toBeUndefined();
  });
});
