/**
 * @shardwise/nx in a real Nx 24 workspace (contracts §4): inference, the executor, Nx's local
 * cache, task-level `affected`, a self-hosted remote cache (tools/src/remote-cache-server.ts,
 * spoken to by Nx's own client) and distribution over clones, as CI agents would run it.
 *
 * The checks build on each other in order (one workspace, its clones, one remote cache), so they
 * run sequentially; each names the command that failed and its output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../../tools/src/remote-cache-server';
import type { RemoteCacheServer } from '../../tools/src/remote-cache-server';
import { cleanup, repoRoot } from './packed';
import {
  PROJECTS,
  PROJECT_ROOTS,
  TEST_COUNT,
  UNIT_TESTS,
  cloneWorkspace,
  closureOf,
  commitAll,
  createNxWorkspace,
  git,
  killRunning,
  nx,
  taskStatuses,
  cacheSummary,
} from './nx-workspace';
import type { CommandResult, ProjectName, TaskStatus } from './nx-workspace';

interface ShardMetadata {
  category: string;
  shard: number;
  files: string[];
}

type NxInput = string | { env: string } | { externalDependencies: string[] } | { fileset: string };

interface TargetConfig {
  executor?: string;
  options?: Record<string, unknown>;
  inputs?: NxInput[];
  outputs?: string[];
  dependsOn?: Array<string | { target: string }>;
  metadata?: { shardwise?: ShardMetadata };
}

interface ProjectConfig {
  name: string;
  root: string;
  targets: Record<string, TargetConfig>;
}

interface ReportFile {
  path: string;
  cached: boolean;
  status: string;
  tests: Array<{ name: string; status: string }>;
}

interface Report {
  summary: { passed: number; failed: number; files: number; status: string };
  files: ReportFile[];
}

const UNIT_SHARDS = 2;
const TOKEN = 'e2e-secret-token';
const SHARD = /^(.+):(test-unit--shard-\d+)$/;

/** A failing command's exit code and output, so a failure explains itself. */
function describeRun(args: string[], result: CommandResult): string {
  return `nx ${args.join(' ')} exited ${result.code}:\n${result.output.slice(-6000)}`;
}

async function nxOk(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  const result = await nx(cwd, args, env);
  expect(result.code, describeRun(args, result)).toBe(0);
  return result;
}

async function showProject(cwd: string, name: ProjectName): Promise<ProjectConfig> {
  const result = await nxOk(cwd, ['show', 'project', name, '--json']);
  return JSON.parse(result.stdout) as ProjectConfig;
}

/** Shard task ids (`project:target`) with their files, for every project. */
async function unitShards(cwd: string): Promise<Map<string, string[]>> {
  const shards = new Map<string, string[]>();
  for (const name of PROJECTS) {
    const project = await showProject(cwd, name);
    for (const [target, config] of Object.entries(project.targets)) {
      const meta = config.metadata?.shardwise;
      if (meta?.category === 'unit') shards.set(`${name}:${target}`, meta.files);
    }
  }
  return shards;
}

/** The shard tasks whose tests' closures hold `file`, predicted from the workspace's imports. */
function reachedShards(shards: Map<string, string[]>, file: string): string[] {
  return [...shards]
    .filter(([, files]) => files.some((test) => closureOf(test).has(file)))
    .map(([id]) => id)
    .sort();
}

/** Statuses of the unit shard tasks in a run's output. */
function shardStatuses(result: CommandResult): Map<string, TaskStatus> {
  return new Map([...taskStatuses(result.output)].filter(([id]) => SHARD.test(id)));
}

function idsWith(statuses: Map<string, TaskStatus>, ...wanted: TaskStatus[]): string[] {
  return [...statuses]
    .filter(([, status]) => wanted.includes(status))
    .map(([id]) => id)
    .sort();
}

/**
 * Whether Nx would hash `file` for these inputs: `{workspaceRoot}` and `{projectRoot}` file sets
 * are separate groups in Nx's hasher, each with its own negations.
 */
