/**
 * Run benchmarks: Shardwise against each runner's own default invocation and the best tuned
 * setting found, on generated workspaces, side by side in one process tree (A B A B rounds,
 * medians). Writes the `run` section of BENCHMARKS.md and tools/results/run.json.
 *
 *   npm run bench:run [-- --rounds 2 --runners jest,vitest,node]
 *
 * Scenarios per runner:
 * - cold, I/O-bound suite (timers, files, loopback sockets): default vs tuned vs Shardwise, with
 *   Shardwise's result cache and the runners' caches cleared before every run;
 * - cold, CPU-bound suite: the same three;
 * - rerun with no change: Shardwise's second run against its own cold run;
 * - one source file changed: the files Shardwise runs must be exactly the files whose closure
 *   holds that file; compared with the runner's related-tests mode where it has one.
 *
 *   npm run bench:run [-- --rounds 2 --runners jest,vitest,node]   (`--render-only`: rewrite the
 *   section from tools/results/run.json; a run of some runners keeps the others' earlier rows)
 */
import {
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  appendFileSync,
  mkdirSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { generateWorkspace, type CostMixName, type GenerateSummary } from './generate-workspace';
import {
  machineLine,
  measureNode,
  median,
  repoRoot,
  writeBenchmarkSection,
  writeResultJson,
  type ProcessMeasurement,
  runBenchmark,
  readLatestReport,
} from './bench-support';

type Runner = 'jest' | 'vitest' | 'node';

interface Command {
  label: string;
  script: string;
  args: string[];
  /** Where the test counts of this run can be read afterwards. */
  counts: () => TestCounts | undefined;
}

interface TestCounts {
  passed: number;
  failed: number;
  /** Skipped and todo tests. */
  skipped: number;
  files: number;
}

interface Row {
  scenario: string;
  runner: Runner;
  label: string;
  command: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** Peak summed RSS of the whole process tree (sampled every 100 ms). */
  peakTreeRssMb: number;
  /** CPU time over wall time and the machine's cores. */
  cpuUtilisation: number;
  runsWallMs: number[];
  tests: TestCounts | undefined;
  cachedFiles?: number;
  ranFiles?: number;
}

const cli = join(repoRoot, 'packages/core/dist/cli/main.js');
const bin = (name: string) => join(repoRoot, 'node_modules', name);

/** Cold, on both sides: the runners' caches and Shardwise's whole cache folder (history too). */
function clearRunnerCaches(workspace: string): void {
  rmSync(join(workspace, '.shardwise/cache'), { recursive: true, force: true });
  for (const entry of readdirSync(tmpdir())) {
    if (entry.startsWith('jest_')) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  rmSync(join(workspace, 'node_modules/.vite'), { recursive: true, force: true });
  rmSync(join(workspace, 'node_modules/.vitest'), { recursive: true, force: true });
}

function projectDirs(summary: GenerateSummary): string[] {
  return summary.projectList.map((p) => p.root);
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function latestReport(workspace: string):
  | {
      summary: {
        passed: number;
        failed: number;
        skipped: number;
        todo: number;
        files: number;
        cachedFiles: number;
      };
      files: Array<{ path: string; cached: boolean }>;
    }
  | undefined {
  return readLatestReport(join(workspace, '.shardwise/reports'));
}

/** The runner's own default invocation over the whole workspace, and the best tuned one. */
function runnerCommands(
  runner: Runner,
  workspace: string,
  summary: GenerateSummary,
): { standard: Command; tuned: Command } {
  const out = join(workspace, '.bench-counts.json');
  const jsonCounts = () => {
    const json = readJson<{
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      numTotalTestSuites: number;
    }>(out);
    return json === undefined
      ? undefined
      : {
          passed: json.numPassedTests,
          failed: json.numFailedTests,
          skipped: json.numPendingTests + json.numTodoTests,
          files: json.numTotalTestSuites,
        };
  };
  if (runner === 'jest') {
    const base = [
      bin('jest/bin/jest.js'),
      '--ci',
      '--json',
      `--outputFile=${out}`,
      '--projects',
      ...projectDirs(summary),
    ];
    return {
      standard: {
        label: 'jest (default)',
        script: base[0]!,
        args: base.slice(1),
        counts: jsonCounts,
      },
      tuned: {
        label: 'jest --maxWorkers=8',
        script: base[0]!,
        args: [...base.slice(1), '--maxWorkers=8'],
        counts: jsonCounts,
      },
    };
  }
  if (runner === 'vitest') {
    const config = join(workspace, 'vitest.bench.config.mts');
    const projects = projectDirs(summary).map((d) => `'${d}/vitest.config.mts'`);
    writeFileSync(config, `export default { test: { projects: [${projects.join(', ')}] } };\n`);
    const base = [
      bin('vitest/vitest.mjs'),
      'run',
      '--config',
      config,
      '--reporter=json',
      `--outputFile=${out}`,
    ];
    return {
      standard: {
        label: 'vitest run (default)',
        script: base[0]!,
        args: base.slice(1),
        counts: jsonCounts,
      },
      tuned: {
        label: 'vitest run --maxWorkers=8',
        script: base[0]!,
        args: [...base.slice(1), '--maxWorkers=8'],
        counts: jsonCounts,
      },
    };
  }
  const files = summary.projectList.flatMap((p) => listTests(workspace, p.root));
  const tap = join(workspace, '.bench-counts.tap');
  const tapCounts = () => {
    try {
      const text = readFileSync(tap, 'utf8');
      const n = (key: string) =>
        Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
      return {
        passed: n('pass'),
        failed: n('fail'),
        skipped: n('skipped') + n('todo'),
        files: files.length,
      };
    } catch {
      return undefined;
    }
  };
  const base = ['--test', '--test-reporter=tap', `--test-reporter-destination=${tap}`];
  return {
    standard: {
      label: 'node --test (default)',
      script: '',
      args: [...base, ...files],
      counts: tapCounts,
    },
    tuned: {
      label: 'node --test --test-concurrency=8',
      script: '',
      args: [...base, '--test-concurrency=8', ...files],
      counts: tapCounts,
    },
  };
}

function listTests(workspace: string, root: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(workspace, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.test\.m?js$/.test(entry.name)) found.push(path);
    }
  };
  walk(root);
  return found.sort();
}

async function measure(command: Command, workspace: string): Promise<ProcessMeasurement> {
  // node --test is Node itself: run it through the measuring wrapper as `-e` would not count.
  if (command.script === '') return measureNode('--node', command.args, workspace);
  return measureNode(command.script, command.args, workspace);
}

function toRow(
  scenario: string,
  runner: Runner,
  label: string,
  command: string,
  runs: ProcessMeasurement[],
  tests: TestCounts | undefined,
  extra: Partial<Row> = {},
): Row {
  const wall = median(runs.map((r) => r.wallMs));
  const cpu = median(runs.map((r) => r.cpuMs));
  return {
    scenario,
    runner,
    label,
    command,
    wallMs: Math.round(wall),
    cpuMs: Math.round(cpu),
    peakRssMb: Math.round(median(runs.map((r) => r.peakRssMb))),
    peakTreeRssMb: Math.round(median(runs.map((r) => r.peakTreeRssMb))),
    cpuUtilisation: Number((cpu / wall / cpus().length).toFixed(2)),
    runsWallMs: runs.map((r) => Math.round(r.wallMs)),
    tests,
    ...extra,
  };
}

async function coldScenario(
  runner: Runner,
  mix: CostMixName,
  rounds: number,
  log: (s: string) => void,
): Promise<{ rows: Row[]; workspace: string; summary: GenerateSummary }> {
  const workspace = join(repoRoot, 'tmp', 'bench', `${runner}-${mix}`);
  rmSync(workspace, { recursive: true, force: true });
  const summary = generateWorkspace({
    outDir: workspace,
    size: 'quick',
    runners: [runner],
    costMix: mix,
    seed: 1,
  });
  const { standard, tuned } = runnerCommands(runner, workspace, summary);
  const shardwise: Command = {
    label: 'shardwise run',
    script: cli,
    args: ['run'],
    counts: () => {
      const r = latestReport(workspace);
      return r === undefined
        ? undefined
        : {
            passed: r.summary.passed,
            failed: r.summary.failed,
            skipped: r.summary.skipped + r.summary.todo,
            files: r.summary.files,
          };
    },
  };
  const results = new Map<Command, { runs: ProcessMeasurement[]; tests: TestCounts | undefined }>();
  for (let round = 0; round < rounds; round++) {
    for (const command of [standard, tuned, shardwise]) {
      clearRunnerCaches(workspace);
      const m = await measure(command, workspace);
      const entry = results.get(command) ?? { runs: [], tests: undefined };
      entry.runs.push(m);
      entry.tests = command.counts();
      results.set(command, entry);
      log(
        `${runner}/${mix} round ${round + 1}: ${command.label} ${Math.round(m.wallMs)} ms (exit ${m.exitCode})`,
      );
    }
  }
  const scenario = `cold, ${mix === 'io' ? 'I/O-bound' : 'CPU-bound'}`;
  const lastRun = latestReport(workspace);
  const rows = [standard, tuned, shardwise].map((c) => {
    const r = results.get(c)!;
    const files =
      c === shardwise && lastRun !== undefined
        ? {
            ranFiles: lastRun.summary.files - lastRun.summary.cachedFiles,
            cachedFiles: lastRun.summary.cachedFiles,
          }
        : {};
    return toRow(
      scenario,
      runner,
      c.label,
      `${c.script === '' ? 'node' : c.script.replace(repoRoot + '/', '')} ${c.args
        .join(' ')
        .replaceAll(repoRoot + '/', '')
        .replaceAll(workspace + '/', '')}`.slice(0, 160),
      r.runs,
      r.tests,
      files,
    );
  });
  return { rows, workspace, summary };
}

async function warmScenarios(
  runner: Runner,
  workspace: string,
  summary: GenerateSummary,
  rounds: number,
  log: (s: string) => void,
): Promise<Row[]> {
  const rows: Row[] = [];
  const cold: ProcessMeasurement[] = [];
  const rerun: ProcessMeasurement[] = [];
  let rerunReport: ReturnType<typeof latestReport>;
  for (let round = 0; round < rounds; round++) {
    clearRunnerCaches(workspace);
    cold.push(await measureNode(cli, ['run'], workspace));
    rerun.push(await measureNode(cli, ['run'], workspace));
    rerunReport = latestReport(workspace);
    log(
      `${runner} rerun round ${round + 1}: cold ${Math.round(cold.at(-1)!.wallMs)} ms, rerun ${Math.round(rerun.at(-1)!.wallMs)} ms`,
    );
  }
  rows.push(
    toRow(
      'no-change rerun',
      runner,
      'shardwise run (cold)',
      'shardwise run (cold)',
      cold,
      undefined,
    ),
  );
  rows.push(
    toRow(
      'no-change rerun',
      runner,
      'shardwise run (rerun)',
      'shardwise run',
      rerun,
      rerunReport && {
        passed: rerunReport.summary.passed,
        failed: rerunReport.summary.failed,
        skipped: rerunReport.summary.skipped + rerunReport.summary.todo,
        files: rerunReport.summary.files,
      },
      {
        cachedFiles: rerunReport?.summary.cachedFiles,
        ranFiles:
          rerunReport === undefined
            ? undefined
            : rerunReport.summary.files - rerunReport.summary.cachedFiles,
      },
    ),
  );

  // One source file changed: of the library source files, the one whose change reaches the
  // fewest tests (but some), as a typical small edit does.
  const affectedBy = (file: string): string[] => {
    const result = spawnSync(process.execPath, [cli, 'affected', '--files', file, '--json'], {
      cwd: workspace,
      encoding: 'utf8',
    });
    return (JSON.parse(result.stdout) as { affected: Array<{ path: string }> }).affected
      .map((a) => a.path)
      .sort();
  };
  let changed = '';
  let expected: string[] = [];
  for (const lib of summary.projectList.filter((p) => p.kind === 'lib')) {
    const sourceDir = join(workspace, lib.root, 'src');
    const candidates = readdirSync(sourceDir).filter(
      (f) => /\.(ts|js)$/.test(f) && !/\.(test|spec)\./.test(f) && !f.startsWith('index'),
    );
    for (const candidate of candidates.sort().slice(0, 6)) {
      const file = `${lib.root}/src/${candidate}`;
      const reached = affectedBy(file);
      if (reached.length > 0 && (expected.length === 0 || reached.length < expected.length)) {
        changed = file;
        expected = reached;
      }
    }
  }
  const change: ProcessMeasurement[] = [];
  let ran: string[] = [];
  let changeTests: TestCounts | undefined;
  for (let round = 0; round < rounds; round++) {
    await measureNode(cli, ['run'], workspace); // warm: everything cached
    appendFileSync(join(workspace, changed), `\n// bench change ${Date.now()}\n`);
    change.push(await measureNode(cli, ['run'], workspace));
    const report = latestReport(workspace);
    changeTests = report && {
      passed: report.summary.passed,
      failed: report.summary.failed,
      skipped: report.summary.skipped + report.summary.todo,
      files: report.summary.files,
    };
    ran = (report?.files ?? [])
      .filter((f) => !f.cached)
      .map((f) => f.path)
      .sort();
    log(
      `${runner} change round ${round + 1}: ${Math.round(change.at(-1)!.wallMs)} ms, ran ${ran.length}, expected ${expected.length}`,
    );
  }
  const exact = JSON.stringify(ran) === JSON.stringify(expected);
  rows.push(
    toRow(
      'one source file changed',
      runner,
      `shardwise run (${changed.split('/').pop()})`,
      'shardwise run',
      change,
      changeTests,
      { ranFiles: ran.length, cachedFiles: summary.testFiles - ran.length },
    ),
  );
  if (!exact)
    throw new Error(
      `after changing ${changed}, Shardwise ran ${ran.join(', ')} but the closures hold ${expected.join(', ')}`,
    );
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '2' },
      runners: { type: 'string', default: 'jest,vitest,node' },
      'render-only': { type: 'boolean', default: false },
    },
  });
  if (values['render-only']) {
    const previous = readPreviousResults();
    if (previous === undefined) throw new Error('no tools/results/run.json to render');
    writeBenchmarkSection('run', renderMarkdown(previous));
    return;
  }
  const rounds = Math.max(1, Number(values.rounds));
  const runners = values.runners.split(',') as Runner[];
  mkdirSync(join(repoRoot, 'tmp', 'bench'), { recursive: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rows: Row[] = [];
  for (const runner of runners) {
    const io = await coldScenario(runner, 'io', rounds, log);
    rows.push(...io.rows);
    rows.push(...(await coldScenario(runner, 'cpu', rounds, log)).rows);
    rows.push(...(await warmScenarios(runner, io.workspace, io.summary, rounds, log)));
  }
  // A run of some runners keeps the other runners' rows of the previous run, and says so.
  const previous = readPreviousResults();
  const kept = previous?.rows.filter((r) => !runners.includes(r.runner)) ?? [];
  const results: RunResults = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineLine(),
    rounds,
    rows: [...kept, ...rows].sort(
      (a, b) => RUNNER_ORDER.indexOf(a.runner) - RUNNER_ORDER.indexOf(b.runner),
    ),
    ...(kept.length > 0 && previous !== undefined
      ? {
          keptFrom: {
            date: previous.keptFrom?.date ?? previous.date,
            runners: [...new Set(kept.map((r) => r.runner))],
          },
        }
      : {}),
  };
  writeResultJson('run', results);
  writeBenchmarkSection('run', renderMarkdown(results));
  for (const runner of runners) {
    const of = (scenario: string, label: string) =>
      rows.find((r) => r.runner === runner && r.scenario === scenario && r.label.startsWith(label))
        ?.wallMs ?? NaN;
    const io =
      of('cold, I/O-bound', `${runner === 'node' ? 'node --test (default)' : runner}`) /
      of('cold, I/O-bound', 'shardwise');
    const cpu =
      of('cold, CPU-bound', `${runner === 'node' ? 'node --test (default)' : runner}`) /
      of('cold, CPU-bound', 'shardwise');
    const rerunShare =
      of('no-change rerun', 'shardwise run (rerun)') /
      of('no-change rerun', 'shardwise run (cold)');
    process.stdout.write(
      `bench-run ${runner}: io=${io.toFixed(2)}x cpu=${cpu.toFixed(2)}x rerun=${(rerunShare * 100).toFixed(1)}% of cold\n`,
    );
  }
}

