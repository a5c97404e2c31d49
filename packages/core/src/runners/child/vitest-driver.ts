/**
 * Runs a batch with the project's own Vitest through its Node API, in the child process:
 *
 *   node vitest-driver.js <absolute test files…> -- <arguments passed to Vitest…>
 *
 * with SHARDWISE_VITEST_ENTRY (the project's `vitest/node`, resolved by the adapter),
 * SHARDWISE_RESULTS_FILE and SHARDWISE_UPDATE_SNAPSHOTS ('1' or '0'). It builds one test
 * specification per given file, so exactly those files run (the CLI's filters would match
 * substrings), on one worker, and appends one result line per finished test module. It always
 * exits, even when tests leave handles open. Node built-ins only at run time.
 *
 * With SHARDWISE_ARTIFACTS_DIR it writes each test file's artifact (test-coverage/file-artifacts.ts):
 * obsolete snapshots, and with SHARDWISE_COVERAGE=1 the file's coverage from the project's own
 * provider (@vitest/coverage-v8 or istanbul). Vitest reports coverage per run (`onCoverage`), so
 * under coverage each test file runs as its own run on the same Vitest instance: the coverage
 * of a run is exactly that file's. Its reports go to SHARDWISE_COVERAGE_SCRATCH, never to the
 * project's coverage folder.
 *
 * With SHARDWISE_VITEST_SERVE=1 it stays warm instead: it reads one batch per line on stdin
 * (`{"files":[…],"resultsFile":"…","artifactsDir":"…"}`), runs it on the same Vitest instance (so Vite's server and
 * transforms are shared across batches), and answers each with a line
 * `@@shardwise-batch-done <exit code>` on stdout; it exits when stdin closes.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { ResultLine } from '../result-lines';
import type { TestCaseResult, TestFailure, TestStatus } from '../types';

/** The parts of Vitest 4's Node API used here (`vitest/node`). */
interface VitestTestCase {
  readonly fullName: string;
  readonly options: { readonly mode: string };
  result(): { readonly state: string; readonly errors?: ReadonlyArray<unknown> };
  diagnostic(): { readonly duration: number } | undefined;
}

interface VitestTestSuite {
  errors(): unknown[];
}

interface VitestTestModule {
  readonly moduleId: string;
  readonly children: {
    allTests(): Iterable<VitestTestCase>;
    allSuites(): Iterable<VitestTestSuite>;
  };
  errors(): unknown[];
  diagnostic(): { readonly duration: number };
  ok(): boolean;
}

interface VitestProject {
  matchesTestGlob(moduleId: string): boolean;
  createSpecification(moduleId: string): unknown;
}

interface VitestSnapshotSummary {
  readonly uncheckedKeysByFile: ReadonlyArray<{ filePath: string; keys: string[] }>;
}

interface Vitest {
  readonly projects: VitestProject[];
  readonly snapshot: { readonly summary: VitestSnapshotSummary };
  getRootProject(): VitestProject;
  runTestSpecifications(
    specifications: unknown[],
    allTestsRun?: boolean,
  ): Promise<{
    testModules: ReadonlyArray<VitestTestModule>;
    unhandledErrors: ReadonlyArray<unknown>;
  }>;
  close(): Promise<void>;
  /** Starts the coverage provider (what `vitest.start()` does before the first run). */
  createCoverageProvider(): Promise<unknown>;
}

interface VitestReporter {
  onTestModuleEnd(testModule: VitestTestModule): void;
  onCoverage(coverage: unknown): void;
}

interface VitestNodeApi {
  createVitest(mode: 'test', options: Record<string, unknown>): Promise<Vitest>;
  parseCLI(argv: string[]): { filter: string[]; options: Record<string, unknown> };
}

