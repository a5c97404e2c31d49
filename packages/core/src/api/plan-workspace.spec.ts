import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config';
import { removeTempWorkspaces, tempWorkspace, type Tree } from '../test-support/temp-workspace';
import { planWorkspace, type PlannedFile, type WorkspacePlan } from './plan-workspace';

afterAll(removeTempWorkspaces);

const defaults = resolveConfig({}, { kind: 'defaults', file: '', keyPrefix: '' }, {});

/** A workspace with the resolution cases the issue names. */
const WORKSPACE: Tree = {
  'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['libs/*'] }),
  'tsconfig.base.json': `{
    // comments are allowed in tsconfig files
    "compilerOptions": { "baseUrl": ".", "paths": { "@ws/util": ["libs/util/src/index.ts"], "@ws/deep/*": ["libs/deep/src/*"] } }
  }`,
  'apps/api/project.json': JSON.stringify({ name: 'api' }),
  'apps/api/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json' }),
  'apps/api/jest.config.js': `module.exports = { setupFiles: ['<rootDir>/jest.setup.ts'] };`,
  'apps/api/jest.setup.ts': `export {};`,
  'apps/api/src/server.ts': `import { helper } from './helpers/index'; import { util } from '@ws/util'; export const server = () => helper() + util();`,
  'apps/api/src/helpers/index.ts': `export * from './format.js';`,
  'apps/api/src/helpers/format.ts': `export const helper = () => 'h';`,
  'apps/api/src/cycle-a.ts': `import { b } from './cycle-b'; export const a = () => b();`,
  'apps/api/src/cycle-b.ts': `import { a } from './cycle-a'; export const b = (): string => typeof a;`,
  'apps/api/src/server.test.ts': `import { server } from './server'; test('s', () => expect(server()).toBe('hu'));`,
  'apps/api/src/cycle.test.ts': `import { a } from './cycle-a'; test('c', () => a());`,
  'apps/api/src/pkg.int.test.ts': `import { pkg } from '@ws/pkg'; import { deep } from '@ws/deep/deep'; test('p', () => pkg() + deep());`,
  'apps/api/src/dynamic.test.ts': `const name = './server'; test('d', () => require(name));`,
  'apps/api/src/broken.test.ts': `import { from ;`,
  'apps/api/src/fixtures/data.json': `{"a":1}`,
  'apps/api/src/unrelated.ts': `export const unrelated = 1;`,
  'libs/util/project.json': JSON.stringify({ name: 'util' }),
  'libs/util/src/index.ts': `export const util = () => 'u';`,
  'libs/deep/project.json': JSON.stringify({ name: 'deep' }),
  'libs/deep/src/deep.ts': `export const deep = () => 'd';`,
  'libs/pkg/package.json': JSON.stringify({
    name: '@ws/pkg',
    exports: { '.': { types: './src/index.ts', default: './dist/index.js' } },
  }),
  'libs/pkg/src/index.ts': `import { extra } from './extra.js'; export const pkg = () => extra;`,
  'libs/pkg/src/extra.ts': `export const extra = 'e';`,
};

function linkWorkspacePackage(root: string): void {
  mkdirSync(join(root, 'node_modules/@ws'), { recursive: true });
  symlinkSync(join(root, 'libs/pkg'), join(root, 'node_modules/@ws/pkg'), 'dir');
}

function filesOf(plan: WorkspacePlan): Map<string, PlannedFile> {
  const out = new Map<string, PlannedFile>();
  for (const p of plan.projects)
    for (const c of p.categories)
      for (const s of c.shards) for (const f of s.files) out.set(f.path, f);
  return out;
}

async function planOf(root: string): Promise<WorkspacePlan> {
  return planWorkspace({ workspaceRoot: root, config: defaults, env: {} });
}

describe('planWorkspace', () => {
  it('resolves aliases through extends, .js written for .ts, index files, workspace packages and cycles', async () => {
    const root = tempWorkspace(WORKSPACE);
    linkWorkspacePackage(root);
    const plan = await planOf(root);
    const deps = (path: string) => plan.graph.nodes.get(path)?.deps;
    expect(deps('apps/api/src/server.ts')).toEqual([
      'apps/api/src/helpers/index.ts',
      'libs/util/src/index.ts',
    ]);
    expect(deps('apps/api/src/helpers/index.ts')).toEqual(['apps/api/src/helpers/format.ts']);
    expect(deps('apps/api/src/pkg.int.test.ts')).toEqual([
      'libs/deep/src/deep.ts',
      'libs/pkg/src/index.ts',
    ]);
    expect(deps('libs/pkg/src/index.ts')).toEqual(['libs/pkg/src/extra.ts']);
    expect(deps('apps/api/src/cycle-b.ts')).toEqual(['apps/api/src/cycle-a.ts']);
    // The runner's config and the setup file it names are shared inputs of the project's tests.
    expect(plan.projects[0]?.sharedInputs).toEqual([
      'apps/api/jest.config.js',
      'apps/api/jest.setup.ts',
      'apps/api/tsconfig.json',
      'tsconfig.base.json',
    ]);
    expect(plan.projects[0]?.runner).toBe('jest');
  });

  it('sorts test files into categories and reports wide and unparsable files', async () => {
    const root = tempWorkspace(WORKSPACE);
    linkWorkspacePackage(root);
    const plan = await planOf(root);
    const api = plan.projects.find((p) => p.name === 'api')!;
    const byCategory = Object.fromEntries(
      api.categories.map((c) => [c.name, c.shards.flatMap((s) => s.files.map((f) => f.path))]),
    );
    expect(byCategory['integration']).toEqual(['apps/api/src/pkg.int.test.ts']);
    expect(byCategory['unit']).toEqual([
      'apps/api/src/broken.test.ts',
      'apps/api/src/cycle.test.ts',
      'apps/api/src/dynamic.test.ts',
      'apps/api/src/server.test.ts',
    ]);
    expect(plan.wideFiles).toEqual([
      { path: 'apps/api/src/broken.test.ts', reasons: ['does not parse'] },
      {
        path: 'apps/api/src/dynamic.test.ts',
        reasons: ['1 import()/require() with a non-literal argument'],
      },
    ]);
    expect(plan.parseErrors.map((e) => e.path)).toEqual(['apps/api/src/broken.test.ts']);
  });

  it('gives identical closure hashes to two checkouts of one tree at different paths', async () => {
    const first = tempWorkspace(WORKSPACE, 'shardwise-a-');
    const second = tempWorkspace(WORKSPACE, 'shardwise-other-place-');
    linkWorkspacePackage(first);
    linkWorkspacePackage(second);
    const a = [...filesOf(await planOf(first))].map(([path, f]) => [path, f.closureHash]);
    const b = [...filesOf(await planOf(second))].map(([path, f]) => [path, f.closureHash]);
    expect(a.length).toBe(5);
    expect(b).toEqual(a);
  });

  it('changes the hash of exactly the tests whose closure holds a changed file', async () => {
    const root = tempWorkspace(WORKSPACE);
    linkWorkspacePackage(root);
    const before = filesOf(await planOf(root));
    writeFileSync(join(root, 'libs/pkg/src/extra.ts'), `export const extra = 'changed';`);
    writeFileSync(join(root, 'apps/api/src/unrelated.ts'), `export const unrelated = 2;`);
    const after = filesOf(await planOf(root));
    const changed = [...after]
      .filter(([path, f]) => before.get(path)?.closureHash !== f.closureHash)
      .map(([p]) => p)
      .sort();
    // pkg.int.test reaches extra.ts; the wide tests cover their whole project, which changed too.
    expect(changed).toEqual([
      'apps/api/src/broken.test.ts',
      'apps/api/src/dynamic.test.ts',
      'apps/api/src/pkg.int.test.ts',
    ]);
  });

  it('treats a changed cycle member and a changed non-code project file as changes to the tests that reach them', async () => {
    const root = tempWorkspace(WORKSPACE);
    linkWorkspacePackage(root);
    const before = filesOf(await planOf(root));
    writeFileSync(
      join(root, 'apps/api/src/cycle-b.ts'),
      `import { a } from './cycle-a'; export const b = (): string => 'x' + typeof a;`,
    );
    const afterCycle = filesOf(await planOf(root));
    expect(afterCycle.get('apps/api/src/cycle.test.ts')?.closureHash).not.toBe(
      before.get('apps/api/src/cycle.test.ts')?.closureHash,
    );
    expect(afterCycle.get('apps/api/src/server.test.ts')?.closureHash).toBe(
      before.get('apps/api/src/server.test.ts')?.closureHash,
    );
    writeFileSync(join(root, 'apps/api/src/fixtures/data.json'), `{"a":2}`);
    const afterFixture = filesOf(await planOf(root));
    expect(afterFixture.get('apps/api/src/server.test.ts')?.closureHash).not.toBe(
      afterCycle.get('apps/api/src/server.test.ts')?.closureHash,
    );
  });

  it('serves a second plan from the import cache and keys externals by installed version', async () => {
    const root = tempWorkspace({
      ...WORKSPACE,
      'apps/api/src/ext.test.ts': `import lib from 'some-lib'; import missing from 'not-installed'; test('e', () => lib);`,
      'node_modules/some-lib/package.json': JSON.stringify({
        name: 'some-lib',
        version: '1.2.3',
        main: 'index.js',
      }),
      'node_modules/some-lib/index.js': 'module.exports = 1;',
    });
    linkWorkspacePackage(root);
    const first = await planOf(root);
    expect(first.graph.nodes.get('apps/api/src/ext.test.ts')?.externals).toEqual([
      'not-installed@missing',
      'some-lib@1.2.3',
    ]);
    const second = await planOf(root);
    expect(second.stats.parsed).toBe(0);
    expect(second.stats.cached).toBe(first.stats.parsed);
    const hashBefore = filesOf(second).get('apps/api/src/ext.test.ts')?.closureHash;
    writeFileSync(
      join(root, 'node_modules/some-lib/package.json'),
      JSON.stringify({ name: 'some-lib', version: '1.2.4', main: 'index.js' }),
    );
    expect(filesOf(await planOf(root)).get('apps/api/src/ext.test.ts')?.closureHash).not.toBe(
      hashBefore,
    );
  });

  it('plans one project alone with the same shards and hashes, reading only what it reaches', async () => {
    const root = tempWorkspace({
      ...WORKSPACE,
      'libs/util/src/index.test.ts': `import { util } from './index'; test('u', () => util());`,
    });
    linkWorkspacePackage(root);
    const whole = await planOf(root);
    const scoped = await planWorkspace({
      workspaceRoot: root,
      config: defaults,
      env: {},
      projectRoots: ['libs/util'],
    });
    expect(scoped.projects.map((p) => p.root)).toEqual(['libs/util']);
    expect(scoped.projects[0]?.categories).toEqual(
      whole.projects.find((p) => p.root === 'libs/util')?.categories,
    );
    expect(scoped.graph.nodes.has('apps/api/src/server.ts')).toBe(false);
    // The import cache still holds the other projects' files: a whole plan parses nothing.
    expect((await planOf(root)).stats.parsed).toBe(0);
  });

  it('lists uncategorized test files instead of dropping them', async () => {
    const root = tempWorkspace({
      'project.json': '{"name":"solo"}',
      'a.test.ts': 'test("a", () => {});',
      'b.int.test.ts': '',
    });
    const config = resolveConfig(
      { categories: { integration: {} } },
      { kind: 'defaults', file: '', keyPrefix: '' },
      {},
    );
    const plan = await planWorkspace({ workspaceRoot: root, config, env: {} });
    expect(plan.projects[0]?.uncategorized).toEqual(['a.test.ts']);
    expect(plan.projects[0]?.categories[0]?.shards[0]?.files.map((f) => f.path)).toEqual([
      'b.int.test.ts',
    ]);
  });
});

describe('runner config inputs', () => {
  it('counts files named under setup keys, not resolve.alias targets', async () => {
    const root = tempWorkspace({
      'apps/web/project.json': '{"name":"web"}',
      'apps/web/vitest.config.mts': `
        import { fileURLToPath } from 'node:url';
        export default {
          resolve: { alias: { '@lib': fileURLToPath(new URL('../../libs/lib/src/index.ts', import.meta.url)), '@x': './src/x.ts' } },
          test: { setupFiles: ['./test/setup.ts'], globalSetup: './test/global' },
        };`,
      'apps/web/test/setup.ts': 'export {};',
      'apps/web/test/global.ts': 'export default () => {};',
      'apps/web/src/x.ts': 'export const x = 1;',
      'apps/web/src/a.test.ts': "it('a', () => {});",
      'libs/lib/project.json': '{"name":"lib"}',
      'libs/lib/src/index.ts': 'export const lib = 1;',
    });
    const plan = await planOf(root);
    expect(plan.projects[0]?.sharedInputs).toEqual([
      'apps/web/test/global.ts',
      'apps/web/test/setup.ts',
      'apps/web/vitest.config.mts',
    ]);
  });
});