const RUNNER_ORDER: readonly Runner[] = ['jest', 'vitest', 'node'];

interface RunResults {
  date: string;
  machine: string;
  rounds: number;
  rows: Row[];
  /** Rows of these runners come from an earlier run (`--runners` named the others). */
  keptFrom?: { date: string; runners: Runner[] };
}

function readPreviousResults(): RunResults | undefined {
  try {
    return JSON.parse(
      readFileSync(join(repoRoot, 'tools', 'results', 'run.json'), 'utf8'),
    ) as RunResults;
  } catch {
    return undefined;
  }
}

function renderMarkdown(results: RunResults): string {
  const table = results.rows
    .map(
      (r) =>
        `| ${r.runner} | ${r.scenario} | ${r.label} | ${r.wallMs} | ${r.cpuMs} | ${Math.round(r.cpuUtilisation * 100)}% | ${r.peakTreeRssMb} | ${r.tests === undefined ? '' : `${r.tests.passed} / ${r.tests.failed} / ${r.tests.skipped}`} | ${r.ranFiles ?? ''} | ${r.cachedFiles ?? ''} | ${r.ranFiles === undefined || r.cachedFiles === undefined ? '' : `${Math.round((100 * r.cachedFiles) / (r.ranFiles + r.cachedFiles))}%`} | ${r.runsWallMs.join(', ')} |`,
    )
    .join('\n');
  return `## Running tests: \`shardwise run\` against the runners

Machine: ${results.machine}. Date: ${results.date}${results.keptFrom === undefined ? '' : ` (the ${results.keptFrom.runners.join(' and ')} rows are from an earlier run, dated ${results.keptFrom.date}, kept when \`--runners\` named only the others)`}. Rounds: ${results.rounds} (A B C A B C…, medians).
Method: \`npm run bench:run\` (\`tools/src/bench-run.ts\`). Workspaces: the generator's \`quick\` size (4 projects, 40 test files, ~35 s of planned serial test time, seed 1), one runner per workspace, with \`--cost-mix io\` (timers, temp files, loopback sockets) or \`--cost-mix cpu\` (hashing loops). Every run is a fresh child process of the harness; before each cold run the runners' caches (\`$TMPDIR/jest_*\`, \`node_modules/.vite\`) are removed, and so is Shardwise's whole cache folder (result cache and run history, so durations are estimates from file sizes). "Default" is the runner's own invocation over all projects at once (\`jest --projects …\`, \`vitest run\` with a root config listing the projects, \`node --test <files>\`); "tuned" is the best flag setting found (\`--maxWorkers=8\` / \`--test-concurrency=8\`; Vitest's \`--no-isolate\` was not used since it drops per-file isolation, which Shardwise keeps). CPU is the process tree's user+system time as seen by the measured process (its own plus the children it waited for); CPU utilisation is that over wall time and the machine's cores; peak memory is the largest summed RSS of the whole process tree, sampled every 100 ms. Tests passed / failed / skipped (skipped includes todo) come from each runner's own JSON/TAP output and from Shardwise's report, whose counts include the recorded results of files served from the cache (the generated suites contain one seeded flaky test: it fails on a first attempt, so the runners report 1 failure while Shardwise retries it and reports it flaky). The one-change scenario appends a line to one library source file and checks that the files Shardwise runs are exactly those \`shardwise affected\` lists for that file.

| runner | scenario | command | wall ms | CPU ms | CPU utilisation | peak memory MB (tree) | tests passed / failed / skipped | files run | files cached | cache hit rate | every round, ms |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${table}`;
}

runBenchmark(main);
