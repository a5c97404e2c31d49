import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config';
import { removeTempWorkspaces, tempWorkspace, type Tree } from '../test-support/temp-workspace';
import { findAffectedTests } from './affected';
import { planWorkspace } from './plan-workspace';

afterAll(removeTempWorkspaces);

const jestBin = require.resolve('jest/bin/jest');

/**
 * A real Jest project: CommonJS and TypeScript sources, mocks, JSON fixtures, a shared module,
 * imports through moduleNameMapper and modulePaths.
 */
const JEST_PROJECT: Tree = {
  'project.json': JSON.stringify({ name: 'shop' }),
  'jest.config.js': `module.exports = { testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'], setupFiles: ['<rootDir>/test/setup.js'], moduleNameMapper: { '^@shop/(.*)$': '<rootDir>/src/$1' }, modulePaths: ['<rootDir>/shared'] };`,
  'shared/config.js': `exports.rate = 0.2;`,
  'src/rates.js': `const { rate } = require('config'); exports.rate = rate;`,
  'src/aliased.test.js': `const { add } = require('@shop/money'); const { rate } = require('@shop/rates'); test('aliased', () => expect(add(rate, 1)).toBe(1.2));`,
  'test/setup.js': `global.SETUP = true;`,
  'src/money.js': `exports.add = (a, b) => a + b;`,
  'src/tax.ts': `import { add } from './money'; export const withTax = (n: number) => add(n, n * 0.2);`,
  'src/catalog.js': `const items = require('./catalog.json'); exports.items = items;`,
  'src/catalog.json': `[{"id":1}]`,
  'src/mailer.js': `exports.send = () => 'real';`,
  'src/__mocks__/mailer.js': `exports.send = () => 'mock';`,
  'src/orders.js': `const { withTax } = require('./tax'); const mailer = require('./mailer'); exports.place = (n) => { mailer.send(); return withTax(n); };`,
  'src/util/index.js': `exports.id = (x) => x;`,
  'src/money.test.js': `const { add } = require('./money'); test('add', () => expect(add(1, 2)).toBe(3));`,
  'src/tax.test.ts': `import { withTax } from './tax'; test('tax', () => expect(withTax(10)).toBe(12));`,
  'src/orders.test.js': `jest.mock('./mailer'); const { place } = require('./orders'); test('place', () => expect(place(10)).toBe(12));`,
  'src/catalog.test.js': `const { items } = require('./catalog'); test('items', () => expect(items).toHaveLength(1));`,
  'src/util.test.js': `const { id } = require('./util'); test('id', () => expect(id(1)).toBe(1));`,
};

function jestRelated(root: string, changed: string[]): string[] {
  const out = execFileSync(
    process.execPath,
    [jestBin, '--ci', '--listTests', '--findRelatedTests', ...changed.map((f) => join(root, f))],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    },
  );
  const realRoot = realpathSync(root);
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => relative(realRoot, realpathSync(line.trim())))
    .sort();
}

describe('findAffectedTests', () => {
  const root = tempWorkspace(JEST_PROJECT);
  const config = resolveConfig({}, { kind: 'defaults', file: '', keyPrefix: '' }, {});
  const scenarios: string[][] = [
    ['src/money.js'],
    ['src/tax.ts'],
    ['src/catalog.json'],
    ['src/mailer.js'],
    ['src/__mocks__/mailer.js'],
    ['src/util/index.js'],
    ['src/orders.test.js'],
    ['src/money.js', 'src/catalog.json'],
    // Through moduleNameMapper and modulePaths.
    ['src/rates.js'],
    ['shared/config.js'],
  ];

  it.each(scenarios)(
    'returns every file jest --findRelatedTests returns for %s',
    async (...changed) => {
      const plan = await planWorkspace({ workspaceRoot: root, config, env: {} });
      const ours = findAffectedTests(plan, changed).map((t) => t.path);
      const jest = jestRelated(root, changed);
      expect(jest.length).toBeGreaterThan(0);
      for (const file of jest) expect(ours).toContain(file);
    },
  );

  it('is exact where the closure decides: a leaf change reaches only its importers', async () => {
    const plan = await planWorkspace({ workspaceRoot: root, config, env: {} });
    expect(findAffectedTests(plan, ['src/money.js']).map((t) => t.path)).toEqual([
      'src/aliased.test.js',
      'src/money.test.js',
      'src/orders.test.js',
      'src/tax.test.ts',
    ]);
    expect(findAffectedTests(plan, ['src/__mocks__/mailer.js']).map((t) => t.path)).toEqual([
      'src/orders.test.js',
    ]);
    expect(findAffectedTests(plan, ['shared/config.js']).map((t) => t.path)).toEqual([
      'src/aliased.test.js',
    ]);
  });

  it('counts runner config and setup files as inputs of every test of the project', async () => {
    const plan = await planWorkspace({ workspaceRoot: root, config, env: {} });
    const all = plan.projects[0]!.categories.flatMap((c) =>
      c.shards.flatMap((s) => s.files.map((f) => f.path)),
    ).sort();
    expect(findAffectedTests(plan, ['test/setup.js']).map((t) => t.path)).toEqual(all);
    expect(findAffectedTests(plan, ['jest.config.js']).map((t) => t.path)).toEqual(all);
    expect(findAffectedTests(plan, ['README.md']).map((t) => t.path)).toEqual(all);
    expect(findAffectedTests(plan, [])).toEqual([]);
  });
});
