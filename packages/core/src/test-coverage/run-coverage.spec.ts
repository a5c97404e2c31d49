import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { formatEverydayNotes } from './everyday-notes';
import type { CoverageData } from './file-artifacts';
import { collectsCoverage, RunCoverage } from './run-coverage';

afterAll(removeTempWorkspaces);

/** One source with one statement at `line`, hit `hits` times. */
function one(path: string, line: number, hits: number): CoverageData {
  return {
    [path]: {
      path,
      statementMap: { '0': { start: { line, column: 0 }, end: { line, column: 5 } } },
      fnMap: {},
      branchMap: {},
      s: { '0': hits },
      f: {},
      b: {},
    },
  };
}

describe('RunCoverage', () => {
  it('gives the same report whatever order files finish in, cached or fresh', () => {
    const root = tempWorkspace({});
    const write = (order: 'cold' | 'warm') => {
      const run = new RunCoverage(root, join(root, 'cache'));
      // Two instrumentations of one source (two providers): istanbul keeps the first map.
      const a = one(join(root, 'src/x.ts'), 1, 1);
      const b = one(join(root, 'src/x.ts'), 2, 4);
      if (order === 'cold') {
        run.addFresh('b.test.ts', { path: 'b', coverage: b });
        run.addFresh('a.test.ts', { path: 'a', coverage: a });
      } else {
        run.addRestored('a.test.ts', run.restore(run.toStored(a))!);
        run.addRestored('b.test.ts', run.restore(run.toStored(b))!);
      }
      const dir = join(root, order);
      run.write(dir);
      return readFileSync(join(dir, 'coverage', 'coverage-final.json'), 'utf8');
    };
    expect(write('warm')).toBe(write('cold'));
  });

  it('stores sources relative to the workspace', () => {
    const root = tempWorkspace({});
    const run = new RunCoverage(root, join(root, 'cache'));
    expect(Object.keys(run.toStored(one(join(root, 'src/x.ts'), 1, 1)))).toEqual(['src/x.ts']);
  });

  it('collects for Jest and Vitest only, and says so for the others', () => {
    expect(['jest', 'vitest', 'node', 'command'].map((r) => collectsCoverage(r as never))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    const run = new RunCoverage(tempWorkspace({}), tempWorkspace({}));
    run.addUnsupported('node');
    expect(
      formatEverydayNotes({
        coverageUnsupported: run.unsupportedRunners,
        obsoleteSnapshots: [{ path: 'a.test.ts', keys: ['old 1', 'old 2'] }],
      }),
    ).toEqual([
      'coverage: not collected for node test files (no provider Shardwise drives per file)',
      'snapshots: 2 obsolete in 1 test file(s); `shardwise run -u` removes them',
      '  a.test.ts: old 1, old 2',
    ]);
  });
});
