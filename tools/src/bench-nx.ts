/**
 * Nx benchmark: `nx affected` with @shardwise/nx against Nx's own inferred test targets
 * (`@nx/jest/plugin`, `@nx/vitest`) after a one-file change in a shared library. Per contracts §4
 * the comparison runs in an Nx 23 workspace, since those plugins lag Nx 24. Writes the
 * `nx-vs-nx-plugins` section of BENCHMARKS.md and tools/results/nx-vs-nx-plugins.json.
 *
 *   npm run bench:nx [-- --rounds 3 --keep]
 *
 * One generated workspace (jest + vitest projects) carries both target sets: `test` from Nx's
 * plugins, and `test-<category>` / `test-<category>--shard-<k>` from ours. Both caches are warmed,
 * then every measured command starts from that warm state: a unique line is appended to one
 * library source file, the command runs as a fresh `nx` process, and the file is restored.
 * Two edits: `third` (a library other projects use, the file reached by about a third of the test
 * files: the issue's scenario) and `narrow` (the most-used library's file that reaches the fewest
 * tests). Commands alternate order between rounds. `--render-only` rewrites the section from the
 * last results file.
 */
import { packWorkspacePackages } from './pack-packages';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  closeParsePool,
  findAffectedTests,
  loadConfig,
  planWorkspace,
  type AffectedTest,
} from '@shardwise/core';
import { generateWorkspace, type CustomSize, type GenerateSummary } from './generate-workspace';
import {
  machineLine,
  measureNode,
  median,
  repoRoot,
  writeBenchmarkSection,
  writeResultJson,
  type ProcessMeasurement,
  readLatestReport,
} from './bench-support';

/** The newest release that nx, @nx/jest and @nx/vitest all publish in the 23 line. */
const NX23 = '23.2.1';
const VERSIONS = {
  nx: NX23,
  '@nx/jest': NX23,
  '@nx/vitest': NX23,
  '@nx/js': NX23,
  '@nx/devkit': NX23,
  jest: '30.5.2',
  '@swc/jest': '0.2.39',
  '@swc/core': '1.16.22',
  vitest: '4.1.12',
  typescript: '6.0.3',
  '@types/node': '20.19.43',
} as const;
const SIZE: CustomSize = { projects: 8, sourceFiles: 400, testFiles: 120 };
/** Planned serial test time the cost scale is fitted to (runner start-up comes on top). */
const TARGET_SERIAL_MS = 30_000;
/** Shards per category: what a user would set for ~10–15 test files per project category. */
const CATEGORIES: Record<string, { shards: number }> = {
  smoke: { shards: 1 },
  integration: { shards: 2 },
  e2e: { shards: 1 },
  performance: { shards: 1 },
  unit: { shards: 3 },
};
const CATEGORY_TARGETS = Object.keys(CATEGORIES).map((c) => `test-${c}`);
const SHARD_TARGETS = Object.entries(CATEGORIES).flatMap(([c, { shards }]) =>
  Array.from({ length: shards }, (_, k) => `test-${c}--shard-${k + 1}`),
);
const SHARD_TASK = /^([^:]+):(test-[a-z0-9-]+?--shard-\d+)$/;

type Side = 'nx-plugins' | 'shardwise' | 'shardwise-shards';

interface NxCommand {
  side: Side;
  label: string;
  args: string[];
}

const COMMANDS: NxCommand[] = [
  { side: 'nx-plugins', label: 'nx affected -t test', args: ['affected', '-t', 'test'] },
  {
    side: 'shardwise',
    label: `nx affected -t ${CATEGORY_TARGETS.join(' ')}`,
    args: ['affected', '-t', ...CATEGORY_TARGETS],
  },
  {
    side: 'shardwise-shards',
    label: 'nx affected -t <every shard target> (the docs’ recipe)',
    args: ['affected', '-t', ...SHARD_TARGETS],
  },
];

type NxRun = ProcessMeasurement;

type TaskStatus = 'ran' | 'cache';

interface RoundResult {
  wallMs: number;
  cpuMs: number;
  peakTreeRssMb: number;
  exitCode: number;
  tasks: number;
  tasksRan: number;
  tasksCached: number;
  /** Shard tasks that ran (Shardwise sides). */
  shardsRan: string[];
  testFilesRun: number | undefined;
  testsRun: number | undefined;
  testsSkipped: number | undefined;
  nxSummary: string | undefined;
}

