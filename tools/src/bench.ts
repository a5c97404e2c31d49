/**
 * The quick benchmark (`npm run bench -- --quick`, under two minutes): on a generated `quick`
 * workspace with Jest, Vitest and node:test projects, the runners' standard commands over every
 * test file against `shardwise run`, for a cold run, a rerun with no change and a rerun after one
 * source file changed; then the balance of the shards from the timings just recorded. Ends with
 * `bench: cold=<ratio> rerun=<ratio> change=<ratio> balance=<ratio>` (baseline / Shardwise wall
 * time; balance = max/mean shard time).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorkspace } from './generate-workspace';
import {
  machineLine,
  measureNode,
  repoRoot,
  writeBenchmarkSection,
  writeResultJson,
  runBenchmark,
  type ProcessMeasurement,
  readLatestReport,
} from './bench-support';

const cli = join(repoRoot, 'packages/core/dist/cli/main.js');

interface PlanJson {
  projects: Array<{
    name: string;
    root: string;
    runner: string;
    categories: Array<{
      name: string;
      shards: Array<{ estimatedMs: number; files: Array<{ path: string }> }>;
    }>;
  }>;
}

function shardwise(cwd: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`shardwise ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Cold, on both sides: the runners' caches and Shardwise's whole cache folder (history too). */
function clearRunnerCaches(workspace: string): void {
  rmSync(join(workspace, '.shardwise/cache'), { recursive: true, force: true });
  for (const entry of readdirSync(tmpdir())) {
    if (entry.startsWith('jest_')) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  rmSync(join(workspace, 'node_modules/.vite'), { recursive: true, force: true });
}

/** Every project's standard command, one after the other, as a script for the measuring wrapper. */
function writeStandardScript(workspace: string, plan: PlanJson): string {
  const commands = plan.projects.map((project) => {
    const files = project.categories.flatMap((c) =>
      c.shards.flatMap((s) => s.files.map((f) => join(workspace, f.path))),
    );
    const cwd = join(workspace, project.root);
    const args =
      project.runner === 'jest'
        ? [join(repoRoot, 'node_modules/jest/bin/jest.js'), '--ci', '--runTestsByPath', ...files]
        : project.runner === 'vitest'
          ? [
              join(repoRoot, 'node_modules/vitest/vitest.mjs'),
              'run',
              ...files.map((f) => f.slice(cwd.length + 1)),
            ]
          : ['--test', ...files];
    return { cwd, args };
  });
  const script = join(workspace, '.bench-standard.cjs');
  writeFileSync(
    script,
    `const { spawnSync } = require('node:child_process');\nfor (const c of ${JSON.stringify(commands)}) spawnSync(process.execPath, c.args, { cwd: c.cwd, stdio: 'ignore', env: { ...process.env, CI: 'true' } });\n`,
  );
  return script;
}

interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  files: number;
  cachedFiles: number;
}

/** The summary of the last `shardwise run` in the workspace (its report's `latest` pointer). */
function lastRunSummary(workspace: string): RunSummary {
  const report = readLatestReport<{ summary: RunSummary }>(join(workspace, '.shardwise/reports'));
  if (report === undefined) throw new Error(`no Shardwise report in ${workspace}`);
  return report.summary;
}

