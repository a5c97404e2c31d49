import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planWorkspace, type WorkspacePlan } from '../api/plan-workspace';
import { resolveConfig } from '../config/load-config';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { readRunnerAliases } from './runner-aliases';

afterAll(removeTempWorkspaces);

const defaults = resolveConfig({}, { kind: 'defaults', file: '', keyPrefix: '' }, {});

function rewrite(root: string, configFiles: string[], projectRoot: string, specifier: string) {
  const { aliases } = readRunnerAliases(root, configFiles, projectRoot);
  for (const alias of aliases) {
    const targets = alias.rewrite(specifier);
    if (targets !== undefined) return targets;
  }
  return undefined;
}

describe('readRunnerAliases', () => {
  it("reads Jest's moduleNameMapper with <rootDir>, capture groups and target lists", () => {
    const root = tempWorkspace({
      'apps/api/jest.config.js': `module.exports = {
        moduleNameMapper: {
          '^@app/(.*)$': '<rootDir>/src/$1',
          '^~(.*)$': ['<rootDir>/first$1', '<rootDir>/second$1'],
          '\\\\.css$': 'identity-obj-proxy',
        },
        modulePaths: ['<rootDir>/shared'],
      };`,
    });
    const api = join(root, 'apps/api');
    expect(rewrite(root, ['apps/api/jest.config.js'], 'apps/api', '@app/db/pool')).toEqual([
      `${api}/src/db/pool`,
    ]);
    expect(rewrite(root, ['apps/api/jest.config.js'], 'apps/api', '~/x')).toEqual([
      `${api}/first/x`,
      `${api}/second/x`,
    ]);
    expect(rewrite(root, ['apps/api/jest.config.js'], 'apps/api', './style.css')).toEqual([
      'identity-obj-proxy',
    ]);
    expect(rewrite(root, ['apps/api/jest.config.js'], 'apps/api', 'zod')).toBeUndefined();
    expect(readRunnerAliases(root, ['apps/api/jest.config.js'], 'apps/api').modulePaths).toEqual([
      `${api}/shared`,
    ]);
  });

  it("reads Vite's resolve.alias in object and array form, with the path helpers configs use", () => {
    const root = tempWorkspace({
      'apps/web/vitest.config.mts': `
        import { fileURLToPath } from 'node:url';
        import path from 'node:path';
        export default {
          resolve: {
            alias: [
              { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
              { find: /^#lib\\/(.*)$/, replacement: path.resolve(__dirname, 'lib/$1') },
              { find: 'computed', replacement: someFunction() },
            ],
          },
        };`,
      'apps/other/vite.config.ts': `export default { resolve: { alias: { '~': \`\${__dirname}/src\` } } };`,
    });
    const files = ['apps/web/vitest.config.mts'];
    expect(rewrite(root, files, 'apps/web', '@/utils/x')).toEqual([
      join(root, 'apps/web/src/utils/x'),
    ]);
    expect(rewrite(root, files, 'apps/web', '@scope/pkg')).toBeUndefined();
    expect(rewrite(root, files, 'apps/web', '#lib/a')).toEqual([join(root, 'apps/web/lib/a')]);
    // A replacement Shardwise cannot read matches with nothing to resolve to (its importer goes wide).
    expect(rewrite(root, files, 'apps/web', 'computed/x')).toEqual([]);
    expect(rewrite(root, ['apps/other/vite.config.ts'], 'apps/other', '~/a')).toEqual([
      join(root, 'apps/other/src/a'),
    ]);
  });

  it("applies the config's own const helpers and keeps a URL's trailing slash", () => {
    const root = tempWorkspace({
      'apps/api/vitest.config.mts': `
        import { fileURLToPath } from 'node:url';
        const lib = (name: string) => fileURLToPath(new URL(\`../../libs/\${name}/src/\`, import.meta.url));
        const shared = lib('shared');
        export default { resolve: { alias: {
          '@ex/domain': \`\${lib('domain')}index.ts\`,
          '@ex/shared': shared,
        } } };`,
    });
    const files = ['apps/api/vitest.config.mts'];
    expect(rewrite(root, files, 'apps/api', '@ex/domain')).toEqual([
      join(root, 'libs/domain/src/index.ts'),
    ]);
    expect(rewrite(root, files, 'apps/api', '@ex/shared/x')).toEqual([
      `${join(root, 'libs/shared/src')}//x`,
    ]);
  });
});

describe('configs with several projects', () => {
  it('matches their aliases but resolves them to nothing, since which entry applies is not read', () => {
    const root = tempWorkspace({
      'jest.config.js': `module.exports = { projects: [
        { rootDir: 'libs/a', moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' } },
        { rootDir: 'libs/b', moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' } },
      ] };`,
    });
    expect(rewrite(root, ['jest.config.js'], 'libs/a', '@/config')).toEqual([]);
    expect(rewrite(root, ['jest.config.js'], 'libs/a', 'zod')).toBeUndefined();
  });
});