interface Row {
  scenario: Change['scenario'];
  side: Side;
  command: string;
  wallMs: number;
  cpuMs: number;
  /** CPU over wall time and the machine's cores. */
  cpuUtilisation: number;
  peakTreeRssMb: number;
  runsWallMs: number[];
  runsCpuMs: number[];
  exitCodes: number[];
  tasks: number;
  tasksRan: number;
  tasksCached: number;
  testFilesRun: number | undefined;
  testsRun: number | undefined;
  testsSkipped: number | undefined;
  nxSummary: string | undefined;
  /** Shardwise sides: whether the shards that ran are exactly those `findAffectedTests` names. */
  shardsExact?: boolean;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Nx prints its task statuses on stdout, which measureNode keeps. */
function measureNx(
  script: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<NxRun> {
  return measureNode(script, args, cwd, env);
}

/**
 * Task headers of Nx's static output, `> nx run <id>` with ` [local cache]` (or "existing
 * outputs match the cache") after a restored task, and each task's output up to the next header.
 */
function tasksOf(output: string): Map<string, { status: TaskStatus; text: string }> {
  const tasks = new Map<string, { status: TaskStatus; text: string }>();
  const header = /^\s*(?:>|✔|√|✖|×)\s+nx run (\S+)(?:\s+-\S+)*(?:\s+\[([^\]]+)\])?\s*$/;
  let current: { status: TaskStatus; text: string } | undefined;
  for (const line of output.split('\n')) {
    const match = header.exec(line);
    if (match?.[1] !== undefined) {
      const tag = match[2];
      current = {
        status:
          tag !== undefined && (tag.includes('cache') || tag.startsWith('existing outputs'))
            ? 'cache'
            : 'ran',
        text: '',
      };
      tasks.set(match[1], current);
      continue;
    }
    // Nx's closing summary starts with a rule of dashes / "NX": not a task's output.
    if (/^\s*(?:—{5,}|-{5,})\s*$/.test(line) || /^\s*NX\s{2,}/.test(line)) current = undefined;
    if (current !== undefined) current.text += `${line}\n`;
  }
  return tasks;
}

function nxSummaryLine(output: string): string | undefined {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(?:NX\s+)?(Successfully ran|Ran target|Running target|Nx read)/.test(l))
    .join(' | ');
}

/** Test files and cases a Jest or Vitest run printed (`Test Suites: … N total`, `Tests  … (N)`). */
interface TestCounts {
  files: number;
  tests: number;
  /** Skipped and todo tests among them. */
  skipped: number;
}

/** `3 skipped` + `1 todo` in a runner's summary line. */
function skippedIn(line: string): number {
  const n = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return n('skipped') + n('todo');
}

function runnerCounts(text: string): TestCounts | undefined {
  const jestFiles = /^Test Suites:.*?(\d+) total/m.exec(text);
  const jestTests = /^Tests:.*?(\d+) total/m.exec(text);
  if (jestFiles && jestTests)
    return {
      files: Number(jestFiles[1]),
      tests: Number(jestTests[1]),
      skipped: skippedIn(jestTests[0]),
    };
  const vitestFiles = /^\s*Test Files\s+.*\((\d+)\)\s*$/m.exec(text);
  const vitestTests = /^\s*Tests\s+.*\((\d+)\)\s*$/m.exec(text);
  if (vitestFiles && vitestTests)
    return {
      files: Number(vitestFiles[1]),
      tests: Number(vitestTests[1]),
      skipped: skippedIn(vitestTests[0]),
    };
  return undefined;
}

interface ShardReport {
  files: Array<{ cached: boolean; tests: Array<{ status: string }> }>;
}

/** Files and cases a shard task really ran (not from Shardwise's own file cache), from its report. */
function shardCounts(workspace: string, taskId: string): TestCounts | undefined {
  const [, project, target] = SHARD_TASK.exec(taskId) ?? [];
  if (project === undefined || target === undefined) return undefined;
  const report = readLatestReport<ShardReport>(
    join(workspace, '.shardwise/reports', project, target),
  );
  if (report === undefined) return undefined;
  const ran = report.files.filter((f) => !f.cached);
  const tests = ran.flatMap((f) => f.tests);
  return {
    files: ran.length,
    tests: tests.length,
    skipped: tests.filter((t) => t.status === 'skipped' || t.status === 'todo').length,
  };
}

/** The `nx:noop` category parents: no work of their own, left out of the task counts. */
const PARENT_TASK = new RegExp(`:(?:${CATEGORY_TARGETS.join('|')})$`);

