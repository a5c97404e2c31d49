/**
 * The soak: a generated workspace run many times in a row with random source changes between
 * runs. Every round runs `shardwise run` twice on the same tree: once with the result cache (as
 * a developer would) and once with `--no-cache` and a cache folder of its own (the reference).
 * Their per-test results must be equal; a test the cached run reports passed that the reference
 * fails is a stale pass, the one thing a result cache must never produce.
 *
 * Changes (seeded, so a soak can be replayed): a comment appended (same behaviour, new hash), a
 * constant changed (new numbers, tests still pass), a function broken (returns NaN, so the tests
 * that reach it fail), a broken file repaired, a changed file reverted to its original (an older
 * tree again: its old cache entries are valid again, the case a stale cache would get wrong).
 *
 *   node tools/dist/soak.js [--rounds 50] [--seed 1] [--out tmp/soak] [--projects 4]
 *     [--source-files 80] [--test-files 24] [--cost-scale 0.2] [--cli <shardwise main.js>]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorkspace, type CustomSize, type GenerateSummary } from './generate-workspace';
import { createRng, type Rng } from './prng';

export const DEFAULT_CLI = resolve(__dirname, '../../packages/core/dist/cli/main.js');

export interface SoakOptions {
  /** Folder for the workspace, the reference cache and the summary (replaced). */
  outDir: string;
  rounds: number;
  seed: number;
  size: CustomSize;
  costScale: number;
  /** The shardwise CLI to run (default: the built one in this repository). */
  cli?: string;
  /** Added to every run's environment. */
  env?: Record<string, string>;
  /** Per round, as it completes. */
  onRound?: (round: RoundFigures) => void;
}

export interface RoundFigures {
  round: number;
  changes: string[];
  files: number;
  cachedFiles: number;
  tests: number;
  failedTests: number;
  /** Tests whose status differs between the cached run and the reference (either way). */
  mismatches: number;
  /** Tests the cached run reports passed that the reference does not pass. */
  stalePasses: number;
  /** Of the cached run's tests, those served from the cache (the ones a stale pass could hide in). */
  cachedTests: number;
  cachedRunMs: number;
  referenceRunMs: number;
  details: string[];
}

export interface SoakResult {
  seed: number;
  rounds: RoundFigures[];
  generated: Pick<GenerateSummary, 'projects' | 'sourceFiles' | 'testFiles' | 'tests'> & {
    expectedWithRetry: GenerateSummary['expectedWithRetry'];
  };
  /** The first cached run (no change yet) gave the generator's predicted outcome. */
  firstRoundAsPredicted: boolean;
  totals: {
    runs: number;
    testsCompared: number;
    cachedTestsChecked: number;
    cachedFiles: number;
    mismatches: number;
    stalePasses: number;
    wallMs: number;
  };
}

interface ReportShape {
  summary: { passed: number; failed: number; flaky: number; files: number; cachedFiles: number };
  files: Array<{ path: string; cached: boolean; tests: Array<{ name: string; status: string }> }>;
}

interface RunOutcome {
  report: ReportShape;
  ms: number;
}

function runShardwise(
  cli: string,
  cwd: string,
  args: string[],
  env: Record<string, string>,
): RunOutcome {
  const started = Date.now();
  const result = spawnSync(process.execPath, [cli, 'run', '--json', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
  });
  // Exit 1 is a run with failing tests, which the soak creates on purpose.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(
      `shardwise run ${args.join(' ')} exited ${result.status} (${result.signal ?? 'no signal'}):\n${result.stderr.slice(-4000)}`,
    );
  }
  return { report: JSON.parse(result.stdout) as ReportShape, ms: Date.now() - started };
}

/** `path :: test name` → status; `path` → whether the file came from the cache. */
function testStatuses(report: ReportShape): Map<string, { status: string; cached: boolean }> {
  const out = new Map<string, { status: string; cached: boolean }>();
  for (const file of report.files) {
    for (const test of file.tests)
      out.set(`${file.path} :: ${test.name}`, { status: test.status, cached: file.cached });
    // A file without tests still has an outcome worth comparing.
    if (file.tests.length === 0)
      out.set(`${file.path} :: (file)`, { status: 'none', cached: false });
  }
  return out;
}