function inputsCover(inputs: NxInput[], projectRoot: string, file: string): boolean {
  const groups = new Map<string, { include: string[]; exclude: string[] }>();
  for (const input of inputs) {
    const raw = typeof input === 'string' ? input : 'fileset' in input ? input.fileset : undefined;
    if (raw === undefined) continue;
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const group = pattern.startsWith('{projectRoot}/') ? 'project' : 'workspace';
    const glob = pattern
      .replace('{workspaceRoot}/', '')
      .replace('{projectRoot}/', `${projectRoot}/`);
    const entry = groups.get(group) ?? { include: [], exclude: [] };
    (negated ? entry.exclude : entry.include).push(glob);
    groups.set(group, entry);
  }
  return [...groups.values()].some(
    ({ include, exclude }) =>
      include.some((glob) => picomatch(glob, { dot: true })(file)) &&
      !exclude.some((glob) => picomatch(glob, { dot: true })(file)),
  );
}

function appendLine(root: string, file: string, line: string): void {
  const path = join(root, file);
  writeFileSync(path, `${readFileSync(path, 'utf8')}${line}\n`);
}

function readTaskReport(root: string, project: string, target: string): Report {
  const dir = join(root, '.shardwise/reports', project, target);
  const runId = readFileSync(join(dir, 'latest'), 'utf8').trim();
  return JSON.parse(readFileSync(join(dir, runId, 'report.json'), 'utf8')) as Report;
}

