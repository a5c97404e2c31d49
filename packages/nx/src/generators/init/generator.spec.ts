import { availableParallelism } from 'node:os';
import { logger, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import initGenerator from './generator';

type NxJson = { plugins?: unknown[] };

function addProject(
  tree: Tree,
  root: string,
  files: Record<string, string>,
  targets: Record<string, unknown> = {},
): void {
  const name = root.split('/').pop() ?? root;
  tree.write(`${root}/project.json`, JSON.stringify({ name, root, targets }));
  for (const [path, content] of Object.entries(files)) tree.write(`${root}/${path}`, content);
}

const SPEC = "describe('x', () => { it('a', () => {}); it('b', () => {}); });\n";

function shardwiseEntry(tree: Tree): unknown {
  const plugins = readJson<NxJson>(tree, 'nx.json').plugins ?? [];
  const entries = plugins.filter(
    (p) => p === '@shardwise/nx' || (p as { plugin?: string }).plugin === '@shardwise/nx',
  );
  expect(entries).toHaveLength(1);
  return entries[0];
}

let info: MockInstance<typeof logger.info>;
let warn: MockInstance<typeof logger.warn>;
const logged = (spy: MockInstance<(...args: never[]) => void>): string =>
  spy.mock.calls.map((call) => String(call[0])).join('\n');

beforeEach(() => {
  info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('init generator', () => {
  it('configures only unit in an empty workspace and ignores .shardwise', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await initGenerator(tree, { skipFormat: true });
    expect(shardwiseEntry(tree)).toEqual({
      plugin: '@shardwise/nx',
      options: { categories: { unit: { shards: 1 } } },
    });
    expect(readJson(tree, 'nx.json')).toMatchObject({ affected: { defaultBase: 'main' } });
    expect(tree.read('.gitignore', 'utf-8')).toBe('.shardwise\n');
    expect(logged(info)).toContain(
      'Next: npx shardwise timings update && commit shardwise-timings.json',
    );
  });

  it('proposes categories from the test files of jest and vitest projects', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    tree.write('.gitignore', 'node_modules');
    addProject(
      tree,
      'libs/api',
      {
        'jest.config.ts': 'export default {};',
        'src/user.spec.ts': SPEC,
        'src/order.test.ts': SPEC,
        'src/thing.smoke.ts': 'not a test file',
        'src/db.int.spec.ts': SPEC,
        'tests/integration/queue.spec.ts': SPEC,
        'dist/old.perf.spec.js': SPEC,
      },
      { test: { executor: '@nx/jest:jest' } },
    );
    addProject(tree, 'apps/web', {
      'vitest.config.mts': 'export default {};',
      'src/app.spec.tsx': SPEC,
      'src/checkout.e2e.spec.ts': SPEC,
    });
    addProject(tree, 'libs/bare', { 'src/bare.spec.ts': SPEC });
    tree.write('node_modules/pkg/a.agent.spec.js', SPEC);

    await initGenerator(tree, { skipFormat: true });

    const entry = shardwiseEntry(tree) as { options: { categories: Record<string, unknown> } };
    expect(Object.keys(entry.options.categories)).toEqual(['integration', 'e2e', 'unit']);
    for (const category of Object.values(entry.options.categories)) {
      expect((category as { shards: number }).shards).toBeGreaterThanOrEqual(1);
    }
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n.shardwise\n');
    const lines = logged(info);
    expect(lines).toContain('Shardwise: api: jest (jest.config.ts); integration 2, unit 2');
    expect(lines).toContain('Shardwise: web: vitest (vitest.config.mts); e2e 1, unit 1');
    expect(lines).toContain('Shardwise: bare: no runner; unit 1');
    expect(logged(warn)).toMatch(/bare \(libs\/bare\) has 1 test file but no detectable runner/);
    expect(logged(warn)).toContain('"runner": "jest" | "vitest" | "node" in nx.json plugins[0]');
  });

  it('detects runners from package.json', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    addProject(tree, 'libs/a', { 'package.json': JSON.stringify({ jest: {} }) });
    addProject(tree, 'libs/b', {
      'package.json': JSON.stringify({ scripts: { test: 'node --test' } }),
    });
    addProject(tree, 'libs/c', { 'vite.config.ts': '' });
    addProject(tree, 'libs/d', {
      'src/a.test.js': "import test from 'node:test';\ntest('a', () => {});\n",
    });
    await initGenerator(tree, { skipFormat: true });
    const lines = logged(info);
    expect(lines).toContain('Shardwise: a: jest (package.json "jest"); no test files');
    expect(lines).toContain('Shardwise: b: node (package.json scripts.test); no test files');
    expect(lines).toContain('Shardwise: c: vitest (vite.config.ts); no test files');
    expect(lines).toContain('Shardwise: d: node (test files import node:test); unit 1');
    expect(logged(warn)).toBe('');
  });

  it('suggests shard counts from committed timings and the cores', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    const files: Record<string, string> = {};
    const timings: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      files[`src/f${i}.int.spec.ts`] = SPEC;
      timings[`libs/api/src/f${i}.int.spec.ts`] = 3_600_000;
    }
    addProject(tree, 'libs/api', { 'jest.config.js': '', ...files, 'src/u.spec.ts': SPEC });
    tree.write('shardwise-timings.json', JSON.stringify({ version: 1, files: timings }));
    await initGenerator(tree, { skipFormat: true });
    const cores = availableParallelism();
    expect(shardwiseEntry(tree)).toEqual({
      plugin: '@shardwise/nx',
      options: {
        categories: {
          // 10 h of integration tests, 120 s per shard, one slot per core (balanced).
          integration: { shards: Math.min(512, Math.ceil(36_000_000 / (120_000 * cores))) },
          unit: { shards: 1 },
        },
      },
    });
  });

  it('forces categories and shard counts', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await initGenerator(tree, { categories: 'performance,smoke', shards: 3, skipFormat: true });
    expect(shardwiseEntry(tree)).toEqual({
      plugin: '@shardwise/nx',
      options: {
        categories: { smoke: { shards: 3 }, performance: { shards: 3 }, unit: { shards: 3 } },
      },
    });
  });

  it('gives the same nx.json and .gitignore when run twice, formatted', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'prettier' });
    addProject(
      tree,
      'libs/api',
      { 'jest.config.ts': '', 'src/a.spec.ts': SPEC },
      {
        'test-unit': { command: 'echo' },
      },
    );
    await initGenerator(tree, {});
    const nxJson = tree.read('nx.json', 'utf-8');
    const gitignore = tree.read('.gitignore', 'utf-8');
    await initGenerator(tree, {});
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
    expect(tree.read('.gitignore', 'utf-8')).toBe(gitignore);
    expect(shardwiseEntry(tree)).toMatchObject({ options: { targetPrefix: 'sw' } });
  });

  it('turns an existing string entry into options in place and keeps other plugins', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    tree.write(
      'nx.json',
      JSON.stringify({ plugins: ['@nx/js/typescript', '@shardwise/nx', { plugin: '@nx/eslint' }] }),
    );
    await initGenerator(tree, { skipFormat: true });
    expect(readJson<NxJson>(tree, 'nx.json').plugins).toEqual([
      '@nx/js/typescript',
      { plugin: '@shardwise/nx', options: { categories: { unit: { shards: 1 } } } },
      { plugin: '@nx/eslint' },
    ]);
  });

  it('keeps configured options and categories, adding new ones before unit', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    tree.write(
      'nx.json',
      JSON.stringify({
        plugins: [
          {
            plugin: '@shardwise/nx',
            include: ['libs/**'],
            options: {
              cacheDir: '.cache/sw',
              categories: { db: { include: ['**/*.db.spec.ts'], shards: 4 }, unit: {} },
            },
          },
        ],
      }),
    );
    addProject(tree, 'libs/api', {
      'jest.config.ts': '',
      'src/a.db.spec.ts': SPEC,
      'src/b.e2e.spec.ts': SPEC,
      'src/c.spec.ts': SPEC,
    });
    await initGenerator(tree, { skipFormat: true });
    expect(shardwiseEntry(tree)).toEqual({
      plugin: '@shardwise/nx',
      include: ['libs/**'],
      options: {
        cacheDir: '.cache/sw',
        categories: {
          db: { include: ['**/*.db.spec.ts'], shards: 4 },
          e2e: { shards: 1 },
          unit: { shards: 1 },
        },
      },
    });
    expect(logged(info)).toContain('Shardwise: api: jest (jest.config.ts); db 1, e2e 1, unit 1');
  });

  it('picks another prefix when a default target name exists, and never touches the target', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    const targets = {
      'test-unit': { command: 'jest' },
      'sw-optimized': { command: 'echo' },
    };
    addProject(tree, 'libs/api', { 'jest.config.ts': '', 'src/a.spec.ts': SPEC }, targets);
    const projectJson = tree.read('libs/api/project.json', 'utf-8');
    await initGenerator(tree, { skipFormat: true });
    expect(shardwiseEntry(tree)).toMatchObject({ options: { targetPrefix: 'shardwise' } });
    expect(tree.read('libs/api/project.json', 'utf-8')).toBe(projectJson);
    expect(logged(warn)).toContain('project "api" target "test-unit" (libs/api/project.json)');
    expect(logged(warn)).toContain('"targetPrefix": "shardwise"');
  });

  it('counts package.json scripts as targets', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    addProject(tree, 'libs/api', {
      'package.json': JSON.stringify({ scripts: { 'test-unit--shard-7': 'jest' } }),
    });
    await initGenerator(tree, { skipFormat: true });
    expect(shardwiseEntry(tree)).toMatchObject({ options: { targetPrefix: 'sw' } });
  });

  it('fails on a collision with an explicit prefix and writes nothing', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    addProject(tree, 'libs/api', {}, { 'ci-optimized': { command: 'echo' } });
    const nxJson = tree.read('nx.json', 'utf-8');
    await expect(initGenerator(tree, { targetPrefix: 'ci', skipFormat: true })).rejects.toThrow(
      'Shardwise target names with the prefix "ci" (--targetPrefix) collide with existing targets: project "api" target "ci-optimized" (libs/api/project.json). ' +
        'Existing targets are never overwritten: pass another prefix with --targetPrefix <prefix> (e.g. --targetPrefix sw), or rename those targets.',
    );
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
    expect(tree.exists('.gitignore')).toBe(false);
  });

  it('never writes invalid options', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    const nxJson = tree.read('nx.json', 'utf-8');
    await expect(initGenerator(tree, { targetPrefix: '1st', skipFormat: true })).rejects.toThrow(
      'nx.json: plugins[0].options.targetPrefix: expected a target name prefix such as "test", got "1st"',
    );
    await expect(initGenerator(tree, { categories: 'unit,db', skipFormat: true })).rejects.toThrow(
      '--categories: "db" is not a default category (smoke, integration, e2e, agents, performance, unit)',
    );
    await expect(initGenerator(tree, { shards: 0, skipFormat: true })).rejects.toThrow(
      '--shards: expected an integer from 1 to 512, got 0',
    );
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);

    tree.write(
      'nx.json',
      JSON.stringify({ plugins: [{ plugin: '@shardwise/nx', options: { workerz: 2 } }] }),
    );
    await expect(initGenerator(tree, { skipFormat: true })).rejects.toThrow(
      'nx.json: plugins[0].options: unknown key "workerz"',
    );
    expect(readJson(tree, 'nx.json')).toEqual({
      plugins: [{ plugin: '@shardwise/nx', options: { workerz: 2 } }],
    });
  });

  it('adds .shardwise to .gitignore once', async () => {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    tree.write('.gitignore', 'dist\n/.shardwise/\n');
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('.gitignore', 'utf-8')).toBe('dist\n/.shardwise/\n');
  });
});
