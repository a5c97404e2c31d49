/**
 * Everyday use, part A (issue 10): coverage across shards and the result cache, snapshots,
 * arguments passed through to the runner, and the cache commands, on a copy of the example
 * workspace with the packed @shardwise/core and the real runners (Jest 30 with @swc/jest,
 * Vitest 4 with @vitest/coverage-v8, node:test). Each check fails if its feature is removed.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNxWorkspace, killRunning, nx, taskStatuses } from './nx-workspace';
import { cleanup, exampleWithPackages, packPackages, repoRoot } from './packed';

interface ReportFile {
  path: string;
  project: string;
  cached: boolean;
  status: string;
  tests: Array<{ name: string; status: string }>;
}

interface Report {
  runId: string;
  summary: { passed: number; failed: number; skipped: number; files: number; cachedFiles: number };
  files: ReportFile[];
}

interface CoverageFile {
  path: string;
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
}

function shardwise(cwd: string, args: string[], bin = cwd, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(join(bin, 'node_modules/.bin/shardwise'), args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function run(
  cwd: string,
  args: string[],
  bin = cwd,
  env: NodeJS.ProcessEnv = {},
): { code: number | null; report: Report; stderr: string } {
  const result = shardwise(cwd, ['run', '--json', ...args], bin, env);
  try {
    return {
      code: result.code,
      report: JSON.parse(result.stdout) as Report,
      stderr: result.stderr,
    };
  } catch {
    throw new Error(
      `no JSON report from run ${args.join(' ')} (exit ${result.code}):\n${result.stderr}`,
    );
  }
}

function reportDirOf(root: string, report: Report): string {
  return join(root, '.shardwise/reports', report.runId);
}

function readCoverage(dir: string): Record<string, CoverageFile> {
  return JSON.parse(readFileSync(join(dir, 'coverage/coverage-final.json'), 'utf8')) as Record<
    string,
    CoverageFile
  >;
}

/** `jest --coverage` run in `project` as a user would, its JSON coverage written to `outDir`. */
function jestOwnCoverage(
  root: string,
  project: string,
  outDir: string,
): Record<string, CoverageFile> {
  const own = join(root, outDir);
  const jest = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/jest/bin/jest.js'),
      '--ci',
      '--coverage',
      '--coverageReporters=json',
      `--coverageDirectory=${own}`,
    ],
    { cwd: join(root, project), encoding: 'utf8' },
  );
  expect(jest.status, jest.stderr).toBe(0);
  return JSON.parse(readFileSync(join(own, 'coverage-final.json'), 'utf8')) as Record<
    string,
    CoverageFile
  >;
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let count = 0;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    count += statSync(path).isDirectory() ? countFiles(path) : 1;
  }
  return count;
}

const JEST_SNAPSHOT_TEST = 'libs/domain/src/snapshot.test.ts';
const VITEST_SNAPSHOT_TEST = 'apps/api/src/snapshot.test.ts';
const SNAPSHOT_TESTS = (
  vitest: boolean,
) => `${vitest ? "import { expect, it } from 'vitest';\n" : ''}
it('renders an order', () => { expect({ id: 'o-1', total: 1250 }).toMatchSnapshot(); });
it('renders a refund', () => { expect({ id: 'r-1', total: -300 }).toMatchSnapshot(); });
`;
const SNAPSHOT_TESTS_WITHOUT_REFUND = (
  vitest: boolean,
) => `${vitest ? "import { expect, it } from 'vitest';\n" : ''}
it('renders an order', () => { expect({ id: 'o-1', total: 1250 }).toMatchSnapshot(); });
`;
const snapFile = (test: string) =>
  join(
    test.slice(0, test.lastIndexOf('/')),
    '__snapshots__',
    `${test.slice(test.lastIndexOf('/') + 1)}.snap`,
  );