/** How long `vitest.close()` may take before the driver exits anyway. */
const CLOSE_TIMEOUT_MS = 10_000;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function isVitestNodeApi(value: unknown): value is VitestNodeApi {
  const api = record(value);
  return typeof api['createVitest'] === 'function' && typeof api['parseCLI'] === 'function';
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Vitest's serialized errors carry `message` and usually `stack`. */
function failureOf(errors: ReadonlyArray<unknown>): TestFailure | undefined {
  const [first] = errors;
  if (first === undefined) return undefined;
  const messageOf = (error: unknown) => {
    const message = record(error)['message'];
    return typeof message === 'string' ? message : String(error);
  };
  const stackOf = (error: unknown) => {
    const stack = record(error)['stack'];
    return typeof stack === 'string' && stack !== '' ? stack : messageOf(error);
  };
  return { message: messageOf(first), stack: errors.map(stackOf).join('\n\n') };
}

function statusOf(testCase: VitestTestCase): TestStatus {
  if (testCase.options.mode === 'todo') return 'todo';
  const { state } = testCase.result();
  if (state === 'passed' || state === 'failed') return state;
  // skipped, or pending: collected but never run (the run was cancelled).
  return 'skipped';
}

function toResultLine(testModule: VitestTestModule): ResultLine {
  const tests = [...testModule.children.allTests()].map((testCase): TestCaseResult => ({
    name: testCase.fullName,
    status: statusOf(testCase),
    durationMs: testCase.diagnostic()?.duration ?? 0,
    failure:
      testCase.result().state === 'failed' ? failureOf(testCase.result().errors ?? []) : undefined,
  }));
  // Load errors belong to the module; failed beforeAll/afterAll hooks to their suite.
  const errors = [
    ...testModule.errors(),
    ...[...testModule.children.allSuites()].flatMap((suite) => suite.errors()),
  ];
  return {
    path: testModule.moduleId,
    durationMs: testModule.diagnostic().duration,
    tests,
    error: failureOf(errors),
  };
}

/** One specification per file and project that includes it, so no other file can run. */
function specificationsFor(
  vitest: Vitest,
  files: readonly string[],
  resultsFile: string,
): unknown[] {
  return files.flatMap((file) => {
    const moduleId = file.replaceAll('\\', '/');
    const projects = vitest.projects.filter((project) => project.matchesTestGlob(moduleId));
    if (projects.length > 0) return projects.map((p) => p.createSpecification(moduleId));
    if (projectFilter) {
      // `--project` passed through leaves this file out: it runs nothing (a result without
      // tests, never a pass), as `vitest --project` would not run it.
      const line: ResultLine = { path: moduleId, durationMs: 0, tests: [], error: undefined };
      appendFileSync(resultsFile, `${JSON.stringify(line)}\n`);
      return [];
    }
    process.stderr.write(`shardwise: no Vitest project includes ${file}; running it anyway\n`);
    return [(vitest.projects[0] ?? vitest.getRootProject()).createSpecification(moduleId)];
  });
}

const collectCoverage = process.env['SHARDWISE_COVERAGE'] === '1';
/** `--project` was passed through: files of other projects do not run. */
let projectFilter = false;

/** The coverage of the last run (`onCoverage`), taken by `runFiles`. */
let lastCoverage: unknown;

/** Written aside and renamed: a kill never leaves half an artifact. */
function writeArtifact(dir: string, artifact: Record<string, unknown> & { path: string }): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha1').update(artifact.path).digest('hex')}.json`);
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(artifact));
  renameSync(partial, file);
}

/** Vitest's coverage map (istanbul's CoverageMap) as JSON. */
function coverageJson(coverage: unknown): Record<string, unknown> {
  const toJSON = record(coverage)['toJSON'];
  return typeof toJSON === 'function'
    ? record((toJSON as () => unknown).call(coverage))
    : record(coverage);
}

async function startVitest(
  passThrough: readonly string[],
  resultsFile: () => string,
): Promise<{ api: VitestNodeApi; vitest: Vitest }> {
  const api: unknown = await import(pathToFileURL(requiredEnv('SHARDWISE_VITEST_ENTRY')).href);
  if (!isVitestNodeApi(api)) throw new Error('vitest/node has no createVitest/parseCLI');

  // What the vitest CLI sets up before it starts.
  process.env['TEST'] = 'true';
  process.env['VITEST'] = 'true';
  process.env['NODE_ENV'] ??= 'test';

  const { filter, options: cliOptions } = api.parseCLI(['vitest', 'run', ...passThrough]);
  projectFilter = cliOptions['project'] !== undefined;
  if (filter.length > 0) {
    process.stderr.write(`shardwise: ignoring Vitest file filters ${filter.join(' ')}\n`);
  }
  // As the CLI does: `--exclude` narrows the globs, it does not replace the config's list.
  if (cliOptions['exclude'] !== undefined) {
    cliOptions['cliExclude'] = [cliOptions['exclude']].flat();
    delete cliOptions['exclude'];
  }

  const reporter: VitestReporter = {
    onTestModuleEnd(testModule) {
      appendFileSync(resultsFile(), `${JSON.stringify(toResultLine(testModule))}\n`);
    },
    onCoverage(coverage) {
      lastCoverage = coverage;
    },
  };
  // Coverage options passed through (`-- --coverage.include=…`) are kept; these win.
  const coverageOptions = collectCoverage
    ? {
        coverage: {
          ...record(cliOptions['coverage']),
          enabled: true,
          // Shardwise merges per-file coverage itself; Vitest writes no report of its own.
          reporter: [],
          reportsDirectory: requiredEnv('SHARDWISE_COVERAGE_SCRATCH'),
          cleanOnRerun: true,
          reportOnFailure: true,
        },
      }
    : {};
  const vitest = await api.createVitest('test', {
    ...cliOptions,
    root: process.cwd(),
    watch: false,
    reporters: [reporter],
    // One file at a time in one worker: the slot is the unit of parallelism.
    maxWorkers: 1,
    fileParallelism: false,
    ...(process.env['SHARDWISE_UPDATE_SNAPSHOTS'] === '1' ? { update: true } : {}),
    ...coverageOptions,
  });
  if (collectCoverage && (await vitest.createCoverageProvider()) === null) {
    throw new Error('coverage is on but Vitest started no coverage provider');
  }
  return { api, vitest };
}

