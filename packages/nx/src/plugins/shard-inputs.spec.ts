import { describe, expect, it } from 'vitest';
import { compactFileSets, indexCodeFolders, unionInputs } from './shard-inputs';

describe('compactFileSets', () => {
  const workspace = [
    'libs/a/src/x.ts',
    'libs/a/src/y.ts',
    'libs/a/src/deep/z.ts',
    'libs/a/src/deep/readme.md',
    'libs/b/src/one.ts',
    'libs/b/src/two.ts',
    'libs/b/src/two.test.ts',
  ];
  const folders = indexCodeFolders(workspace);

  it('writes a folder glob where the closure holds every code file under it, single files elsewhere', () => {
    const closure = new Set([
      'libs/a/src/x.ts',
      'libs/a/src/y.ts',
      'libs/a/src/deep/z.ts',
      'libs/b/src/one.ts',
      'libs/b/src/data.json',
    ]);
    expect(compactFileSets(closure, folders)).toEqual([
      '{workspaceRoot}/libs/a/**/*',
      '{workspaceRoot}/libs/b/src/data.json',
      '{workspaceRoot}/libs/b/src/one.ts',
    ]);
  });

  it('never widens to a folder that holds a code file outside the closure', () => {
    const closure = new Set(['libs/b/src/one.ts', 'libs/b/src/two.ts']);
    expect(compactFileSets(closure, folders)).toEqual([
      '{workspaceRoot}/libs/b/src/one.ts',
      '{workspaceRoot}/libs/b/src/two.ts',
    ]);
  });
});

describe('unionInputs', () => {
  it('merges file sets, env and externals, negations last', () => {
    expect(
      unionInputs([
        [
          '{workspaceRoot}/b.ts',
          '{projectRoot}/**/*',
          '!{projectRoot}/**/*.ts',
          { env: 'B' },
          { externalDependencies: ['jest'] },
        ],
        [
          '{workspaceRoot}/a.ts',
          '{workspaceRoot}/b.ts',
          { env: 'A' },
          { externalDependencies: ['zod', 'jest'] },
        ],
      ]),
    ).toEqual([
      '{projectRoot}/**/*',
      '{workspaceRoot}/a.ts',
      '{workspaceRoot}/b.ts',
      '!{projectRoot}/**/*.ts',
      { env: 'A' },
      { env: 'B' },
      { externalDependencies: ['jest', 'zod'] },
    ]);
  });
});