function summarizeRun(side: Side, run: NxRun, workspace: string): RoundResult {
  const tasks = new Map([...tasksOf(run.output)].filter(([id]) => !PARENT_TASK.test(id)));
  const ran = [...tasks].filter(([, t]) => t.status === 'ran');
  const shardsRan = ran
    .map(([id]) => id)
    .filter((id) => SHARD_TASK.test(id))
    .sort();
  let files: number | undefined = 0;
  let tests: number | undefined = 0;
  let skipped: number | undefined = 0;
  const add = (counts: TestCounts | undefined): void => {
    if (
      counts === undefined ||
      files === undefined ||
      tests === undefined ||
      skipped === undefined
    ) {
      files = tests = skipped = undefined;
      return;
    }
    files += counts.files;
    tests += counts.tests;
    skipped += counts.skipped;
  };
  if (side === 'nx-plugins') for (const [, task] of ran) add(runnerCounts(task.text));
  else for (const id of shardsRan) add(shardCounts(workspace, id));
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    peakTreeRssMb: run.peakTreeRssMb,
    exitCode: run.exitCode,
    tasks: tasks.size,
    tasksRan: ran.length,
    tasksCached: tasks.size - ran.length,
    shardsRan,
    testFilesRun: files,
    testsRun: tests,
    testsSkipped: skipped,
    nxSummary: nxSummaryLine(run.output),
  };
}

function packTarballs(workspace: string): { core: string; nx: string } {
  const tarballs = packWorkspacePackages(join(workspace, 'vendor'), [
    '@shardwise/core',
    '@shardwise/nx',
  ]);
  const relativeTo = (name: string) => `vendor/${basename(tarballs.get(name)!)}`;
  return { core: relativeTo('@shardwise/core'), nx: relativeTo('@shardwise/nx') };
}

/** Generates the workspace twice: the second time with the cost scale fitted to the target. */
function generate(workspace: string): { summary: GenerateSummary; costScale: number } {
  const options = {
    outDir: workspace,
    size: SIZE,
    runners: ['jest', 'vitest'] as const,
    costMix: 'mixed' as const,
    seed: 1,
    force: true,
  };
  const trial = generateWorkspace({ ...options, runners: [...options.runners], costScale: 1 });
  const costScale = Number((TARGET_SERIAL_MS / trial.estimatedSerialMs).toFixed(3));
  const summary = generateWorkspace({ ...options, runners: [...options.runners], costScale });
  return { summary, costScale };
}

/** Turns the generated workspace into an Nx 23 one with Nx's test plugins and ours. */
function configure(workspace: string, tarballs: { core: string; nx: string }): void {
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const pkgPath = join(workspace, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as Record<string, unknown>;
  pkg['devDependencies'] = {
    ...VERSIONS,
    '@shardwise/core': `file:${tarballs.core}`,
    '@shardwise/nx': `file:${tarballs.nx}`,
  };
  writeFileSync(pkgPath, json(pkg));
  writeFileSync(
    join(workspace, 'nx.json'),
    json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      defaultBase: 'main',
      // What create-nx-workspace writes: Nx's plugins use `production` for `^production`.
      namedInputs: {
        default: ['{projectRoot}/**/*', 'sharedGlobals'],
        production: [
          'default',
          '!{projectRoot}/**/*.{test,spec}.ts',
          '!{projectRoot}/**/__tests__/**/*',
          '!{projectRoot}/tests/**/*',
          '!{projectRoot}/jest.config.js',
          '!{projectRoot}/vitest.config.mts',
          '!{projectRoot}/tsconfig.json',
        ],
        sharedGlobals: [],
      },
      plugins: [
        { plugin: '@nx/jest/plugin', options: { targetName: 'test' } },
        // `run`: one pass, as in CI, whatever the terminal.
        { plugin: '@nx/vitest', options: { testTargetName: 'test', testMode: 'run' } },
        { plugin: '@shardwise/nx', options: { categories: CATEGORIES } },
      ],
    }),
  );
}

/** One edit the benchmark measures: a library source file and what its change reaches. */
interface Change {
  scenario: 'third' | 'narrow';
  file: string;
  library: string;
  affected: AffectedTest[];
  /** Shard tasks (`project:target`) holding an affected test file. */
  shards: string[];
  /** Projects Nx reruns `test` for: the library and everything depending on it. */
  nxProjects: GenerateSummary['projectList'];
}

/**
 * The two edits: `third`, the source file of a library other projects depend on whose change
 * reaches the number of test files nearest a third (the issue's scenario); `narrow`, the file of
 * the most depended-on library that reaches the fewest test files but some (a leaf helper).
 */