/** Obsolete snapshots of the last run, by test file. */
function obsoleteByFile(vitest: Vitest): Map<string, string[]> {
  return new Map(
    vitest.snapshot.summary.uncheckedKeysByFile.map((u) => [
      u.filePath.replaceAll('\\', '/'),
      u.keys,
    ]),
  );
}

/** Where one batch's results go. */
interface BatchOutputs {
  resultsFile: string;
  artifactsDir: string | undefined;
}

async function runOnce(
  vitest: Vitest,
  files: readonly string[],
  { resultsFile, artifactsDir }: BatchOutputs,
): Promise<boolean> {
  lastCoverage = undefined;
  const run = await vitest.runTestSpecifications(
    specificationsFor(vitest, files, resultsFile),
    false,
  );
  for (const error of run.unhandledErrors) {
    process.stderr.write(`shardwise: unhandled error: ${failureOf([error])?.stack ?? ''}\n`);
  }
  if (artifactsDir !== undefined) {
    const obsolete = obsoleteByFile(vitest);
    for (const file of files) {
      const path = file.replaceAll('\\', '/');
      const keys = obsolete.get(path) ?? [];
      writeArtifact(artifactsDir, {
        path: file,
        // Under coverage `files` is one test file, so the run's coverage is that file's.
        // No coverage reported (the run failed to start): none, never an empty map.
        ...(collectCoverage && lastCoverage !== undefined
          ? { coverage: coverageJson(lastCoverage) }
          : {}),
        snapshots: { obsolete: keys.length, obsoleteKeys: keys },
      });
    }
  }
  return run.unhandledErrors.length > 0 || run.testModules.some((m) => !m.ok());
}

async function runFiles(
  vitest: Vitest,
  files: readonly string[],
  outputs: BatchOutputs,
): Promise<number> {
  let failed = false;
  if (collectCoverage) {
    for (const file of files) failed = (await runOnce(vitest, [file], outputs)) || failed;
  } else {
    failed = await runOnce(vitest, files, outputs);
  }
  return failed ? 1 : 0;
}

async function closeVitest(vitest: Vitest): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    vitest.close(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
}

function passThroughArgs(): string[] {
  const separator = process.argv.indexOf('--', 2);
  return separator === -1 ? [] : process.argv.slice(separator + 1);
}

async function runBatch(): Promise<number> {
  const separator = process.argv.indexOf('--', 2);
  const files = process.argv.slice(2, separator === -1 ? undefined : separator);
  const resultsFile = requiredEnv('SHARDWISE_RESULTS_FILE');
  const { vitest } = await startVitest(passThroughArgs(), () => resultsFile);
  try {
    return await runFiles(vitest, files, {
      resultsFile,
      artifactsDir: process.env['SHARDWISE_ARTIFACTS_DIR'] || undefined,
    });
  } finally {
    await closeVitest(vitest);
  }
}

/** Warm mode: batches arrive on stdin, one JSON line each, and run on one Vitest instance. */
async function serve(): Promise<number> {
  let resultsFile = '';
  const { vitest } = await startVitest(passThroughArgs(), () => resultsFile);
  try {
    for await (const line of createInterface({ input: process.stdin })) {
      if (line.trim() === '') continue;
      const request = record(JSON.parse(line) as unknown);
      const files = Array.isArray(request['files']) ? request['files'].map(String) : [];
      resultsFile = String(request['resultsFile']);
      const artifactsDir =
        typeof request['artifactsDir'] === 'string' ? request['artifactsDir'] : undefined;
      const code = await runFiles(vitest, files, { resultsFile, artifactsDir });
      process.stdout.write(`@@shardwise-batch-done ${code}\n`);
    }
    return 0;
  } finally {
    await closeVitest(vitest);
  }
}

(process.env['SHARDWISE_VITEST_SERVE'] === '1' ? serve() : runBatch()).then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    process.stderr.write(
      `shardwise: the Vitest driver failed: ${String(record(error)['stack'] ?? error)}\n`,
    );
    process.exit(1);
  },
);
