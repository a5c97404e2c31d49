import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import type { CoverageData } from './file-artifacts';
import { COVERAGE_FILES, mergeCoverage, readCoverageFile } from './merge-coverage';
import { mergeShardCoverage } from './merge-step';

afterAll(removeTempWorkspaces);

/** Two statements on lines 1 and 2 of `path`, hit `hits[0]` and `hits[1]` times. */
function fileCoverage(path: string, hits: [number, number]): CoverageData {
  return {
    [path]: {
      path,
      statementMap: {
        '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 10 } },
        '1': { start: { line: 2, column: 0 }, end: { line: 2, column: 10 } },
      },
      fnMap: {},
      branchMap: {},
      s: { '0': hits[0], '1': hits[1] },
      f: {},
      b: {},
    },
  };
}

describe('mergeCoverage', () => {
  it('adds up hits of the same source and writes lcov, json-summary, json and text-summary', () => {
    const root = tempWorkspace({});
    const out = join(root, 'coverage');
    const merged = mergeCoverage(
      [
        fileCoverage('/w/a.ts', [1, 0]),
        fileCoverage('/w/a.ts', [2, 0]),
        fileCoverage('/w/b.ts', [1, 1]),
      ],
      out,
      { projectRoot: '/w' },
    );
    expect(merged.files).toBe(2);
    expect(merged.totals.statements).toEqual({ total: 4, covered: 3, pct: 75 });
    expect(readdirSync(out).sort()).toEqual(Object.values(COVERAGE_FILES).sort());
    expect(readCoverageFile(join(out, COVERAGE_FILES.final))['/w/a.ts']?.s).toEqual({
      '0': 3,
      '1': 0,
    });
    expect(readFileSync(join(out, COVERAGE_FILES.lcov), 'utf8')).toContain('SF:b.ts\n');
    expect(merged.text).toContain('Statements   : 75% ( 3/4 )');
    // Nothing left beside the folder it built aside.
    expect(readdirSync(root)).toEqual(['coverage']);
  });

  it('rejects a file that is not istanbul coverage, naming it', () => {
    const root = tempWorkspace({ 'bad.json': '{"a.ts":{"path":"a.ts"}}' });
    expect(() => readCoverageFile(join(root, 'bad.json'))).toThrow(/bad\.json is not istanbul/);
  });
});

describe('mergeShardCoverage', () => {
  it("merges every shard folder's coverage and names the shards without any", () => {
    const root = tempWorkspace({});
    const shards = ['s1', 's2', 's3'].map((name) => join(root, name));
    for (const [index, dir] of shards.slice(0, 2).entries()) {
      mkdirSync(join(dir, 'coverage'), { recursive: true });
      writeFileSync(
        join(dir, 'coverage', COVERAGE_FILES.final),
        JSON.stringify(fileCoverage('/w/a.ts', index === 0 ? [1, 0] : [0, 1])),
      );
    }
    mkdirSync(shards[2]!, { recursive: true });
    const lines: string[] = [];
    const merged = mergeShardCoverage(
      { sources: shards.map((dir) => ({ dir })), outDir: join(root, 'merged') },
      (line) => lines.push(line),
    );
    expect(merged?.totals.statements).toEqual({ total: 2, covered: 2, pct: 100 });
    expect(lines[0]).toContain(`1 shard report(s) have none: ${shards[2]}`);
    expect(
      mergeShardCoverage({ sources: [{ dir: shards[2]! }], outDir: join(root, 'm2') }, () => {}),
    ).toBeUndefined();
  });
});

describe('mergeCoverage against istanbul', () => {
  it("sums like istanbul's own merge, for equal and for different maps of one source", async () => {
    const libCoverage = (await import('istanbul-lib-coverage')).default;
    const a = fileCoverage('/w/a.ts', [1, 0]);
    const b = fileCoverage('/w/a.ts', [2, 5]);
    // Another instrumentation of the same source: one statement only, at line 2.
    const other: CoverageData = {
      '/w/a.ts': {
        path: '/w/a.ts',
        statementMap: { '0': { start: { line: 2, column: 0 }, end: { line: 2, column: 10 } } },
        fnMap: {},
        branchMap: {},
        s: { '0': 7 },
        f: {},
        b: {},
      },
    };
    const root = tempWorkspace({});
    const expected = libCoverage.createCoverageMap({});
    // istanbul keeps (and adds into) the first record it is given: it gets copies.
    for (const input of [a, b, other]) expected.merge(structuredClone(input) as never);
    mergeCoverage([a, b, other], join(root, 'out'), { projectRoot: '/w' });
    expect(readCoverageFile(join(root, 'out', COVERAGE_FILES.final))).toEqual(
      JSON.parse(JSON.stringify(expected.toJSON())),
    );
    // The inputs are not changed by the merge.
    expect(a['/w/a.ts']?.s).toEqual({ '0': 1, '1': 0 });
  });
});
