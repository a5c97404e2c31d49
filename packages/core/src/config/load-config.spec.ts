import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { loadConfig, resolveConfig } from './load-config';

afterAll(removeTempWorkspaces);

const nxJson = (options: unknown) =>
  JSON.stringify({ plugins: ['@nx/js/typescript', { plugin: '@shardwise/nx', options }] });

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads the @shardwise/nx plugin options from nx.json', () => {
    const root = tempWorkspace({ 'nx.json': nxJson({ categories: { unit: { shards: 3 } } }) });
    const { config, source } = loadConfig({ workspaceRoot: root, env: {} });
    expect(source).toEqual({ kind: 'nx', file: 'nx.json', keyPrefix: 'plugins[1].options' });
    expect(config.categories.map((c) => [c.name, c.shards])).toEqual([['unit', 3]]);
    // A default category named without include keeps the default globs.
    expect(config.categories[0]?.include).toEqual(['**/*']);
  });

  it('falls back to shardwise.config.json, then to the six default categories', () => {
    const withFile = tempWorkspace({
      'shardwise.config.json': JSON.stringify({ categories: { api: { include: ['api/**'] } } }),
    });
    expect(
      loadConfig({ workspaceRoot: withFile, env: {} }).config.categories.map((c) => c.name),
    ).toEqual(['api']);
    const bare = tempWorkspace({ 'package.json': '{}' });
    const loaded = loadConfig({ workspaceRoot: bare, env: {} });
    expect(loaded.source.kind).toBe('defaults');
    expect(loaded.config.categories.map((c) => c.name)).toEqual([
      'smoke',
      'integration',
      'e2e',
      'agents',
      'performance',
      'unit',
    ]);
    expect(loaded.config.optimization).toBe('balanced');
  });

  it('accepts the original system keys: paths, target_duration, parallel_factor, OPTIMIZED_TEST_CATEGORIES', () => {
    const config = resolveConfig(
      {
        OPTIMIZED_TEST_CATEGORIES: {
          custom_category: {
            paths: ['path/to/tests', 'other/**/*.check.ts'],
            optimization: 'aggressive',
            target_duration: 60.0,
            parallel_factor: 0.8,
          },
        },
      },
      { kind: 'file', file: 'shardwise.config.json', keyPrefix: '' },
      {},
    );
    expect(config.categories).toEqual([
      expect.objectContaining({
        name: 'custom_category',
        include: ['path/to/tests/**', 'other/**/*.check.ts'],
        optimization: 'aggressive',
        targetDuration: 60,
        parallelFactor: 0.8,
      }),
    ]);
  });

  it('names the file, the key path and what was expected', () => {
    const root = tempWorkspace({
      'nx.json': nxJson({
        categories: { unit: { shards: 0, optimization: 'fastest' } },
        workerz: 4,
      }),
    });
    const error = configErrorOf(() => loadConfig({ workspaceRoot: root, env: {} }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('nx.json: plugins[1].options: unknown key "workerz"');
    expect(error.message).toContain(
      'nx.json: plugins[1].options.categories.unit.shards: Too small: expected number to be >=1, got 0',
    );
    expect(error.message).toMatch(
      /nx\.json: plugins\[1\]\.options\.categories\.unit\.optimization: .*"ultra_fast".*got "fastest"/,
    );
  });

  it('rejects wrong types, globs that escape the project, and unknown dependsOn names', () => {
    const source = { kind: 'file', file: 'shardwise.config.json', keyPrefix: '' } as const;
    expect(
      configErrorOf(() => resolveConfig({ categories: { unit: { shards: 'two' } } }, source, {}))
        .message,
    ).toContain('shardwise.config.json: categories.unit.shards: expected number, got "two"');
    expect(
      configErrorOf(() =>
        resolveConfig({ categories: { unit: { include: ['../../etc/*'] } } }, source, {}),
      ).message,
    ).toContain('categories.unit.include[0]: expected a glob inside the project');
    expect(
      configErrorOf(() =>
        resolveConfig({ categories: { unit: { include: ['/etc/*'] } } }, source, {}),
      ).message,
    ).toContain('categories.unit.include[0]: expected a relative glob, got an absolute path');
    expect(
      configErrorOf(() => resolveConfig({ categories: { 'a--b': {} } }, source, {})).message,
    ).toContain(
      'categories.a--b: invalid key: expected a category name without "--" (it separates shard target names), got "a--b"',
    );
    expect(
      configErrorOf(() =>
        resolveConfig(
          { categories: { unit: {}, integration: { dependsOn: ['smoke'] } } },
          source,
          {},
        ),
      ).message,
    ).toContain(
      'categories.integration.dependsOn[0]: expected the name of another configured category (unit, integration), got "smoke"',
    );
    expect(
      configErrorOf(() => resolveConfig({ categories: { mine: { shards: 2 } } }, source, {}))
        .message,
    ).toContain(
      'categories.mine.include: expected "include" or "paths" for the custom category "mine"',
    );
    expect(
      configErrorOf(() =>
        resolveConfig(
          { categories: { unit: { targetDuration: 1, target_duration: 2 } } },
          source,
          {},
        ),
      ).message,
    ).toContain('expected only one of "targetDuration" and "target_duration"');
  });

  it('reports invalid JSON with the file name', () => {
    const root = tempWorkspace({ 'shardwise.config.json': '{ "categories": ' });
    expect(configErrorOf(() => loadConfig({ workspaceRoot: root, env: {} })).message).toMatch(
      /^shardwise\.config\.json: expected valid JSON/,
    );
  });
});