function compare(
  cached: ReportShape,
  reference: ReportShape,
): Pick<RoundFigures, 'mismatches' | 'stalePasses' | 'cachedTests' | 'details'> {
  const a = testStatuses(cached);
  const b = testStatuses(reference);
  let mismatches = 0;
  let stalePasses = 0;
  let cachedTests = 0;
  const details: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const got = a.get(key);
    const want = b.get(key);
    if (got?.cached) cachedTests++;
    if (got?.status === want?.status) continue;
    mismatches++;
    if (got?.status === 'passed') stalePasses++;
    details.push(
      `${key}: cached run ${got?.status ?? 'absent'}${got?.cached ? ' (from cache)' : ''}, reference ${want?.status ?? 'absent'}`,
    );
  }
  return { mismatches, stalePasses, cachedTests, details };
}

const MODULE = /\.(ts|js)$/;
const NOT_SOURCE = /\.(test|spec)\.|\/__tests__\/|\/tests\/|(jest|vitest|vite)\.config\.|\.d\.ts$/;

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const rel = relative(root, path).replaceAll('\\', '/');
        if (MODULE.test(rel) && !NOT_SOURCE.test(`/${rel}`)) out.push(rel);
      }
    }
  };
  walk(root);
  return out.sort();
}

const FACTOR = /(_FACTOR = )(\d+);/;
const RETURN = 'return acc % 1000003;';
const BROKEN = 'return Number.NaN; // soak: broken';

class SourceChanger {
  private readonly originals = new Map<string, string>();
  private readonly broken = new Set<string>();
  private readonly candidates: string[];

  constructor(
    private readonly root: string,
    private readonly rng: Rng,
  ) {
    // Modules with the generated shape: a factor constant and a `return acc % 1000003;`.
    this.candidates = sourceFiles(root).filter((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return FACTOR.test(text) && text.includes(RETURN);
    });
    if (this.candidates.length === 0) throw new Error(`no generated modules found in ${root}`);
  }

  private read(file: string): string {
    const text = readFileSync(join(this.root, file), 'utf8');
    if (!this.originals.has(file)) this.originals.set(file, text);
    return text;
  }

  private write(file: string, text: string): void {
    writeFileSync(join(this.root, file), text);
  }

  /** One random change; returns what it did. */
  change(round: number): string {
    const kinds = ['comment', 'factor', 'factor', 'break'];
    if (this.broken.size > 0) kinds.push('repair', 'repair');
    if (this.originals.size > 0) kinds.push('revert', 'revert');
    const kind = this.rng.pick(kinds);
    if (kind === 'repair' || kind === 'revert') {
      const pool = kind === 'repair' ? [...this.broken] : [...this.originals.keys()];
      const file = this.rng.pick(pool.sort());
      if (kind === 'repair') {
        this.write(file, this.read(file).replace(BROKEN, RETURN));
      } else {
        this.write(file, this.originals.get(file)!);
      }
      this.broken.delete(file);
      return `${kind} ${file}`;
    }
    const file = this.rng.pick(this.candidates);
    const text = this.read(file);
    if (kind === 'comment') {
      this.write(file, `${text}// soak round ${round}\n`);
    } else if (kind === 'factor') {
      this.write(
        file,
        text.replace(FACTOR, (_m, head: string) => `${head}${this.rng.int(1, 9999)};`),
      );
    } else {
      if (this.broken.has(file)) return `break ${file} (already broken)`;
      this.write(file, text.replace(RETURN, BROKEN));
      this.broken.add(file);
    }
    return `${kind} ${file}`;
  }
}