/** One side of one scenario: the figures every scenario reports. */
function figures(m: ProcessMeasurement, run?: RunSummary) {
  return {
    wallMs: Math.round(m.wallMs),
    cpuMs: Math.round(m.cpuMs),
    /** CPU time over wall time and cores: how busy the machine's cores were on average. */
    cpuUtilisation: Number((m.cpuMs / m.wallMs / cpus().length).toFixed(2)),
    peakTreeRssMb: m.peakTreeRssMb,
    testsRun: run === undefined ? null : run.passed + run.failed,
    testsSkipped: run === undefined ? null : run.skipped + run.todo,
    cacheHitRate: run === undefined ? null : Number((run.cachedFiles / run.files).toFixed(2)),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, 'cost-scale': { type: 'string' } },
  });
  const costScale = Number(values['cost-scale'] ?? (values.quick ? '0.3' : '1'));
  const workspace = join(repoRoot, 'tmp', 'bench', 'quick');
  rmSync(workspace, { recursive: true, force: true });
  const started = performance.now();
  const summary = generateWorkspace({ outDir: workspace, size: 'quick', seed: 1, costScale });
  // Two shards per category, so that balance means something.
  const nxJsonPath = join(workspace, 'nx.json');
  const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8')) as {
    plugins: Array<{ plugin: string; options: unknown }>;
  };
  nxJson.plugins = [
    {
      plugin: '@shardwise/nx',
      options: {
        categories: {
          smoke: { shards: 1 },
          integration: { shards: 2 },
          e2e: { shards: 1 },
          performance: { shards: 1 },
          unit: { shards: 3 },
        },
      },
    },
  ];
  writeFileSync(nxJsonPath, JSON.stringify(nxJson, null, 2));

  const plan = JSON.parse(shardwise(workspace, 'plan', '--json')) as PlanJson;
  const standardScript = writeStandardScript(workspace, plan);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  clearRunnerCaches(workspace);
  const coldA = await measureNode(standardScript, [], workspace);
  clearRunnerCaches(workspace);
  const coldB = await measureNode(cli, ['run'], workspace);
  const coldRun = lastRunSummary(workspace);
  log(`cold: standard ${Math.round(coldA.wallMs)} ms, shardwise ${Math.round(coldB.wallMs)} ms`);
  const rerunA = await measureNode(standardScript, [], workspace);
  const rerunB = await measureNode(cli, ['run'], workspace);
  const rerunRun = lastRunSummary(workspace);
  log(`rerun: standard ${Math.round(rerunA.wallMs)} ms, shardwise ${Math.round(rerunB.wallMs)} ms`);
  // The changed file: of the first three source files of each library, the one whose change
  // reaches the median number of test files (a typical edit, neither a leaf nor the root).
  const candidates = summary.projectList
    .filter((p) => p.kind === 'lib')
    .flatMap((p) =>
      readdirSync(join(workspace, p.root, 'src'))
        .filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|spec)\./.test(f) && !f.startsWith('index'))
        .sort()
        .slice(0, 3)
        .map((f) => `${p.root}/src/${f}`),
    )
    .map((file) => ({
      file,
      reached: (
        JSON.parse(shardwise(workspace, 'affected', '--files', file, '--json')) as {
          affected: unknown[];
        }
      ).affected.length,
    }))
    .filter((c) => c.reached > 0)
    .sort((x, y) => x.reached - y.reached || x.file.localeCompare(y.file));
  const picked = candidates[Math.floor(candidates.length / 2)]!;
  const changed = picked.file;
  appendFileSync(join(workspace, changed), '\n// bench change\n');
  const changeA = await measureNode(standardScript, [], workspace);
  const changeB = await measureNode(cli, ['run'], workspace);
  const changeRun = lastRunSummary(workspace);
  log(
    `change (${changed}, reaching ${picked.reached} of ${summary.testFiles} test files): standard ${Math.round(changeA.wallMs)} ms, shardwise ${Math.round(changeB.wallMs)} ms`,
  );

  shardwise(workspace, 'timings', 'update');
  const recorded = JSON.parse(shardwise(workspace, 'plan', '--json')) as PlanJson;
  const balances = recorded.projects.flatMap((p) =>
    p.categories
      .filter((c) => c.shards.length > 1 && c.shards.every((s) => s.files.length > 0))
      .map((c) => {
        const times = c.shards.map((s) => s.estimatedMs);
        return Math.max(...times) / (times.reduce((a, b) => a + b, 0) / times.length);
      }),
  );
  const balance = balances.length === 0 ? 1 : Math.max(...balances);
  const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineLine(),
    workspace: {
      size: 'quick',
      costScale,
      projects: summary.projects,
      testFiles: summary.testFiles,
      tests: summary.tests,
      runners: summary.runners,
    },
    cold: {
      standardMs: Math.round(coldA.wallMs),
      shardwiseMs: Math.round(coldB.wallMs),
      ratio: ratio(coldA.wallMs, coldB.wallMs),
      standard: figures(coldA),
      shardwise: figures(coldB, coldRun),
    },
    rerun: {
      standardMs: Math.round(rerunA.wallMs),
      shardwiseMs: Math.round(rerunB.wallMs),
      ratio: ratio(rerunA.wallMs, rerunB.wallMs),
      standard: figures(rerunA),
      shardwise: figures(rerunB, rerunRun),
    },
    change: {
      file: changed,
      reachedTestFiles: picked.reached,
      standardMs: Math.round(changeA.wallMs),
      shardwiseMs: Math.round(changeB.wallMs),
      ratio: ratio(changeA.wallMs, changeB.wallMs),
      standard: figures(changeA),
      shardwise: figures(changeB, changeRun),
    },
    balance: { worstMaxOverMean: Number(balance.toFixed(2)), categories: balances.length },
    totalMs: Math.round(performance.now() - started),
  };
  writeResultJson('quick', results);
  writeBenchmarkSection(
    'quick',
    `## Quick benchmark (\`npm run bench -- --quick\`)

Machine: ${results.machine}. Date: ${results.date}. One round each (a smoke-sized check; the run benchmark below has medians).
Workspace: generated \`quick\` size, seed 1, test costs × ${costScale}: ${summary.projects} projects (${summary.runners.join(', ')}), ${summary.testFiles} test files, ${summary.tests} tests; categories with 1–3 shards.
Method: \`tools/src/bench.ts\`. Standard = each project's runner over all its test files with its default parallelism (\`jest --ci --runTestsByPath\`, \`vitest run\`, \`node --test\`), projects one after another; Shardwise = \`shardwise run\`. Cold: the runners' caches and Shardwise's whole cache folder (results and history) removed first. Rerun: nothing changed. Change: one line appended to \`${results.change.file}\`, which ${results.change.reachedTestFiles} of the ${summary.testFiles} test files reach (the median among the first three source files of each library). Balance: after \`shardwise timings update\` (durations measured in these runs), the worst max/mean shard time over categories with 2+ shards.

| scenario | ratio | side | wall ms | CPU ms | CPU utilisation | peak memory MB (tree) | tests passed+failed / skipped | cache hit rate (files) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${(
  [
    ['cold', results.cold],
    ['rerun, no change', results.rerun],
    ['one source file changed', results.change],
  ] as const
)
  .flatMap(([name, r]) =>
    (['standard', 'shardwise'] as const).map((side) => {
      const f = r[side];
      const tests =
        f.testsRun === null ? `all ${summary.tests} tests` : `${f.testsRun} / ${f.testsSkipped}`;
      const hits = f.cacheHitRate === null ? '—' : `${Math.round(f.cacheHitRate * 100)}%`;
      return `| ${side === 'standard' ? name : ''} | ${side === 'standard' ? r.ratio : ''} | ${side} | ${f.wallMs} | ${f.cpuMs} | ${Math.round(f.cpuUtilisation * 100)}% | ${f.peakTreeRssMb} | ${tests} | ${hits} |`;
    }),
  )
  .join('\n')}
| balance (max/mean shard time) | ${results.balance.worstMaxOverMean} | | | | | | | |

CPU is the measured process and the children it waited for; CPU utilisation is CPU over wall time and the machine's ${cpus().length} cores; peak memory is the largest sum of RSS over the whole process tree, sampled every 100 ms. Test counts on the Shardwise side are from its report and include the tests of files served from the cache (their recorded results); the standard side runs every test file each time and its counts are not parsed.

Whole benchmark: ${(results.totalMs / 1000).toFixed(0)} s.`,
  );
  process.stdout.write(
    `bench: cold=${results.cold.ratio} rerun=${results.rerun.ratio} change=${results.change.ratio} balance=${results.balance.worstMaxOverMean}\n`,
  );
}

runBenchmark(main);