describe('everyday use on the example workspace (packed package, real Jest and Vitest)', () => {
  let root: string;
  const temps: string[] = [];

  beforeAll(() => {
    root = exampleWithPackages(packPackages());
    temps.push(root);
    // Jest's transform cache inside the workspace, so `cache warm` can be checked on it.
    const jestConfig = join(root, 'libs/domain/jest.config.js');
    writeFileSync(
      jestConfig,
      readFileSync(jestConfig, 'utf8').replace(
        "displayName: 'domain',",
        "displayName: 'domain',\n  cacheDirectory: '<rootDir>/../../.jest-cache',",
      ),
    );
  });
  afterAll(() => cleanup(...temps));

  it('coverage: a plain pass never serves a coverage run; the warm report equals the cold one and the runners’ own', () => {
    const plain = run(root, []);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.report.summary.cachedFiles).toBe(0);

    const cold = run(root, ['--coverage']);
    expect(cold.code, cold.stderr).toBe(0);
    // Coverage on/off is part of the key: the plain run's passes (no coverage data) serve nothing.
    expect(cold.report.summary.cachedFiles).toBe(0);
    expect(cold.stderr).toMatch(/coverage: lines [\d.]+% \(\d+\/\d+\)/);
    const coldDir = reportDirOf(root, cold.report);
    for (const file of [
      'lcov.info',
      'coverage-summary.json',
      'coverage-final.json',
      'coverage-summary.txt',
    ])
      expect(existsSync(join(coldDir, 'coverage', file)), file).toBe(true);
    const coldCoverage = readCoverage(coldDir);
    const sources = Object.keys(coldCoverage).map((p) => p.slice(root.length + 1));
    expect(sources).toContain('libs/domain/src/money.ts'); // Jest
    expect(sources).toContain('apps/api/src/handlers/orders.ts'); // Vitest
    expect(readFileSync(join(coldDir, 'coverage/lcov.info'), 'utf8')).toContain(
      'SF:apps/api/src/handlers/orders.ts',
    );

    const warm = run(root, ['--coverage']);
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.report.summary.cachedFiles).toBe(warm.report.summary.files);
    const warmDir = reportDirOf(root, warm.report);
    expect(readFileSync(join(warmDir, 'coverage/coverage-final.json'), 'utf8')).toBe(
      readFileSync(join(coldDir, 'coverage/coverage-final.json'), 'utf8'),
    );
    expect(readFileSync(join(warmDir, 'coverage/lcov.info'), 'utf8')).toBe(
      readFileSync(join(coldDir, 'coverage/lcov.info'), 'utf8'),
    );

    // The api's own sources are reached by Vitest only: hit for hit what `vitest run --coverage` finds.
    const own = join(root, 'tmp-vitest-coverage');
    const vitest = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--coverage.enabled',
        '--coverage.reporter=json',
        `--coverage.reportsDirectory=${own}`,
      ],
      { cwd: join(root, 'apps/api'), encoding: 'utf8' },
    );
    expect(vitest.status, vitest.stderr).toBe(0);
    const vitestOwn = JSON.parse(readFileSync(join(own, 'coverage-final.json'), 'utf8')) as Record<
      string,
      CoverageFile
    >;
    const apiSources = Object.keys(vitestOwn).filter((p) => p.includes('/apps/api/src/'));
    expect(apiSources.length).toBeGreaterThan(5);
    for (const source of apiSources) {
      const ours = coldCoverage[source];
      expect(ours, source).toBeDefined();
      expect({ s: ours?.s, f: ours?.f, b: ours?.b }, source).toEqual({
        s: vitestOwn[source]?.s,
        f: vitestOwn[source]?.f,
        b: vitestOwn[source]?.b,
      });
    }
  });

  it('coverage: Jest per test file through Shardwise equals `jest --coverage` over the project', () => {
    const ours = run(root, ['--project', 'domain', '--coverage', '--no-cache']);
    expect(ours.code, ours.stderr).toBe(0);
    const jestOwn = jestOwnCoverage(root, 'libs/domain', 'tmp-jest-coverage');
    const merged = readCoverage(reportDirOf(root, ours.report));
    expect(Object.keys(merged).sort()).toEqual(Object.keys(jestOwn).sort());
    for (const [source, file] of Object.entries(jestOwn))
      expect({ s: merged[source]?.s, f: merged[source]?.f, b: merged[source]?.b }, source).toEqual({
        s: file.s,
        f: file.f,
        b: file.b,
      });
  });

  it("coverage: Jest's v8 provider, converted per test file, covers what `jest --coverage` does", async () => {
    const jestConfig = join(root, 'libs/domain/jest.config.js');
    const original = readFileSync(jestConfig, 'utf8');
    writeFileSync(
      jestConfig,
      original.replace(
        "displayName: 'domain',",
        "displayName: 'domain',\n  coverageProvider: 'v8',",
      ),
    );
    try {
      const ours = run(root, ['--project', 'domain', '--coverage', '--no-cache']);
      expect(ours.code, ours.stderr).toBe(0);
      const libCoverage = (await import('istanbul-lib-coverage')).default;
      const merged = libCoverage.createCoverageMap(
        readCoverage(reportDirOf(root, ours.report)) as never,
      );
      const jestOwn = libCoverage.createCoverageMap(
        jestOwnCoverage(root, 'libs/domain', 'tmp-jest-v8-coverage') as never,
      );
      expect(merged.files().sort()).toEqual(jestOwn.files().sort());
      // V8 reports branches as they executed, so per-file conversion can see a few more branch
      // ranges than Jest's conversion of the merged raw coverage; lines, statements and
      // functions are the same.
      for (const file of jestOwn.files()) {
        const a = merged.fileCoverageFor(file).toSummary().toJSON();
        const b = jestOwn.fileCoverageFor(file).toSummary().toJSON();
        for (const metric of ['lines', 'statements', 'functions'] as const)
          expect([file, metric, a[metric].covered, a[metric].total]).toEqual([
            file,
            metric,
            b[metric].covered,
            b[metric].total,
          ]);
      }
    } finally {
      writeFileSync(jestConfig, original);
    }
  });

  it('coverage: `report --merge` of two shards equals one run over both', () => {
    const shards = [1, 2].map((k) => {
      const dir = join(root, `.shardwise/shard-${k}`);
      const r = run(root, [
        '--project',
        'api',
        '--category',
        'unit',
        '--shard',
        String(k),
        '--coverage',
        '--report-dir',
        dir,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return dir;
    });
    const merged = shardwise(root, [
      'report',
      '--merge',
      ...shards,
      '--report-dir',
      join(root, '.shardwise/merged'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/coverage: lines/);
    const latest = readFileSync(join(root, '.shardwise/merged/latest'), 'utf8').trim();
    const whole = run(root, ['--project', 'api', '--category', 'unit', '--coverage']);
    expect(whole.report.summary.cachedFiles).toBe(whole.report.summary.files);
    expect(readCoverage(join(root, '.shardwise/merged', latest))).toEqual(
      readCoverage(reportDirOf(root, whole.report)),
    );
  });

  it('snapshots: -u writes and bypasses every cache; a changed .snap reruns its test; obsolete ones are reported', () => {
    const files = [JEST_SNAPSHOT_TEST, VITEST_SNAPSHOT_TEST];
    writeFileSync(join(root, JEST_SNAPSHOT_TEST), SNAPSHOT_TESTS(false));
    writeFileSync(join(root, VITEST_SNAPSHOT_TEST), SNAPSHOT_TESTS(true));
    const selection = ['--files', files.join(',')];
    try {
      const written = run(root, [...selection, '-u']);
      expect(written.code, written.stderr).toBe(0);
      for (const file of files) expect(existsSync(join(root, snapFile(file))), file).toBe(true);

      // -u recorded nothing: the next run runs both files, the one after takes them from the cache.
      const first = run(root, selection);
      expect(first.code, first.stderr).toBe(0);
      expect(first.report.summary.cachedFiles).toBe(0);
      expect(run(root, selection).report.summary.cachedFiles).toBe(2);

      // -u reads no cache either.
      const update = run(root, [...selection, '-u']);
      expect(update.report.summary.cachedFiles).toBe(0);

      // A snapshot edited by hand is an input of its test: the test runs again, and fails.
      const jestSnap = join(root, snapFile(JEST_SNAPSHOT_TEST));
      const original = readFileSync(jestSnap, 'utf8');
      writeFileSync(jestSnap, original.replace('1250', '9999'));
      const changed = run(root, [...selection, '--retries', '0']);
      expect(changed.code).toBe(1);
      expect(changed.report.files.find((f) => f.path === JEST_SNAPSHOT_TEST)).toMatchObject({
        cached: false,
        status: 'failed',
      });
      expect(changed.report.files.find((f) => f.path === VITEST_SNAPSHOT_TEST)?.cached).toBe(true);
      writeFileSync(jestSnap, original);

      // A removed test leaves an obsolete snapshot: reported per runner, and removed by -u.
      writeFileSync(join(root, JEST_SNAPSHOT_TEST), SNAPSHOT_TESTS_WITHOUT_REFUND(false));
      writeFileSync(join(root, VITEST_SNAPSHOT_TEST), SNAPSHOT_TESTS_WITHOUT_REFUND(true));
      // Off CI (an empty CI: Vitest's std-env takes any other value as CI) both report them and pass.
      const obsolete = run(root, selection, root, { CI: '' });
      expect(obsolete.code, obsolete.stderr).toBe(0);
      expect(obsolete.stderr).toContain('snapshots: 2 obsolete in 2 test file(s)');
      expect(obsolete.stderr).toContain(`${JEST_SNAPSHOT_TEST}: renders a refund 1`);
      expect(obsolete.stderr).toContain(`${VITEST_SNAPSHOT_TEST}: renders a refund 1`);
      // On CI Vitest fails a file with obsolete snapshots, as \`vitest run\` does; Jest reports them.
      // (`CI` is not part of a key, so the pass just recorded would be served: bypass the cache.)
      const onCi = run(root, [...selection, '--retries', '0', '--no-cache'], root, {
        CI: 'true',
      });
      expect(onCi.code, onCi.stderr).toBe(1);
      expect(onCi.report.files.find((f) => f.path === VITEST_SNAPSHOT_TEST)?.status).toBe('failed');
      expect(onCi.report.files.find((f) => f.path === JEST_SNAPSHOT_TEST)?.status).toBe('passed');
      expect(onCi.stderr).toContain('Obsolete snapshots found');
      const removed = run(root, [...selection, '-u']);
      expect(removed.stderr).toContain('obsolete removed');
      for (const file of files)
        expect(readFileSync(join(root, snapFile(file)), 'utf8')).not.toContain('renders a refund');
    } finally {
      for (const file of files) {
        rmSync(join(root, file), { force: true });
        rmSync(join(root, snapFile(file)), { force: true });
      }
    }
  });

  it('pass-through: -t filters in Jest and Vitest, joins the key, and a filtered run never serves an unfiltered one', () => {
    const files = ['libs/domain/src/money.test.ts', 'apps/api/src/handlers/health.test.ts'];
    const selection = ['--files', files.join(','), '--no-cache'];
    const all = run(root, selection);
    const total = all.report.summary.passed;
    expect(total).toBeGreaterThan(3);

    const cached = ['--files', files.join(',')];
    run(root, ['--clear-cache', ...cached, '--', '-t', 'adds and subtracts|is ok when']);
    const filtered = run(root, [...cached, '--', '-t', 'adds and subtracts|is ok when']);
    // Served from its own key: the same filter again.
    expect(filtered.report.summary.cachedFiles).toBe(2);
    expect(filtered.report.summary.passed).toBe(2);
    expect(filtered.report.summary.skipped).toBe(total - 2);

    const unfiltered = run(root, cached);
    expect(unfiltered.report.summary.cachedFiles).toBe(0);
    expect(unfiltered.report.summary.passed).toBe(total);

    // --silent (Jest) and --silent (Vitest) reach the runners and change the key too.
    const silent = run(root, [...cached, '--', '--silent']);
    expect(silent.code, silent.stderr).toBe(0);
    expect(silent.report.summary.cachedFiles).toBe(0);
    expect(silent.report.summary.passed).toBe(total);
  });

  it("pass-through: Vitest's --project runs only that project's files", () => {
    const parent = join(repoRoot, 'tmp', 'e2e');
    mkdirSync(parent, { recursive: true });
    const ws = mkdtempSync(join(parent, 'vitest-projects-'));
    temps.push(ws);
    mkdirSync(join(ws, 'a'));
    mkdirSync(join(ws, 'b'));
    writeFileSync(join(ws, 'package.json'), '{"name":"vp","private":true,"type":"module"}\n');
    writeFileSync(
      join(ws, 'vitest.config.mts'),
      `import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { projects: [
  { test: { name: 'alpha', include: ['a/**/*.test.ts'] } },
  { test: { name: 'beta', include: ['b/**/*.test.ts'] } },
] } });
`,
    );
    for (const name of ['a', 'b'])
      writeFileSync(
        join(ws, name, 'x.test.ts'),
        `import { expect, it } from 'vitest';\nit('${name} works', () => expect(1).toBe(1));\n`,
      );
    const alpha = run(ws, ['--', '--project', 'alpha'], root);
    expect(alpha.code, alpha.stderr).toBe(0);
    const byPath = new Map(alpha.report.files.map((f) => [f.path, f]));
    expect(byPath.get('a/x.test.ts')).toMatchObject({ status: 'passed' });
    expect(byPath.get('b/x.test.ts')).toMatchObject({ status: 'skipped', tests: [] });
    // Nothing recorded for the file that did not run: an unfiltered run runs it.
    const both = run(ws, [], root);
    expect(both.report.files.find((f) => f.path === 'b/x.test.ts')).toMatchObject({
      status: 'passed',
      cached: false,
    });
  });

  it('cache stats, clear and warm', () => {
    run(root, []);
    run(root, []);
    const stats = JSON.parse(shardwise(root, ['cache', 'stats', '--json']).stdout) as {
      results: { entries: number; bytes: number; oldest: string | null };
      hitRate: { runs: number; rate: number | null };
      importCache: { exists: boolean };
    };
    expect(stats.results.entries).toBeGreaterThan(20);
    expect(stats.results.bytes).toBeGreaterThan(0);
    expect(Date.parse(stats.results.oldest ?? '')).toBeLessThanOrEqual(Date.now());
    expect(stats.hitRate.runs).toBeGreaterThan(1);
    expect(stats.hitRate.rate).toBeGreaterThan(0);
    expect(stats.hitRate.rate).toBeLessThanOrEqual(1);
    expect(stats.importCache.exists).toBe(true);
    expect(shardwise(root, ['cache', 'stats']).stdout).toMatch(/Hit rate\s+[\d.]+%/);

    const clear = shardwise(root, ['cache', 'clear']);
    expect(clear.code, clear.stderr).toBe(0);
    const after = JSON.parse(shardwise(root, ['cache', 'stats', '--json']).stdout) as typeof stats;
    expect(after.results.entries).toBe(0);
    expect(after.importCache.exists).toBe(false);

    // warm: the import cache is rebuilt and Jest's transforms are done ahead: a run after it
    // transforms nothing more.
    const jestCache = join(root, '.jest-cache');
    rmSync(jestCache, { recursive: true, force: true });
    const warm = shardwise(root, ['cache', 'warm', '--json']);
    expect(warm.code, warm.stderr).toBe(0);
    const warmed = JSON.parse(warm.stdout) as {
      closures: { testFiles: number; graphFiles: number };
      jest: Array<{ project: string; transformed: number; error?: string }>;
    };
    expect(warmed.closures.testFiles).toBe(29);
    expect(warmed.jest.map((j) => [j.project, j.error])).toEqual([['domain', undefined]]);
    expect(warmed.jest[0]?.transformed).toBeGreaterThan(8);
    expect(
      JSON.parse(shardwise(root, ['cache', 'stats', '--json']).stdout).importCache.exists,
    ).toBe(true);
    const transformCaches = () =>
      readdirSync(jestCache).filter((d) => d.startsWith('jest-transform-cache-'));
    expect(transformCaches()).toHaveLength(1);
    const transformDir = join(jestCache, transformCaches()[0]!);
    const transformed = countFiles(transformDir);
    expect(transformed).toBeGreaterThan(0);
    const domain = run(root, ['--project', 'domain']);
    expect(domain.code, domain.stderr).toBe(0);
    expect(domain.report.summary.cachedFiles).toBe(0);
    // Same config (one transform cache folder) and not one transform more.
    expect(transformCaches()).toHaveLength(1);
    expect(countFiles(transformDir)).toBe(transformed);
  });
});

describe('coverage under Nx 24 (packed @shardwise/nx, a Jest shard target)', () => {
  let root: string;

  beforeAll(() => {
    root = createNxWorkspace().root;
  });
  afterAll(() => {
    killRunning();
    cleanup(root);
  });

  it('the shard writes coverage into its report folder, which an Nx cache hit restores', async () => {
    const init = await nx(root, ['g', '@shardwise/nx:init', '--no-interactive']);
    expect(init.code, init.output).toBe(0);
    const task = 'money:test-unit--shard-1';
    const args = ['run', task, '--coverage', '--output-style=static'];
    const first = await nx(root, args);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/coverage: lines [\d.]+%/);
    const reports = join(root, '.shardwise/reports/money/test-unit--shard-1');
    const lcovOf = () => {
      const runId = readFileSync(join(reports, 'latest'), 'utf8').trim();
      return readFileSync(join(reports, runId, 'coverage/lcov.info'), 'utf8');
    };
    const lcov = lcovOf();
    expect(lcov).toContain('SF:libs/money/src/');

    rmSync(join(root, '.shardwise/reports'), { recursive: true, force: true });
    const again = await nx(root, args);
    expect(again.code, again.output).toBe(0);
    expect(taskStatuses(again.output).get(task)).toBe('local cache');
    expect(lcovOf()).toBe(lcov);

    // The option is part of Nx's hash: without it the task is not the coverage run's.
    const plain = await nx(root, ['run', task, '--output-style=static']);
    expect(plain.code, plain.output).toBe(0);
    expect(taskStatuses(plain.output).get(task)).toBe('ran');
  });
});