describe('aliases in the plan', () => {
  const fileOf = (plan: WorkspacePlan, path: string) =>
    plan.projects
      .flatMap((p) => p.categories.flatMap((c) => c.shards.flatMap((s) => s.files)))
      .find((f) => f.path === path);

  it('puts the files behind aliased imports into the closure, so changing one changes the key', async () => {
    const root = tempWorkspace({
      'package.json': JSON.stringify({ name: 'ws', private: true }),
      'apps/api/project.json': JSON.stringify({ name: 'api' }),
      'apps/api/jest.config.js': `module.exports = { moduleNameMapper: { '^@app/(.*)$': '<rootDir>/src/$1' } };`,
      'apps/api/src/db/pool.ts': `export const pool = 1;`,
      'apps/api/src/pool.test.ts': `import { pool } from '@app/db/pool'; test('p', () => expect(pool).toBe(1));`,
      'apps/web/project.json': JSON.stringify({ name: 'web' }),
      'apps/web/vitest.config.mts': `import path from 'node:path'; export default { resolve: { alias: { '@': path.resolve(__dirname, 'src') } } };`,
      'apps/web/src/utils/format.ts': `export const format = () => 'f';`,
      'apps/web/src/format.test.ts': `import { format } from '@/utils/format'; it('f', () => format());`,
    });
    const plan = async () => planWorkspace({ workspaceRoot: root, config: defaults, env: {} });
    const before = await plan();
    expect(before.graph.nodes.get('apps/api/src/pool.test.ts')?.deps).toEqual([
      'apps/api/src/db/pool.ts',
    ]);
    expect(before.graph.nodes.get('apps/web/src/format.test.ts')?.deps).toEqual([
      'apps/web/src/utils/format.ts',
    ]);
    expect(before.wideFiles).toEqual([]);

    writeFileSync(join(root, 'apps/web/src/utils/format.ts'), `export const format = () => 'g';`);
    writeFileSync(join(root, 'apps/api/src/db/pool.ts'), `export const pool = 2;`);
    const after = await plan();
    for (const test of ['apps/api/src/pool.test.ts', 'apps/web/src/format.test.ts']) {
      expect(fileOf(after, test)?.closureHash, test).not.toBe(fileOf(before, test)?.closureHash);
    }
  });

  it('keys a test wide when a file it reaches uses an alias only another project defines', async () => {
    const root = tempWorkspace({
      'package.json': JSON.stringify({ name: 'ws', private: true }),
      'apps/x/project.json': JSON.stringify({ name: 'x' }),
      'apps/x/jest.config.js': `module.exports = { moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' } };`,
      'apps/x/src/env.js': `exports.env = 'x';`,
      'apps/x/src/x.test.js': `const { who } = require('../../../libs/shared/src/who'); test('w', () => expect(who()).toBe('x'));`,
      'libs/shared/project.json': JSON.stringify({ name: 'shared' }),
      'libs/shared/src/who.js': `const { env } = require('@/env'); exports.who = () => env;`,
    });
    const plan = async () => planWorkspace({ workspaceRoot: root, config: defaults, env: {} });
    const before = await plan();
    expect(before.graph.nodes.get('libs/shared/src/who.js')?.wideReasons).toEqual([
      '"@/env" is not installed; apps/x/jest.config.js: moduleNameMapper["^@/(.*)$"] maps it for that project\'s tests',
    ]);
    // Wide: keyed on its whole project, which holds the file Jest loads for it.
    writeFileSync(join(root, 'apps/x/src/env.js'), `exports.env = 'y';`);
    const after = await plan();
    expect(fileOf(after, 'apps/x/src/x.test.js')?.closureHash).not.toBe(
      fileOf(before, 'apps/x/src/x.test.js')?.closureHash,
    );
    // A plan of the project alone keys it the same way.
    const scoped = await planWorkspace({
      workspaceRoot: root,
      config: defaults,
      env: {},
      projectRoots: ['apps/x'],
    });
    expect(fileOf(scoped, 'apps/x/src/x.test.js')?.closureHash).toBe(
      fileOf(after, 'apps/x/src/x.test.js')?.closureHash,
    );
  });

  it('takes both x.ts and x.js when both sit beside each other', async () => {
    const root = tempWorkspace({
      'package.json': JSON.stringify({ name: 'ws', private: true }),
      'libs/a/project.json': JSON.stringify({ name: 'a' }),
      'libs/a/jest.config.js': `module.exports = {};`,
      'libs/a/src/x.ts': `export const x = 1;`,
      'libs/a/src/x.js': `exports.x = 1;`,
      'libs/a/src/x.test.js': `const { x } = require('./x'); test('x', () => expect(x).toBe(1));`,
    });
    const plan = await planWorkspace({ workspaceRoot: root, config: defaults, env: {} });
    expect(plan.graph.nodes.get('libs/a/src/x.test.js')?.deps).toEqual([
      'libs/a/src/x.js',
      'libs/a/src/x.ts',
    ]);
  });
});