/** Per-file outcomes, independent of where and when each file ran. */
function outcomes(files: ReportFile[]): Array<{ path: string; status: string; tests: string[] }> {
  return files
    .map((f) => ({
      path: f.path,
      status: f.status,
      tests: f.tests.map((t) => `${t.status} ${t.name}`).sort(),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

describe('@shardwise/nx in a real Nx 24 workspace', () => {
  let root: string;
  let server: RemoteCacheServer | undefined;
  let remoteEnv: Record<string, string>;
  const temps: string[] = [];
  let shards = new Map<string, string[]>();

  beforeAll(async () => {
    const workspace = createNxWorkspace();
    root = workspace.root;
    temps.push(root);
    console.info(`nx e2e workspace installed in ${workspace.installMs} ms: ${root}`);
    const cacheDir = mkdtempSync(join(repoRoot, 'tmp', 'e2e', 'remote-cache-'));
    temps.push(cacheDir);
    server = await start({ dir: cacheDir, token: TOKEN });
    remoteEnv = {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: TOKEN,
    };
  });

  afterAll(async () => {
    // Process hygiene (contracts §8): no nx process and no server outlives the suite.
    killRunning();
    await server?.close();
    cleanup(...temps);
  });

  function clone(): string {
    const path = cloneWorkspace(root);
    temps.push(path);
    return path;
  }

  it('1. init adds the plugin; show project lists category and shard targets with closure inputs', async () => {
    await nxOk(root, ['g', '@shardwise/nx:init', '--no-interactive']);
    const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as {
      plugins: Array<
        string | { plugin: string; options?: { categories?: Record<string, object> } }
      >;
    };
    const entry = nxJson.plugins.find(
      (p): p is Exclude<typeof p, string> => typeof p !== 'string' && p.plugin === '@shardwise/nx',
    );
    expect(entry?.options?.categories, JSON.stringify(nxJson.plugins)).toBeDefined();
    const categories = entry?.options?.categories ?? {};
    expect(Object.keys(categories)).toEqual(
      expect.arrayContaining(['smoke', 'integration', 'unit']),
    );
    // Two unit shards per project whatever init suggested for this small workspace.
    categories.unit = { ...categories.unit, shards: UNIT_SHARDS };
    writeFileSync(join(root, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
    commitAll(root, 'add shardwise');
    shards = await unitShards(root);
    expect(shards.size).toBe(PROJECTS.length * UNIT_SHARDS);

    const api = await showProject(root, 'api');
    const names = Object.keys(api.targets);
    expect(names).toEqual(
      expect.arrayContaining([
        'test-optimized',
        'test-unit',
        'test-unit--shard-1',
        'test-unit--shard-2',
        'test-integration',
        'test-integration--shard-1',
        'test-smoke',
        'test-smoke--shard-1',
      ]),
    );
    expect(names).not.toContain('test-unit--shard-3');
    expect(api.targets['test-optimized']?.executor).toBe('@shardwise/nx:test');

    const unit = api.targets['test-unit'];
    expect(unit?.executor).toBe('nx:noop');
    expect(unit?.dependsOn?.map((d) => (typeof d === 'string' ? d : d.target)).sort()).toEqual([
      'test-unit--shard-1',
      'test-unit--shard-2',
    ]);

    const apiShards: Array<{ name: string; config: TargetConfig; files: string[] }> = [];
    for (let k = 1; k <= UNIT_SHARDS; k++) {
      const name = `test-unit--shard-${k}`;
      const config = api.targets[name] ?? {};
      expect(config.executor).toBe('@shardwise/nx:test');
      expect(config.options).toEqual({ category: 'unit', shard: k });
      expect(config.outputs).toEqual([`{workspaceRoot}/.shardwise/reports/api/${name}`]);
      apiShards.push({ name, config, files: config.metadata?.shardwise?.files ?? [] });
    }
    expect(apiShards.flatMap((s) => s.files).sort()).toEqual(UNIT_TESTS.api);
    expect(apiShards.every((s) => s.files.length > 0)).toBe(true);

    // A shard's inputs hold the library files its tests reach (check 4 holds them to no more).
    for (const { name, config, files } of apiShards) {
      const reached = files.flatMap((test) => [...closureOf(test)]);
      for (const file of reached) {
        if (file.startsWith('libs/')) {
          expect(
            inputsCover(config.inputs ?? [], 'apps/api', file),
            `${name} (${files.join(', ')}) inputs ${JSON.stringify(config.inputs)} miss ${file}`,
          ).toBe(true);
        }
        // The parent's inputs are the union of its shards'.
        expect(inputsCover(unit?.inputs ?? [], 'apps/api', file), `test-unit misses ${file}`).toBe(
          true,
        );
      }
      for (const input of config.inputs ?? [])
        if (typeof input !== 'string') expect(unit?.inputs).toContainEqual(input);
    }

    // Contract §4 names a fourth target.
    expect.soft(names, 'contracts §4: test-benchmark').toContain('test-benchmark');
  });

  it('2. test-optimized passes and leaves its reports; a failing test makes it fail', async () => {
    await nxOk(root, ['run', 'api:test-optimized', '--output-style=static']);
    const report = readTaskReport(root, 'api', 'test-optimized');
    expect(report.summary).toMatchObject({ failed: 0, files: 5, status: 'complete' });
    expect(report.summary.passed).toBe(9);
    const dir = join(root, '.shardwise/reports/api/test-optimized');
    const runId = readFileSync(join(dir, 'latest'), 'utf8').trim();
    expect(readFileSync(join(dir, runId, 'junit.xml'), 'utf8')).toContain('<testsuites');

    const file = 'apps/api/src/health.test.ts';
    const original = readFileSync(join(root, file), 'utf8');
    try {
      appendLine(root, file, "it('is broken on purpose', () => expect(1 + 1).toBe(3));");
      const failed = await nx(root, ['run', 'api:test-optimized', '--output-style=static']);
      expect(failed.code, describeRun(['run', 'api:test-optimized'], failed)).not.toBe(0);
      expect(failed.output).toContain('is broken on purpose');
      const broken = readTaskReport(root, 'api', 'test-optimized');
      expect(broken.summary.failed).toBe(1);
      expect(broken.files.find((f) => f.path === file)?.status).toBe('failed');
    } finally {
      writeFileSync(join(root, file), original);
    }
  });

  it('3. run-many -t test-unit twice: the second run is all cache hits', async () => {
    // The remote cache listens from here on: these runs seed it for checks 5 and 6.
    const args = ['run-many', '-t', 'test-unit', '--output-style=static'];
    const first = await nxOk(root, args, remoteEnv);
    const ran = shardStatuses(first);
    expect(idsWith(ran, 'ran'), first.output).toEqual([...shards.keys()].sort());
    for (const [id] of shards) {
      const [, project, target] = SHARD.exec(id) ?? [];
      const report = readTaskReport(root, project ?? '', target ?? '');
      expect(report.summary.failed, id).toBe(0);
      expect(report.files.map((f) => f.path).sort()).toEqual([...(shards.get(id) ?? [])].sort());
    }

    const second = await nxOk(root, args, remoteEnv);
    const cached = shardStatuses(second);
    expect(idsWith(cached, 'local cache', 'kept'), second.output).toEqual(
      [...shards.keys()].sort(),
    );
    const summary = cacheSummary(second.output);
    expect(summary, second.output).toBeDefined();
    expect(summary?.cached).toBe(summary?.total);
    expect(server?.stats().puts).toBeGreaterThanOrEqual(shards.size);
  });

  it('4. after a change to one library file, affected runs only the shards that reach it', async () => {
    const changed = 'libs/money/src/round.ts';
    const expected = reachedShards(shards, changed);
    // money's round.test.ts directly, api's price.test.ts through @e2e/money; text never imports money.
    expect(expected).toHaveLength(2);
    // Precision first, with the inputs in the message: no other shard may hash the file.
    for (const name of PROJECTS) {
      const project = await showProject(root, name);
      for (const [target, config] of Object.entries(project.targets)) {
        const id = `${name}:${target}`;
        if (!shards.has(id) || expected.includes(id)) continue;
        expect
          .soft(
            inputsCover(config.inputs ?? [], project.root, changed),
            `${id} (${shards.get(id)?.join(', ')}) never reaches ${changed}, yet its inputs cover it: ${JSON.stringify(config.inputs)}`,
          )
          .toBe(false);
      }
    }
    try {
      appendLine(root, changed, '// touched by the e2e test');
      const args = ['affected', '-t', 'test-unit', '--output-style=static'];
      const result = await nxOk(root, args, remoteEnv);
      const statuses = shardStatuses(result);
      expect(idsWith(statuses, 'ran'), result.output).toEqual(expected);
      // The parents of money and api bring their other shards along, as cache hits.
      const selected = [...statuses.keys()].sort();
      const moneyAndApi = [...shards.keys()].filter((id) => !id.startsWith('text:')).sort();
      expect(selected).toEqual(moneyAndApi);
      expect(idsWith(statuses, 'local cache', 'kept')).toEqual(
        moneyAndApi.filter((id) => !expected.includes(id)),
      );

      // The documented recipe names the shard targets: exactly the reached shard tasks.
      const recipe = await nxOk(root, [
        'affected',
        '-t',
        ...Array.from({ length: UNIT_SHARDS }, (_, i) => `test-unit--shard-${i + 1}`),
        '--output-style=static',
      ]);
      expect([...shardStatuses(recipe).keys()].sort(), recipe.output).toEqual(expected);
    } finally {
      git(root, 'checkout', '--', changed);
    }
  });

  it('5. remote cache: an empty clone takes every shard from it; after a change only affected shards run', async () => {
    const agent = clone();
    server?.resetStats();
    const args = ['run-many', '-t', 'test-unit', '--output-style=static'];
    const fromRemote = await nxOk(agent, args, remoteEnv);
    const statuses = shardStatuses(fromRemote);
    expect(idsWith(statuses, 'remote cache'), fromRemote.output).toEqual([...shards.keys()].sort());
    // Nx's client sent the token (the server answers 401 without it).
    expect(server?.stats()).toMatchObject({ unauthorized: 0, forbidden: 0 });
    expect(server?.stats().hits).toBeGreaterThanOrEqual(shards.size);
    // The restored outputs are the shard's report.
    const restored = readTaskReport(agent, 'money', 'test-unit--shard-1');
    expect(restored.summary.failed).toBe(0);
    // postTasksExecution took the timings the other machine measured into this one's history.
    const history = JSON.parse(
      readFileSync(join(agent, '.shardwise/cache/history/files.json'), 'utf8'),
    ) as { files: Record<string, { runs: number }> };
    for (const file of restored.files.filter((f) => !f.cached))
      expect(history.files[file.path]?.runs, file.path).toBe(1);

    const fresh = clone();
    const changed = 'libs/text/src/slug.ts';
    const expected = reachedShards(shards, changed);
    // text's slug test, money's format test (money imports text), api's price and slugs tests.
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(expected.length).toBeLessThan(shards.size);
    appendLine(fresh, changed, '// touched by the e2e test');
    const affected = await nxOk(
      fresh,
      ['affected', '-t', 'test-unit', '--output-style=static'],
      remoteEnv,
    );
    const after = shardStatuses(affected);
    expect(idsWith(after, 'ran'), affected.output).toEqual(expected);
    expect(idsWith(after, 'remote cache')).toEqual(
      [...shards.keys()].filter((id) => !expected.includes(id)).sort(),
    );
  });

  it('6. distribution: agents run disjoint shard sets; a final run takes all from the cache and matches one machine', async () => {
    // A commit that changes every unit shard's key: each project's runner configuration.
    appendLine(root, 'libs/money/jest.config.js', '// distribution run');
    appendLine(root, 'libs/text/vitest.config.mts', '// distribution run');
    appendLine(root, 'apps/api/vitest.config.mts', '// distribution run');
    commitAll(root, 'touch runner configs');

    const assignments: string[][] = [
      ['run-many', '-t', 'test-unit--shard-1'],
      ['run-many', '-t', 'test-unit--shard-2', '-p', 'money,text'],
      ['run-many', '-t', 'test-unit--shard-2', '-p', 'api'],
    ];
    const agents = assignments.map(() => clone());
    server?.resetStats();
    const runs = await Promise.all(
      assignments.map((args, i) =>
        nxOk(agents[i] ?? '', [...args, '--output-style=static'], remoteEnv),
      ),
    );
    const ranBy = runs.map((run) => idsWith(shardStatuses(run), 'ran'));
    // Disjoint, complete, and every task really ran (the new commit missed the remote cache).
    expect(ranBy.flat().sort()).toEqual([...shards.keys()].sort());
    expect(new Set(ranBy.flat()).size).toBe(shards.size);
    expect(server?.stats().puts).toBeGreaterThanOrEqual(shards.size);

    const final = clone();
    const all = await nxOk(
      final,
      ['run-many', '-t', 'test-unit', '--output-style=static'],
      remoteEnv,
    );
    expect(idsWith(shardStatuses(all), 'remote cache'), all.output).toEqual(
      [...shards.keys()].sort(),
    );
    const merged = [...shards.keys()].flatMap((id) => {
      const [, project, target] = SHARD.exec(id) ?? [];
      return readTaskReport(final, project ?? '', target ?? '').files;
    });

    // One machine, no cache of any kind: the CLI runs the unit category in one process tree.
    const single = spawnSync(
      join(final, 'node_modules/.bin/shardwise'),
      ['run', '--category', 'unit', '--no-cache', '--json'],
      { cwd: final, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
    );
    expect(single.status, single.stderr).toBe(0);
    const one = JSON.parse(single.stdout) as Report;
    expect(outcomes(merged)).toEqual(outcomes(one.files));
    expect(merged.flatMap((f) => f.tests).filter((t) => t.status === 'passed')).toHaveLength(
      TEST_COUNT.unit,
    );
    expect(
      Object.values(PROJECT_ROOTS).every((r) => merged.some((f) => f.path.startsWith(r))),
    ).toBe(true);
  });
});
