/**
 * Inference benchmark (issue: 50 projects and 5,000 test files, cold ≤ 3 s and cached ≤ 0.3 s
 * extra over Nx without the plugin). Generates the `nx` size workspace, then times
 * `nx show projects --json` as a fresh process with and without @shardwise/nx in nx.json, cold
 * (`nx reset`, Shardwise's cache removed) and cached (the same command again), in alternating
 * rounds, and reports medians and the plugin's extra time.
 *
 *   npm run bench:inference [-- --rounds 3 --size nx]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorkspace, type SizeName } from './generate-workspace';
import {
  machineLine,
  measureNode,
  median,
  repoRoot,
  writeBenchmarkSection,
  writeResultJson,
  type ProcessMeasurement,
  runBenchmark,
  workspaceFigures,
} from './bench-support';

const nxBin = join(repoRoot, 'node_modules/nx/dist/bin/nx.js');
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
};

function setPlugin(workspace: string, on: boolean): void {
  const path = join(workspace, 'nx.json');
  const nxJson = JSON.parse(readFileSync(path, 'utf8')) as { plugins?: unknown[] };
  nxJson.plugins = on
    ? [
        {
          plugin: '@shardwise/nx',
          options: { categories: { integration: { shards: 2 }, unit: { shards: 4 } } },
        },
      ]
    : [];
  writeFileSync(path, JSON.stringify(nxJson, null, 2));
}

/** Nx's caches and workspace data go; Shardwise's parse cache goes too unless `keepParseCache`. */
function reset(workspace: string, keepParseCache = false): void {
  spawnSync(process.execPath, [nxBin, 'reset'], { cwd: workspace, env, stdio: 'ignore' });
  if (!keepParseCache) rmSync(join(workspace, '.shardwise'), { recursive: true, force: true });
  rmSync(join(workspace, '.nx'), { recursive: true, force: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '3' }, size: { type: 'string', default: 'nx' } },
  });
  const rounds = Math.max(1, Number(values.rounds));
  const size = values.size as SizeName;
  const workspace = join(repoRoot, 'tmp', 'bench', `inference-${size}`);
  rmSync(workspace, { recursive: true, force: true });
  const summary = generateWorkspace({ outDir: workspace, size, seed: 1 });
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: workspace });
  const show = ['show', 'projects', '--json'];
  const runs = {
    withoutCold: [] as ProcessMeasurement[],
    withoutCached: [] as ProcessMeasurement[],
    withCold: [] as ProcessMeasurement[],
    withCached: [] as ProcessMeasurement[],
    withNxReset: [] as ProcessMeasurement[],
  };
  for (let round = 1; round <= rounds; round++) {
    setPlugin(workspace, false);
    reset(workspace);
    runs.withoutCold.push(await measureNode(nxBin, show, workspace, env));
    runs.withoutCached.push(await measureNode(nxBin, show, workspace, env));
    setPlugin(workspace, true);
    reset(workspace);
    runs.withCold.push(await measureNode(nxBin, show, workspace, env));
    runs.withCached.push(await measureNode(nxBin, show, workspace, env));
    reset(workspace, true);
    runs.withNxReset.push(await measureNode(nxBin, show, workspace, env));
    process.stderr.write(
      `round ${round}: without ${Math.round(runs.withoutCold.at(-1)!.wallMs)}/${Math.round(runs.withoutCached.at(-1)!.wallMs)} ms, with ${Math.round(runs.withCold.at(-1)!.wallMs)}/${Math.round(runs.withCached.at(-1)!.wallMs)}/${Math.round(runs.withNxReset.at(-1)!.wallMs)} ms (cold/cached/after nx reset)\n`,
    );
  }
  if (
    Object.values(runs)
      .flat()
      .some((m) => m.exitCode !== 0)
  )
    throw new Error('an nx command failed');
  const med = (list: ProcessMeasurement[]) => Math.round(median(list.map((m) => m.wallMs)));
  const cpu = (list: ProcessMeasurement[]) => Math.round(median(list.map((m) => m.cpuMs)));
  const rss = (list: ProcessMeasurement[]) => Math.round(median(list.map((m) => m.peakRssMb)));
  const treeRss = (list: ProcessMeasurement[]) =>
    Math.round(median(list.map((m) => m.peakTreeRssMb)));
  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineLine(),
    workspace: workspaceFigures(size, summary),
    rounds,
    coldExtraMs: med(runs.withCold) - med(runs.withoutCold),
    cachedExtraMs: med(runs.withCached) - med(runs.withoutCached),
    nxResetExtraMs: med(runs.withNxReset) - med(runs.withoutCold),
    rows: Object.entries(runs).map(([name, list]) => ({
      name,
      wallMs: med(list),
      cpuMs: cpu(list),
      peakRssMb: rss(list),
      peakTreeRssMb: treeRss(list),
      runsWallMs: list.map((m) => Math.round(m.wallMs)),
    })),
  };
  writeResultJson(`inference-${size}`, results);
  const label: Record<string, string> = {
    withoutCold: 'Nx without the plugin, cold',
    withoutCached: 'Nx without the plugin, cached',
    withCold: 'Nx with @shardwise/nx, cold',
    withCached: 'Nx with @shardwise/nx, cached',
    withNxReset: 'Nx with @shardwise/nx, after `nx reset` (parse cache kept)',
  };
  writeBenchmarkSection(
    `inference-${size}`,
    `## Nx inference at scale (\`${size}\` size)

Workspace: generated \`${size}\` size (seed 1): ${summary.projects} projects, ${summary.sourceFiles} source files, ${summary.testFiles} test files (${summary.files} files); plugin options: integration 2 shards, unit 4 shards, other default categories 1.
Machine: ${results.machine}. Date: ${results.date}. Rounds: ${rounds}, alternating, medians.
Method: \`npm run bench:inference\` (\`tools/src/bench-inference.ts\`): \`nx show projects --json\` (Nx 24.0.6, \`NX_DAEMON=false\`) as a fresh process, without the plugin (\`plugins: []\`) and with it; cold = after \`nx reset\` and with \`.nx\` and \`.shardwise\` removed (every file parsed), cached = the same command again, after \`nx reset\` = Nx's caches and the inference cache gone but Shardwise's parse cache (keyed by file content, in \`.shardwise/cache\`) kept, as after an \`nx reset\` or a branch switch that leaves most files as they were. CPU is the process tree's (Nx and the children it waited for); peak RSS is the Nx process's, peak tree memory the largest summed RSS of Nx and its plugin workers (sampled every 100 ms). No tests run here, so there are no test or cache-hit columns.

| run | wall ms | CPU ms | peak RSS MB | peak memory MB (tree) | every round, ms |
| --- | --- | --- | --- | --- | --- |
${results.rows.map((r) => `| ${label[r.name]} | ${r.wallMs} | ${r.cpuMs} | ${r.peakRssMb} | ${r.peakTreeRssMb} | ${r.runsWallMs.join(', ')} |`).join('\n')}

Extra time of the plugin: cold **${results.coldExtraMs} ms** (target ≤ 3000), cached **${results.cachedExtraMs} ms** (target ≤ 300), after \`nx reset\` with the parse cache kept **${results.nxResetExtraMs} ms**.`,
  );
  process.stdout.write(
    `bench-inference: cold extra ${results.coldExtraMs} ms, cached extra ${results.cachedExtraMs} ms, after nx reset ${results.nxResetExtraMs} ms\n`,
  );
}

runBenchmark(main);