describe('OPTIMIZED_TEST_* variables', () => {
  const source = { kind: 'defaults', file: '', keyPrefix: '' } as const;

  it('override the file with the same meanings', () => {
    const config = resolveConfig({ maxWorkers: 2, cacheDir: 'a' }, source, {
      OPTIMIZED_TEST_MAX_WORKERS: '18',
      OPTIMIZED_TEST_CACHE_DIR: '/tmp/cache',
      OPTIMIZED_TEST_MEMORY_PER_WORKER: '512',
      OPTIMIZED_TEST_CACHE_TTL_HOURS: '24',
      OPTIMIZED_TEST_FAIL_FAST_THRESHOLD: '1',
      OPTIMIZED_TEST_RESOURCE_MONITORING: 'false',
      OPTIMIZED_TEST_STRICT_ISOLATION: 'true',
      OPTIMIZED_TEST_DEBUG_MODE: 'yes',
      OPTIMIZED_TEST_PROFILE_EXECUTION: '0',
    });
    expect(config).toMatchObject({
      maxWorkers: 18,
      cacheDir: '/tmp/cache',
      memoryPerWorkerMb: 512,
      cacheTtlHours: 24,
      failFastThreshold: 1,
      resourceMonitoring: false,
      strictIsolation: true,
      debugMode: true,
      profileExecution: false,
    });
  });

  it('name the variable when a value is bad', () => {
    const error = configErrorOf(() =>
      resolveConfig({}, source, {
        OPTIMIZED_TEST_MAX_WORKERS: 'many',
        OPTIMIZED_TEST_STRICT_ISOLATION: 'maybe',
      }),
    );
    expect(error.message).toContain(
      'OPTIMIZED_TEST_MAX_WORKERS: expected an integer from 1 to 1024, got "many"',
    );
    expect(error.message).toContain(
      'OPTIMIZED_TEST_STRICT_ISOLATION: expected true or false, got "maybe"',
    );
  });

  it('accept OPTIMIZED_TEST_CATEGORIES as JSON', () => {
    const config = resolveConfig({}, source, {
      OPTIMIZED_TEST_CATEGORIES: JSON.stringify({ fast: { paths: ['tests/fast'] } }),
    });
    expect(config.categories.map((c) => [c.name, c.include])).toEqual([
      ['fast', ['tests/fast/**']],
    ]);
    expect(
      configErrorOf(() => resolveConfig({}, source, { OPTIMIZED_TEST_CATEGORIES: '{nope' }))
        .message,
    ).toContain('OPTIMIZED_TEST_CATEGORIES: expected JSON');
  });
});

describe('category dependencies', () => {
  it('rejects a dependency cycle and names it', () => {
    const source = { kind: 'file', file: 'shardwise.config.json', keyPrefix: '' } as const;
    expect(() =>
      resolveConfig(
        {
          categories: {
            smoke: { dependsOn: ['unit'] },
            integration: { dependsOn: ['smoke'] },
            unit: { dependsOn: ['integration'] },
          },
        },
        source,
        {},
      ),
    ).toThrow(
      'shardwise.config.json: categories.smoke.dependsOn: expected no dependency cycle, got smoke → unit → integration → smoke',
    );
  });
});
