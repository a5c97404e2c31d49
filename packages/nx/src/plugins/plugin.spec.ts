import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContext } from '@nx/devkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodes } from './plugin';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'shardwise-nx-plugin-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const options = { categories: { integration: { shards: 1 }, unit: { shards: 2 } } };

const FILES = {
  'nx.json': JSON.stringify({ plugins: [{ plugin: '@shardwise/nx', options }] }),
  'package.json': JSON.stringify({ name: 'ws', private: true }),
  'tsconfig.base.json': JSON.stringify({
    compilerOptions: { paths: { '@ws/lib': ['libs/lib/src/index.ts'] } },
  }),
  'libs/lib/project.json': JSON.stringify({ name: 'lib' }),
  'libs/lib/src/index.ts': "export * from './a';",
  'libs/lib/src/a.ts': 'export const a = 1;',
  'libs/lib/src/b.ts': 'export const b = 2;',
  'apps/api/project.json': JSON.stringify({ name: 'api' }),
  'apps/api/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json' }),
  'apps/api/vitest.config.mts': 'export default {};',
  'apps/api/src/server.ts': "import { a } from '@ws/lib'; export const server = () => a;",
  'apps/api/src/server.test.ts': "import { server } from './server'; it('s', () => server());",
  'apps/api/src/plain.test.ts': "it('p', () => 1);",
  'apps/api/src/server.int.test.ts': "import { server } from './server'; it('i', () => server());",
  'apps/api/src/fixtures/data.json': '{}',
};

async function infer(root: string, configFiles: string[], pluginOptions: unknown = options) {
  const context = {
    workspaceRoot: root,
    nxJsonConfiguration: { plugins: [{ plugin: '@shardwise/nx', options: pluginOptions }] },
    configFiles,
  } as unknown as CreateNodesContext;
  return createNodes[1](configFiles, pluginOptions as Record<string, unknown>, context);
}

describe('createNodes', () => {
  it('infers category and shard targets whose inputs are the files their tests reach', async () => {
    const root = workspace(FILES);
    const results = await infer(root, [
      'package.json',
      'libs/lib/project.json',
      'apps/api/project.json',
    ]);
    // Projects without test files get nothing; the api gets its targets.
    expect(results.map(([file]) => file)).toEqual(['apps/api/project.json']);
    const project = results[0]![1].projects!['apps/api']!;
    expect(Object.keys(project.targets!)).toEqual([
      'test-integration--shard-1',
      'test-integration',
      'test-unit--shard-1',
      'test-unit--shard-2',
      'test-unit',
      'test-optimized',
      'test-benchmark',
    ]);
    const integration = project.targets!['test-integration--shard-1']!;
    expect(integration).toMatchObject({
      executor: '@shardwise/nx:test',
      options: { category: 'integration', shard: 1 },
      cache: true,
      outputs: ['{workspaceRoot}/.shardwise/reports/api/test-integration--shard-1'],
      metadata: {
        technologies: ['vitest'],
        shardwise: {
          category: 'integration',
          shard: 1,
          files: ['apps/api/src/server.int.test.ts'],
        },
      },
    });
    expect(integration.inputs).toEqual([
      '{workspaceRoot}/apps/api/src/{server.int.test,server}.ts',
      '{workspaceRoot}/apps/api/{tsconfig.json,vitest.config.mts}',
      '{workspaceRoot}/libs/lib/src/{a,index}.ts',
      '{workspaceRoot}/tsconfig.base.json',
      '{projectRoot}/**/*',
      '!{projectRoot}/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
    ]);
    // The library file no test imports is in no input.
    expect(JSON.stringify(project.targets)).not.toContain('libs/lib/src/b.ts');
    expect(project.targets!['test-unit']).toMatchObject({
      executor: 'nx:noop',
      dependsOn: [{ target: 'test-unit--shard-1' }, { target: 'test-unit--shard-2' }],
    });
    const unitFiles = ['test-unit--shard-1', 'test-unit--shard-2'].flatMap(
      (t) => (project.targets![t]!.metadata as { shardwise: { files: string[] } }).shardwise.files,
    );
    expect(unitFiles.sort()).toEqual(['apps/api/src/plain.test.ts', 'apps/api/src/server.test.ts']);
    // Options never hold file lists or machine-dependent values.
    for (const target of Object.values(project.targets!))
      expect(JSON.stringify(target.options ?? {})).not.toMatch(/\.ts|workers/);
    expect(project.metadata?.targetGroups?.['Shardwise']).toContain('test-unit--shard-2');
  });

  it('gives every configured category its targets even with no files, so names change only with the config', async () => {
    const root = workspace(FILES);
    const results = await infer(root, ['apps/api/project.json'], {
      categories: { smoke: { shards: 1 }, unit: {} },
    });
    const targets = results[0]![1].projects!['apps/api']!.targets!;
    expect(targets['test-smoke--shard-1']?.metadata).toMatchObject({ shardwise: { files: [] } });
  });

  it('reports a target name that project.json already defines, with the fix', async () => {
    const root = workspace({
      ...FILES,
      'apps/api/project.json': JSON.stringify({
        name: 'api',
        targets: { 'test-unit': { command: 'echo' } },
      }),
    });
    await expect(infer(root, ['apps/api/project.json'])).rejects.toThrow(
      /Shardwise would infer target\(s\) test-unit for project "api", but apps\/api\/project.json already defines them\. .*targetPrefix/,
    );
  });

  it('names the file and key for invalid plugin options', async () => {
    const root = workspace(FILES);
    await expect(
      infer(root, ['apps/api/project.json'], { categories: { unit: { shards: 0 } } }),
    ).rejects.toThrow('nx.json: plugins[0].options.categories.unit.shards');
  });
});