async function chooseChanges(workspace: string, summary: GenerateSummary): Promise<Change[]> {
  const { config } = loadConfig({ workspaceRoot: workspace, env: {} });
  const plan = await planWorkspace({ workspaceRoot: workspace, config, env: {} });
  await closeParsePool();
  const libs = summary.projectList
    .filter((p) => p.kind === 'lib')
    .map((p) => ({ project: p, users: dependents(summary, p.name) }))
    .filter((l) => l.users.length > 1);
  const candidates = plan.files.flatMap((file) => {
    const lib = libs.find((l) => file.startsWith(`${l.project.root}/src/`));
    if (lib === undefined || !/\.ts$/.test(file) || /\.(test|spec)\.ts$/.test(file)) return [];
    if (file.includes('__tests__')) return [];
    const affected = findAffectedTests(plan, [file]);
    const shards = [
      ...new Set(affected.map((a) => `${a.project}:test-${a.category}--shard-${a.shard}`)),
    ].sort();
    return [{ file, library: lib.project.name, affected, shards, nxProjects: lib.users }];
  });
  const want = summary.testFiles / 3;
  const third = [...candidates].sort(
    (a, b) =>
      Math.abs(a.affected.length - want) - Math.abs(b.affected.length - want) ||
      a.file.localeCompare(b.file),
  )[0];
  const mostUsed = Math.max(...candidates.map((c) => c.nxProjects.length));
  const narrow = candidates
    .filter((c) => c.nxProjects.length === mostUsed && c.affected.length > 0)
    .sort((a, b) => a.affected.length - b.affected.length || a.file.localeCompare(b.file))[0];
  if (third === undefined || narrow === undefined) throw new Error('no library source file found');
  return [
    { scenario: 'third', ...third },
    { scenario: 'narrow', ...narrow },
  ];
}

