import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleWithPackages, packPackages, writeJson } from './packed';

interface PlanJson {
  projects: Array<{
    name: string;
    runner: string | null;
    categories: Array<{
      name: string;
      shards: Array<{ index: number; files: Array<{ path: string; closureHash: string }> }>;
    }>;
    uncategorized: string[];
  }>;
}

function shardwise(cwd: string, ...args: string[]) {
  const result = spawnSync(join(cwd, 'node_modules/.bin/shardwise'), args, {
    cwd,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the packed @shardwise/core CLI on the example workspace', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = exampleWithPackages(packPackages());
  });
  afterAll(() => cleanup(workspace));

  it('plans every test file of the example into its category and shard', () => {
    const result = shardwise(workspace, 'plan', '--json');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.projects.map((p) => [p.name, p.runner])).toEqual([
      ['api', 'vitest'],
      ['domain', 'jest'],
      ['http-kit', 'node'],
    ]);
    const files = plan.projects.flatMap((p) =>
      p.categories.flatMap((c) => c.shards.flatMap((s) => s.files)),
    );
    const timings = JSON.parse(readFileSync(join(workspace, 'shardwise-timings.json'), 'utf8')) as {
      files: Record<string, number>;
    };
    expect(files.map((f) => f.path).sort()).toEqual(Object.keys(timings.files).sort());
    expect(new Set(files.map((f) => f.closureHash)).size).toBe(files.length);
    expect(plan.projects.every((p) => p.uncategorized.length === 0)).toBe(true);
  });

  it('lists the tests a library change reaches', () => {
    const result = shardwise(
      workspace,
      'affected',
      '--files',
      'libs/domain/src/money.ts',
      '--json',
    );
    expect(result.code).toBe(0);
    const affected = (
      JSON.parse(result.stdout) as { affected: Array<{ path: string; project: string }> }
    ).affected;
    const projects = new Set(affected.map((a) => a.project));
    // money.ts is used by the domain lib's own tests and, through @example/domain, by the api.
    expect([...projects].sort()).toEqual(['api', 'domain']);
    expect(affected.map((a) => a.path)).toContain('libs/domain/src/money.test.ts');
    expect(affected.map((a) => a.path)).not.toContain('libs/domain/src/ids.test.ts');
  });

  it('exits 2 with the file and key for a bad configuration', () => {
    const nxJson = join(workspace, 'nx.json');
    const original = readFileSync(nxJson, 'utf8');
    try {
      writeJson(nxJson, {
        plugins: [
          { plugin: '@shardwise/nx', options: { categories: { unit: { shards: 'many' } } } },
        ],
      });
      const result = shardwise(workspace, 'plan');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'nx.json: plugins[0].options.categories.unit.shards: expected number, got "many"',
      );
    } finally {
      writeJson(nxJson, JSON.parse(original));
    }
  });
});
