import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import {
  absolutizeCoverage,
  artifactFileName,
  readFileArtifacts,
  relativizeCoverage,
  type CoverageData,
} from './file-artifacts';

afterAll(removeTempWorkspaces);

const source = (path: string): CoverageData[string] => ({
  path,
  statementMap: {},
  fnMap: {},
  branchMap: {},
  s: {},
  f: {},
  b: {},
});

describe('file artifacts', () => {
  it('reads artifacts by workspace-relative test path and skips one that does not parse', () => {
    const root = tempWorkspace({});
    const dir = join(root, 'artifacts');
    mkdirSync(dir);
    const test = join(root, 'libs/a/x.test.ts');
    writeFileSync(
      join(dir, artifactFileName(test)),
      JSON.stringify({
        path: test,
        coverage: { [join(root, 'libs/a/x.ts')]: source(join(root, 'libs/a/x.ts')) },
        snapshots: { obsolete: 1, obsoleteKeys: ['old 1'] },
      }),
    );
    writeFileSync(join(dir, 'torn.json'), '{"path":');
    const warnings: string[] = [];
    const artifacts = readFileArtifacts(dir, root, (w) => warnings.push(w));
    expect([...artifacts.keys()]).toEqual(['libs/a/x.test.ts']);
    expect(artifacts.get('libs/a/x.test.ts')?.snapshots?.obsoleteKeys).toEqual(['old 1']);
    expect(warnings).toHaveLength(1);
    expect(readFileArtifacts(join(root, 'none'), root).size).toBe(0);
  });

  it('stores sources workspace-relative and restores them under another checkout', () => {
    const data = {
      '/w/one/src/a.ts': source('/w/one/src/a.ts'),
      '/elsewhere/b.ts': source('/elsewhere/b.ts'),
    };
    const stored = relativizeCoverage(data, '/w/one');
    expect(Object.keys(stored).sort()).toEqual(['/elsewhere/b.ts', 'src/a.ts']);
    expect(stored['src/a.ts']?.path).toBe('src/a.ts');
    const restored = absolutizeCoverage(stored, '/w/two');
    expect(Object.keys(restored).sort()).toEqual(['/elsewhere/b.ts', '/w/two/src/a.ts']);
  });
});