/** The project and everything depending on it, transitively (Nx's project graph). */
function dependents(summary: GenerateSummary, lib: string): GenerateSummary['projectList'] {
  const reached = new Set([lib]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of summary.projectList) {
      if (!reached.has(p.name) && p.deps.some((d) => reached.has(d))) {
        reached.add(p.name);
        grew = true;
      }
    }
  }
  return summary.projectList.filter((p) => reached.has(p.name));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '2' },
      keep: { type: 'boolean', default: false },
      // Rewrites the BENCHMARKS.md section from the last results file, without measuring.
      'render-only': { type: 'boolean', default: false },
    },
  });
  if (values['render-only']) {
    const file = join(repoRoot, 'tools/results/nx-vs-nx-plugins.json');
    writeBenchmarkSection(
      'nx-vs-nx-plugins',
      renderMarkdown(JSON.parse(readFileSync(file, 'utf8')) as BenchData),
    );
    return;
  }
  const rounds = Math.max(2, Number(values.rounds));
  const workspace = join(repoRoot, 'tmp', 'bench', 'nx-vs-nx-plugins');
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });

  const { summary, costScale } = generate(workspace);
  const tarballs = packTarballs(workspace);
  configure(workspace, tarballs);
  log(
    `generated ${summary.projects} projects, ${summary.sourceFiles} sources, ${summary.testFiles} test files (${summary.tests} cases), cost scale ${costScale}, planned serial ${Math.round(summary.estimatedSerialMs)} ms`,
  );

  const installStarted = performance.now();
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    {
      cwd: workspace,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        npm_config_update_notifier: 'false',
        NX_CACHE_DIRECTORY: join(workspace, '.nx/cache'),
        NX_WORKSPACE_DATA_DIRECTORY: join(workspace, '.nx/workspace-data'),
      },
    },
  );
  const installMs = performance.now() - installStarted;
  log(`npm install: ${Math.round(installMs)} ms`);
  const installed = (name: string): string =>
    (
      JSON.parse(readFileSync(join(workspace, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  const versions = Object.fromEntries(
    ['nx', '@nx/jest', '@nx/vitest', 'jest', 'vitest', '@shardwise/nx'].map((n) => [
      n,
      installed(n),
    ]),
  );
  const git = (...args: string[]): void => {
    execFileSync(
      'git',
      ['-c', 'user.email=bench@shardwise.invalid', '-c', 'user.name=Shardwise Bench', ...args],
      { cwd: workspace, stdio: 'ignore' },
    );
  };
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('commit', '--quiet', '--no-verify', '-m', 'generated workspace');

  const nxPkg = JSON.parse(
    readFileSync(join(workspace, 'node_modules/nx/package.json'), 'utf8'),
  ) as { bin: Record<string, string> };
  const nxBin = join(workspace, 'node_modules/nx', nxPkg.bin['nx'] ?? 'bin/nx.js');
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_'))),
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    // Plugins in Nx's own process: isolated plugin workers are killed, not waited for, so their
    // CPU would escape the process-tree measurement.
    NX_ISOLATE_PLUGINS: 'false',
    NX_CACHE_DIRECTORY: join(workspace, '.nx/cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(workspace, '.nx/workspace-data'),
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    // The generated flaky case fails once per run id: one id for the whole benchmark, so only
    // the very first attempt fails (Shardwise sets its own id per run and retries).
    SHARDWISE_FLAKY_RUN: `bench-nx-${process.pid}`,
  };
  const runNx = (args: string[]): Promise<NxRun> =>
    measureNx(nxBin, [...args, '--output-style=static'], workspace, env);

  // Both target sets exist side by side, with distinct names.
  const sample = summary.projectList[0]?.name ?? '';
  const shown = await runNx(['show', 'project', sample, '--json']);
  const shownJson = shown.stdout.slice(
    shown.stdout.indexOf('{'),
    shown.stdout.lastIndexOf('}') + 1,
  );
  const targets = Object.keys(
    (JSON.parse(shownJson) as { targets: Record<string, unknown> }).targets,
  ).sort();
  for (const wanted of ['test', ...CATEGORY_TARGETS, 'test-unit--shard-1']) {
    if (!targets.includes(wanted))
      throw new Error(`${sample} has no ${wanted} target: ${targets.join(', ')}`);
  }
  log(`${sample} targets: ${targets.join(', ')}`);

  // (1) Warm both caches. The first full run per side is the empty-cache figure; a run that
  // fails only on the generated flaky case is repeated.
  const warm = async (label: string, args: string[]): Promise<RoundResult> => {
    let first: RoundResult | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const run = await runNx(args);
      const result = summarizeRun(label === 'test' ? 'nx-plugins' : 'shardwise', run, workspace);
      first ??= result;
      log(
        `warm ${label} attempt ${attempt}: ${Math.round(run.wallMs)} ms, exit ${run.exitCode}, ran ${result.tasksRan}/${result.tasks}`,
      );
      if (run.exitCode === 0) {
        const again = await runNx(args);
        const check = summarizeRun('nx-plugins', again, workspace);
        if (check.tasks === 0) throw new Error(`warm ${label}: no task headers in Nx's output`);
        if (again.exitCode !== 0 || check.tasksRan !== 0)
          throw new Error(`warm ${label}: a second run still ran ${check.tasksRan} tasks`);
        return first;
      }
    }
    throw new Error(`warm ${label}: nx run-many kept failing`);
  };
  const fullNx = await warm('test', ['run-many', '-t', 'test']);
  const fullShardwise = await warm('categories', ['run-many', '-t', ...CATEGORY_TARGETS]);

  // (2) The edits, chosen from Shardwise's own import graph (the same plan the plugin infers).
  const changes = await chooseChanges(workspace, summary);
  for (const c of changes) {
    log(
      `${c.scenario}: ${c.file} reaches ${c.affected.length} of ${summary.testFiles} test files in ${c.shards.length} shard tasks; Nx's project graph: ${c.nxProjects.length} projects, ${sumTestFiles(c.nxProjects)} test files`,
    );
  }

  // (3) Rounds: each command after its own fresh edit of the file, from the warm state.
  const results = new Map<string, RoundResult[]>();
  const nonce = Date.now().toString(36);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? COMMANDS : [...COMMANDS].reverse();
    for (const change of changes) {
      const path = join(workspace, change.file);
      const original = readFileSync(path, 'utf8');
      for (const command of order) {
        appendFileSync(path, `\n// bench-nx ${nonce} round ${round} ${command.side}\n`);
        let run: NxRun;
        try {
          run = await runNx(command.args);
        } finally {
          writeFileSync(path, original);
        }
        const result = summarizeRun(command.side, run, workspace);
        const key = `${change.scenario}/${command.side}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        log(
          `round ${round + 1} ${key}: ${Math.round(run.wallMs)} ms wall, ${Math.round(run.cpuMs)} ms CPU, exit ${run.exitCode}, tasks ran ${result.tasksRan}/${result.tasks}, test files run ${result.testFilesRun ?? '?'}, tests ${result.testsRun ?? '?'}`,
        );
        if (run.exitCode !== 0) log(run.output.slice(-4000));
      }
    }
  }

  const rows: Row[] = changes.flatMap((change) =>
    COMMANDS.map((command) => {
      const runs = results.get(`${change.scenario}/${command.side}`) ?? [];
      const last = runs.at(-1);
      const row: Row = {
        scenario: change.scenario,
        side: command.side,
        command: command.label,
        wallMs: Math.round(median(runs.map((r) => r.wallMs))),
        cpuMs: Math.round(median(runs.map((r) => r.cpuMs))),
        cpuUtilisation: Number(
          (
            median(runs.map((r) => r.cpuMs)) /
            median(runs.map((r) => r.wallMs)) /
            cpus().length
          ).toFixed(2),
        ),
        peakTreeRssMb: Math.round(median(runs.map((r) => r.peakTreeRssMb))),
        runsWallMs: runs.map((r) => Math.round(r.wallMs)),
        runsCpuMs: runs.map((r) => Math.round(r.cpuMs)),
        exitCodes: runs.map((r) => r.exitCode),
        tasks: last?.tasks ?? 0,
        tasksRan: last?.tasksRan ?? 0,
        tasksCached: last?.tasksCached ?? 0,
        testFilesRun: last?.testFilesRun,
        testsRun: last?.testsRun,
        testsSkipped: last?.testsSkipped,
        nxSummary: last?.nxSummary,
      };
      if (command.side !== 'nx-plugins') {
        row.shardsExact = runs.every(
          (r) => JSON.stringify(r.shardsRan) === JSON.stringify(change.shards),
        );
      }
      return row;
    }),
  );
  const ratio = (a: number | undefined, b: number | undefined): number =>
    a === undefined || b === undefined || b === 0 ? NaN : Number((a / b).toFixed(2));
  const ratios = Object.fromEntries(
    changes.map((change) => {
      const of = (side: Side): Row | undefined =>
        rows.find((r) => r.scenario === change.scenario && r.side === side);
      const base = of('nx-plugins');
      return [
        change.scenario,
        {
          wall: ratio(base?.wallMs, of('shardwise')?.wallMs),
          cpu: ratio(base?.cpuMs, of('shardwise')?.cpuMs),
          wallRecipe: ratio(base?.wallMs, of('shardwise-shards')?.wallMs),
          cpuRecipe: ratio(base?.cpuMs, of('shardwise-shards')?.cpuMs),
        },
      ];
    }),
  );
  const data: BenchData = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineLine(),
    rounds,
    versions,
    workspace: {
      size: SIZE,
      seed: 1,
      runners: summary.runners,
      costMix: 'mixed',
      costScale,
      testFiles: summary.testFiles,
      tests: summary.tests,
      plannedSerialMs: Math.round(summary.estimatedSerialMs),
      categories: CATEGORIES,
      projects: summary.projectList.map((p) => ({
        name: p.name,
        runner: p.runner,
        deps: p.deps,
        testFiles: p.testFiles,
      })),
    },
    installMs: Math.round(installMs),
    emptyCacheFullRun: { nxPlugins: fullNx, shardwise: fullShardwise },
    changes: changes.map((c) => ({
      scenario: c.scenario,
      file: c.file,
      library: c.library,
      testFilesReached: c.affected.length,
      expectedShardTasks: c.shards,
      nxAffectedProjects: c.nxProjects.map((p) => p.name),
      nxAffectedTestFiles: sumTestFiles(c.nxProjects),
    })),
    rows,
    ratios,
  };
  writeResultJson('nx-vs-nx-plugins', data);
  writeBenchmarkSection('nx-vs-nx-plugins', renderMarkdown(data));
  for (const change of changes) {
    const pick = (side: Side): Row | undefined =>
      rows.find((r) => r.scenario === change.scenario && r.side === side);
    process.stdout.write(
      `bench-nx ${change.scenario}: wall ${pick('nx-plugins')?.wallMs} ms (nx plugins) vs ${pick('shardwise')?.wallMs} ms (shardwise) = ${ratios[change.scenario]?.wall}x; CPU ${ratios[change.scenario]?.cpu}x; test files run ${pick('nx-plugins')?.testFilesRun ?? '?'} vs ${pick('shardwise')?.testFilesRun ?? '?'}\n`,
    );
  }
  if (!values.keep) rmSync(workspace, { recursive: true, force: true });
  else log(`workspace kept: ${workspace}`);
}

function sumTestFiles(projects: GenerateSummary['projectList']): number {
  return projects.reduce((n, p) => n + p.testFiles, 0);
}

interface BenchData {
  date: string;
  machine: string;
  rounds: number;
  versions: Record<string, string>;
  workspace: {
    size: CustomSize;
    seed: number;
    runners: string[];
    costMix: string;
    costScale: number;
    testFiles: number;
    tests: number;
    plannedSerialMs: number;
    categories: Record<string, { shards: number }>;
    projects: Array<{ name: string; runner: string; deps: string[]; testFiles: number }>;
  };
  installMs: number;
  emptyCacheFullRun: { nxPlugins: RoundResult; shardwise: RoundResult };
  changes: Array<{
    scenario: Change['scenario'];
    file: string;
    library: string;
    testFilesReached: number;
    expectedShardTasks: string[];
    nxAffectedProjects: string[];
    nxAffectedTestFiles: number;
  }>;
  rows: Row[];
  ratios: Record<string, { wall: number; cpu: number; wallRecipe: number; cpuRecipe: number }>;
}

function renderMarkdown(d: BenchData): string {
  const n = (v: number | undefined): string => (v === undefined ? '—' : String(v));
  const table = d.rows
    .map(
      (r) =>
        `| ${r.scenario} | ${r.side} | \`${r.command}\` | ${r.wallMs} | ${r.cpuMs} | ${Math.round(r.cpuUtilisation * 100)}% | ${r.peakTreeRssMb} | ${r.tasksRan} / ${r.tasksCached} (${r.tasks === 0 ? 0 : Math.round((100 * r.tasksCached) / r.tasks)}% hits) | ${n(r.testFilesRun)} | ${n(r.testsRun)} / ${n(r.testsSkipped)} | ${r.shardsExact === undefined ? '—' : r.shardsExact ? 'yes' : 'no'} | ${r.runsWallMs.join(', ')} | ${r.exitCodes.join(', ')} |`,
    )
    .join('\n');
  const changes = d.changes
    .map(
      (c) =>
        `- \`${c.scenario}\`: \`${c.file}\` (library \`${c.library}\`): ${c.testFilesReached} of ${d.workspace.testFiles} test files reach it through their imports, in ${count(c.expectedShardTasks.length, 'shard task')}; in Nx's project graph ${c.nxAffectedProjects.length} projects (${c.nxAffectedProjects.join(', ')}) are the library or depend on it, holding ${c.nxAffectedTestFiles} test files.`,
    )
    .join('\n');
  const ratios = d.changes
    .map((c) => {
      const r = d.ratios[c.scenario];
      return `\`${c.scenario}\`: wall **${r?.wall}×**, CPU **${r?.cpu}×** (shard-target recipe: wall ${r?.wallRecipe}×, CPU ${r?.cpuRecipe}×)`;
    })
    .join('; ');
  const full = d.emptyCacheFullRun;
  const v = d.versions;
  return `## Nx: \`nx affected\` with @shardwise/nx against @nx/jest and @nx/vitest targets

Machine: ${d.machine}. Date: ${d.date}. Rounds: ${d.rounds} (command order alternating, medians).
Method: \`npm run bench:nx\` (\`tools/src/bench-nx.ts\`). Versions: nx ${v['nx']}, @nx/jest ${v['@nx/jest']}, @nx/vitest ${v['@nx/vitest']}, jest ${v['jest']}, vitest ${v['vitest']}, @shardwise/nx ${v['@shardwise/nx']} (packed from this repository). Nx 23, since Nx's test plugins lag Nx 24 (contracts §4).

Workspace: the generator with ${d.workspace.size.projects} projects, ${d.workspace.size.sourceFiles} source files, ${d.workspace.testFiles} test files (${d.workspace.tests} cases), runners jest + vitest, seed ${d.workspace.seed}, cost mix \`${d.workspace.costMix}\`, cost scale ${d.workspace.costScale} (${(d.workspace.plannedSerialMs / 1000).toFixed(1)} s of planned serial test time). \`nx.json\` registers \`@nx/jest/plugin\` and \`@nx/vitest\` (target \`test\`, vitest \`testMode: run\`) and \`@shardwise/nx\` (categories ${Object.entries(
    d.workspace.categories,
  )
    .map(([c, { shards }]) => `${c} ×${shards}`)
    .join(
      ', ',
    )} shards: targets \`test-<category>\` and \`test-<category>--shard-<k>\`, so the names never collide), with create-nx-workspace's \`default\`/\`production\` named inputs. Every command is a fresh \`nx … --output-style=static\` process with \`NX_DAEMON=false\`, \`NX_NO_CLOUD=true\`, \`CI=true\`, \`NX_ISOLATE_PLUGINS=false\` (so plugin work is inside the measured process tree) and Nx's default \`--parallel\` (3). Wall is the harness's; CPU is user+system of the process tree as the measuring wrapper sees it (itself plus the children it waited for).

Scenario: (1) both caches warmed (\`nx run-many -t test\` and \`nx run-many -t ${CATEGORY_TARGETS.join(' ')}\`, each until it passes, then checked to be all cache hits); (2) one line appended to a library source file; (3) the command runs; the file is restored. Every command gets its own unique line, so each starts from the same warm cache and misses it only where the edit reaches. The edits, chosen from Shardwise's import graph:

${changes}

Tasks ran / cached from Nx's task headers (the \`nx:noop\` category parents left out); test files and cases run from each Jest/Vitest task's own summary (Nx's targets) and from Shardwise's shard reports, counting only files not restored from Shardwise's file cache. "Exact": the shard tasks that ran are exactly the shards holding an affected test file, in every round.

| edit | side | command | wall ms | CPU ms | CPU utilisation | peak memory MB (tree) | tasks ran / cached (cache hit rate) | test files run | tests run / skipped | exact | every round, wall ms | exit codes |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${table}

Ratio (Nx's targets ÷ Shardwise categories), ${ratios}.
Empty-cache full runs, for scale (the first warm-up run of each side, once; Nx's includes the generated flaky case's one failure): \`nx run-many -t test\` ${Math.round(full.nxPlugins.wallMs)} ms wall / ${Math.round(full.nxPlugins.cpuMs)} ms CPU over ${full.nxPlugins.tasksRan} tasks; Shardwise's categories ${Math.round(full.shardwise.wallMs)} ms / ${Math.round(full.shardwise.cpuMs)} ms over ${full.shardwise.tasksRan} shard tasks.

${reading(d)}`;
}

const count = (n: number | undefined, word: string): string =>
  n === undefined ? `? ${word}s` : `${n} ${word}${n === 1 ? '' : 's'}`;

/** The reading, from the figures: which way each edit went, and why. */
function reading(d: BenchData): string {
  const lines = d.changes.map((c) => {
    const of = (side: Side): Row | undefined =>
      d.rows.find((r) => r.scenario === c.scenario && r.side === side);
    const nxRow = of('nx-plugins');
    const ours = of('shardwise');
    const r = d.ratios[c.scenario];
    const wall =
      r === undefined
        ? '?'
        : r.wall >= 1
          ? `${r.wall}× less wall`
          : `${(1 / r.wall).toFixed(1)}× more wall`;
    const cpu =
      r === undefined
        ? '?'
        : r.cpu >= 1
          ? `${r.cpu}× less CPU`
          : `${(1 / r.cpu).toFixed(1)}× more CPU`;
    const wide = c.testFilesReached >= 0.8 * c.nxAffectedTestFiles;
    return `- \`${c.scenario}\`: Shardwise ran ${count(ours?.testFilesRun, 'test file')} (${count(ours?.testsRun, 'case')}) in ${count(ours?.tasksRan, 'shard task')}; Nx's targets reran ${nxRow?.tasksRan ?? '?'} projects' ${nxRow?.testFilesRun ?? '?'} test files (${nxRow?.testsRun ?? '?'} cases): ${wall}, ${cpu} for Shardwise. ${
      wide
        ? `Here the edit reaches ${c.testFilesReached} of the ${c.nxAffectedTestFiles} test files Nx's project graph selects, so per-file precision saves little test work, while every reached shard task is a separate executor process with its own runner start-up: ${ours?.tasksRan ?? '?'} of them against Nx's ${nxRow?.tasksRan ?? '?'} tasks.`
        : `Nx's targets are project-grained: every project depending on the library reruns in full, although only ${count(c.testFilesReached, 'test file')} ${c.testFilesReached === 1 ? 'reaches' : 'reach'} the changed file; Shardwise's shard inputs are those files' import closures.`
    }`;
  });
  const full = d.emptyCacheFullRun;
  return `Reading:

${lines.join('\n')}
- The two Shardwise commands ran the same shard tasks: on Nx 23 both forms selected every shard of each affected project (task-level \`affected\` is Nx 24's), and the shards the edit does not reach came from the cache; "exact" held in every round.
- Each shard task has a fixed cost (its own executor run and runner processes), visible in the empty-cache full runs: ${full.shardwise.tasksRan} shard tasks took ${(full.shardwise.wallMs / full.nxPlugins.wallMs).toFixed(1)}× the wall and ${(full.shardwise.cpuMs / full.nxPlugins.cpuMs).toFixed(1)}× the CPU of Nx's ${full.nxPlugins.tasksRan} targets. So the gain depends on how selective the import closures are and on the shard count: it is large when an edit reaches a few tests of many projects, and a loss when it reaches most tests of the projects that use the library, with ${Object.entries(
    d.workspace.categories,
  )
    .map(([name, { shards }]) => `${shards} ${name}`)
    .join(
      ', ',
    )} shard(s) per project on 2 cores. In the generated workspace most of a library's source files reach most of its users' tests (through the library's entry and folder indexes), so a \`third\`-like edit is the common case there; fewer shards per category were not measured here.`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
