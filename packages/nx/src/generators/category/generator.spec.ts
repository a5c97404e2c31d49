import { logger, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import categoryGenerator from './generator';

type Entry = { plugin: string; options: { categories: Record<string, unknown> } };

function withOptions(options: unknown): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  tree.write(
    'nx.json',
    JSON.stringify({ plugins: ['@nx/js/typescript', { plugin: '@shardwise/nx', options }] }),
  );
  return tree;
}

function entry(tree: Tree): Entry {
  const plugins = readJson<{ plugins: unknown[] }>(tree, 'nx.json').plugins;
  const found = plugins.filter((p) => (p as { plugin?: string }).plugin === '@shardwise/nx');
  expect(found).toHaveLength(1);
  return found[0] as Entry;
}

const order = (tree: Tree): string[] => Object.keys(entry(tree).options.categories);

beforeEach(() => {
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('category generator', () => {
  it('creates the plugin entry, writing out the defaults it relied on', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await categoryGenerator(tree, { name: 'db', include: '**/*.db.spec.ts', skipFormat: true });
    expect(entry(tree)).toEqual({
      plugin: '@shardwise/nx',
      options: {
        categories: {
          smoke: {},
          integration: {},
          e2e: {},
          agents: {},
          performance: {},
          db: { include: ['**/*.db.spec.ts'] },
          unit: {},
        },
      },
    });
  });

  it('adds a category before unit with every option, keeping brace globs whole', async () => {
    const tree = withOptions({ targetPrefix: 'ci', categories: { integration: {}, unit: {} } });
    await categoryGenerator(tree, {
      name: 'db',
      include: '**/*.{db,sql}.spec.ts, tests/db/**',
      exclude: '**/*.slow.*',
      shards: 2,
      optimization: 'aggressive',
      targetDuration: 90,
      parallelFactor: 1.5,
      dependsOn: 'integration',
      runner: 'vitest',
      skipFormat: true,
    });
    expect(order(tree)).toEqual(['integration', 'db', 'unit']);
    expect(entry(tree).options).toEqual({
      targetPrefix: 'ci',
      categories: {
        integration: {},
        db: {
          include: ['**/*.{db,sql}.spec.ts', 'tests/db/**'],
          exclude: ['**/*.slow.*'],
          shards: 2,
          optimization: 'aggressive',
          targetDuration: 90,
          parallelFactor: 1.5,
          dependsOn: ['integration'],
          runner: 'vitest',
        },
        unit: {},
      },
    });
  });

  it('changes only the given keys of an existing category, in place', async () => {
    const tree = withOptions({
      categories: {
        integration: { shards: 2, target_duration: 60, env: ['DB_URL'] },
        unit: { shards: 3 },
      },
    });
    await categoryGenerator(tree, {
      name: 'integration',
      shards: 4,
      targetDuration: 100,
      skipFormat: true,
    });
    expect(entry(tree).options.categories).toEqual({
      integration: { shards: 4, env: ['DB_URL'], targetDuration: 100 },
      unit: { shards: 3 },
    });
  });

  it('appends when there is no unit, and keeps the OPTIMIZED_TEST_CATEGORIES key', async () => {
    const tree = withOptions({
      OPTIMIZED_TEST_CATEGORIES: { api: { paths: ['src/api'] } },
    });
    await categoryGenerator(tree, { name: 'smoke', skipFormat: true });
    expect(entry(tree).options).toEqual({
      OPTIMIZED_TEST_CATEGORIES: { api: { paths: ['src/api'] }, smoke: {} },
    });
  });

  it('inserts or moves a category with --before', async () => {
    const tree = withOptions({ categories: { smoke: {}, integration: {}, unit: {} } });
    await categoryGenerator(tree, {
      name: 'contract',
      include: '**/*.pact.spec.ts',
      before: 'smoke',
      skipFormat: true,
    });
    expect(order(tree)).toEqual(['contract', 'smoke', 'integration', 'unit']);
    await categoryGenerator(tree, { name: 'integration', before: 'contract', skipFormat: true });
    expect(order(tree)).toEqual(['integration', 'contract', 'smoke', 'unit']);
    await expect(
      categoryGenerator(tree, { name: 'smoke', before: 'nope', skipFormat: true }),
    ).rejects.toThrow(
      '--before "nope": no category of that name; the categories are, in order: integration, contract, smoke, unit',
    );
  });

  it('rejects a bad result with the file, key and expectation, writing nothing', async () => {
    const tree = withOptions({ categories: { integration: {}, unit: {} } });
    const nxJson = tree.read('nx.json', 'utf-8');
    await expect(categoryGenerator(tree, { name: 'db', skipFormat: true })).rejects.toThrow(
      'nx.json: plugins[1].options.categories.db.include: expected "include" or "paths" for the custom category "db"',
    );
    await expect(
      categoryGenerator(tree, { name: 'db', include: '/abs/**', skipFormat: true }),
    ).rejects.toThrow(
      'nx.json: plugins[1].options.categories.db.include[0]: expected a relative glob, got an absolute path, got "/abs/**"',
    );
    await expect(
      categoryGenerator(tree, { name: 'unit', dependsOn: 'smoke', skipFormat: true }),
    ).rejects.toThrow(
      'nx.json: plugins[1].options.categories.unit.dependsOn[0]: expected the name of another configured category (integration, unit), got "smoke"',
    );
    await expect(
      categoryGenerator(tree, { name: 'a--b', include: '**', skipFormat: true }),
    ).rejects.toThrow(/nx\.json: plugins\[1\]\.options\.categories.*a--b/);
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
  });

  it('rejects a category whose target names exist', async () => {
    const tree = withOptions({ categories: { unit: {} } });
    tree.write(
      'libs/api/project.json',
      JSON.stringify({ name: 'api', targets: { 'test-db--shard-1': { command: 'echo' } } }),
    );
    await expect(
      categoryGenerator(tree, { name: 'db', include: '**/*.db.*', skipFormat: true }),
    ).rejects.toThrow(
      'Shardwise targets of the category "db" would collide with existing targets: project "api" target "test-db--shard-1" (libs/api/project.json).',
    );
  });
});