export function runSoak(options: SoakOptions): SoakResult {
  const started = Date.now();
  const cli = options.cli ?? DEFAULT_CLI;
  const env = options.env ?? {};
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const root = join(options.outDir, 'workspace');
  const summary = generateWorkspace({
    outDir: root,
    size: options.size,
    seed: options.seed,
    costScale: options.costScale,
  });
  const referenceCache = join(options.outDir, 'reference-cache');
  const changer = new SourceChanger(root, createRng(options.seed * 7919 + 1));
  const rng = createRng(options.seed);
  const rounds: RoundFigures[] = [];
  let firstRoundAsPredicted = false;
  // One retry: the generator's flaky tests fail once and pass on their retry in both runs.
  const common = ['--retries', '1'];
  for (let round = 0; round < options.rounds; round++) {
    const changes: string[] = [];
    if (round > 0) for (let n = rng.int(1, 3); n > 0; n--) changes.push(changer.change(round));
    const cached = runShardwise(cli, root, common, env);
    const reference = runShardwise(
      cli,
      root,
      [...common, '--no-cache', '--cache-dir', referenceCache],
      env,
    );
    if (round === 0) {
      const s = cached.report.summary;
      const want = summary.expectedWithRetry;
      // The report counts a flaky test (passed on its retry) among the passed ones.
      firstRoundAsPredicted =
        s.passed === want.passed + want.flaky && s.failed === want.failed && s.flaky === want.flaky;
    }
    const tests = cached.report.files.reduce((n, f) => n + f.tests.length, 0);
    const figures: RoundFigures = {
      round,
      changes,
      files: cached.report.summary.files,
      cachedFiles: cached.report.summary.cachedFiles,
      tests,
      failedTests: cached.report.summary.failed,
      cachedRunMs: cached.ms,
      referenceRunMs: reference.ms,
      ...compare(cached.report, reference.report),
    };
    rounds.push(figures);
    options.onRound?.(figures);
  }
  const sum = (pick: (r: RoundFigures) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  const result: SoakResult = {
    seed: options.seed,
    rounds,
    generated: {
      projects: summary.projects,
      sourceFiles: summary.sourceFiles,
      testFiles: summary.testFiles,
      tests: summary.tests,
      expectedWithRetry: summary.expectedWithRetry,
    },
    firstRoundAsPredicted,
    totals: {
      runs: rounds.length * 2,
      testsCompared: sum((r) => r.tests),
      cachedTestsChecked: sum((r) => r.cachedTests),
      cachedFiles: sum((r) => r.cachedFiles),
      mismatches: sum((r) => r.mismatches),
      stalePasses: sum((r) => r.stalePasses),
      wallMs: Date.now() - started,
    },
  };
  writeFileSync(join(options.outDir, 'soak-summary.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'tmp/soak' },
      projects: { type: 'string', default: '4' },
      'source-files': { type: 'string', default: '80' },
      'test-files': { type: 'string', default: '24' },
      'cost-scale': { type: 'string', default: '0.2' },
      cli: { type: 'string' },
    },
  });
  const number = (name: string, value: string | undefined, min: number): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min)
      throw new Error(`--${name}: expected a number ≥ ${min}, got ${JSON.stringify(value)}`);
    return parsed;
  };
  const options: SoakOptions = {
    outDir: resolve(values.out ?? 'tmp/soak'),
    rounds: number('rounds', values.rounds, 1),
    seed: number('seed', values.seed, 0),
    size: {
      projects: number('projects', values.projects, 1),
      sourceFiles: number('source-files', values['source-files'], 1),
      testFiles: number('test-files', values['test-files'], 1),
    },
    costScale: number('cost-scale', values['cost-scale'], 0),
    ...(values.cli === undefined ? {} : { cli: resolve(values.cli) }),
    onRound: (r) =>
      process.stderr.write(
        `round ${String(r.round).padStart(2)}: ${r.files} files, ${r.cachedFiles} cached, ${r.tests} tests, ${r.failedTests} failed, mismatches ${r.mismatches}, stale passes ${r.stalePasses} (${r.cachedRunMs} + ${r.referenceRunMs} ms) ${r.changes.join('; ')}\n${r.details.map((d) => `    ${d}\n`).join('')}`,
      ),
  };
  const result = runSoak(options);
  const t = result.totals;
  process.stdout.write(
    `soak: ${result.rounds.length} rounds (${t.runs} runs) on ${result.generated.testFiles} test files / ${result.generated.tests} tests, seed ${result.seed}; ` +
      `first round as predicted: ${result.firstRoundAsPredicted}; tests compared ${t.testsCompared}, ` +
      `served from cache ${t.cachedTestsChecked} (${t.cachedFiles} files); mismatches ${t.mismatches}; stale passes ${t.stalePasses}; ` +
      `${Math.round(t.wallMs / 1000)} s\n`,
  );
  process.exitCode =
    t.stalePasses === 0 && t.mismatches === 0 && result.firstRoundAsPredicted ? 0 : 1;
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
