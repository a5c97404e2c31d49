import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import {
  braceSets,
  compactFileSets,
  formatInputs,
  indexCodeFolders,
  unionParts,
  type InputParts,
} from './shard-inputs';

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
      '{workspaceRoot}/libs/b/src/{data.json,one.ts}',
    ]);
  });

  it('takes a folder with negations where the closure misses few of its code files', () => {
    const many = Array.from({ length: 9 }, (_, i) => `libs/c/src/f${i}.ts`);
    const index = indexCodeFolders([...many, 'libs/c/src/f.test.ts', 'libs/c/src/g.test.ts']);
    expect(compactFileSets(new Set(many), index)).toEqual([
      '{workspaceRoot}/libs/**/*',
      '!{workspaceRoot}/libs/c/src/{f.test,g.test}.ts',
    ]);
  });

  it('never widens to a folder where the negations would cost more than the names they save', () => {
    const closure = new Set(['libs/b/src/one.ts', 'libs/b/src/two.ts']);
    expect(compactFileSets(closure, folders)).toEqual(['{workspaceRoot}/libs/b/src/{one,two}.ts']);
  });
});

describe('braceSets', () => {
  it('writes one brace set per folder, sharing the extension when every name has it', () => {
    expect(
      braceSets(['a/x.ts', 'a/y.ts', 'a/b/z.ts', 'c/p.ts', 'c/q.json', 'root.ts', 'a/odd,1.ts']),
    ).toEqual([
      '{workspaceRoot}/a/b/z.ts',
      '{workspaceRoot}/a/odd,1.ts',
      '{workspaceRoot}/a/{x,y}.ts',
      '{workspaceRoot}/c/{p.ts,q.json}',
      '{workspaceRoot}/root.ts',
    ]);
  });
});

describe('glob syntax in paths', () => {
  // Next.js-style routes: without escapes Nx reads [id] as a character class and (auth) as a group.
  const files = [
    'apps/web/app/[slug]/page.tsx',
    'apps/web/app/(auth)/login/page.tsx',
    'apps/web/app/(auth)/login/form.tsx',
    'libs/a/src/odd{1}.ts',
  ];

  it('escapes every path so each set matches exactly its files', () => {
    const others = ['apps/web/app/[slug]/b.tsx', 'apps/web/app/(auth)/login/x.tsx', 'libs/a/w.ts'];
    const sets = compactFileSets(new Set(files), indexCodeFolders([...files, ...others]));
    expect(sets).toEqual([
      '{workspaceRoot}/apps/web/app/\\(auth\\)/login/{form,page}.tsx',
      '{workspaceRoot}/apps/web/app/\\[slug\\]/page.tsx',
      '{workspaceRoot}/libs/a/src/odd\\{1\\}.ts',
    ]);
    const globs = sets.map((set) => picomatch(set.replace('{workspaceRoot}/', '')));
    for (const file of files)
      expect(
        globs.some((glob) => glob(file)),
        file,
      ).toBe(true);
    for (const near of ['apps/web/app/s/page.tsx', 'libs/a/src/odd1.ts'])
      expect(
        globs.some((glob) => glob(near)),
        near,
      ).toBe(false);
  });

  it('writes no folder negations for a project at the workspace root', () => {
    const many = Array.from({ length: 9 }, (_, i) => `src/f${i}.ts`);
    const index = indexCodeFolders([...many, 'src/dynamic.ts']);
    expect(compactFileSets(new Set(many), index, { negations: false })).toEqual([
      `{workspaceRoot}/src/{${many.map((f) => f.slice(4, -3)).join(',')}}.ts`,
    ]);
  });
});

describe('unionParts and formatInputs', () => {
  const parts = (over: Partial<InputParts>): InputParts => ({
    files: new Set(),
    projectSets: new Set(['{projectRoot}/**/*']),
    negations: new Set(['!{projectRoot}/**/*.ts']),
    wide: false,
    folderNegations: true,
    env: new Set(),
    externals: new Set(),
    ...over,
  });

  it('merges files, env and externals, negations after the file sets', () => {
    const union = unionParts([
      parts({ files: new Set(['b.ts']), env: new Set(['B']), externals: new Set(['jest']) }),
      parts({ files: new Set(['a.ts', 'b.ts']), env: new Set(['A']), externals: new Set(['zod']) }),
    ]);
    expect(formatInputs(union, indexCodeFolders(['a.ts', 'b.ts', 'c.ts']))).toEqual([
      '{workspaceRoot}/{a,b}.ts',
      '{projectRoot}/**/*',
      '!{projectRoot}/**/*.ts',
      { env: 'A' },
      { env: 'B' },
      { externalDependencies: ['jest', 'zod'] },
    ]);
  });

  it('drops the negation when one part is wide, so the union never narrows a wide shard', () => {
    const union = unionParts([parts({}), parts({ wide: true, negations: new Set() })]);
    expect(formatInputs(union, indexCodeFolders([]))).toEqual(['{projectRoot}/**/*']);
  });
});
