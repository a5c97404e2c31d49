/**
 * The one test command (`npm test`, called by `.ci/run`): static checks, then every test suite,
 * then the fault suite's counts (faults tried, outcomes correct, stale passes, orphaned processes)
 * and one closing line `N passed, N failed` that totals every test case that ran, so a run that
 * executed nothing is visible. Exit code is non-zero when a check or a test fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const resultsDir = join(root, 'test-results');

interface SuiteCount {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
}

function run(label: string, command: string, args: string[]): boolean {
  process.stderr.write(`\n── ${label}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status === 0;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
}

function runVitestSuite(name: string, configFile: string): { ok: boolean; count: SuiteCount } {
  const out = join(resultsDir, `${name}.json`);
  const ok = run(name, 'npx', [
    'vitest',
    'run',
    '--config',
    configFile,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  let count: SuiteCount = { name, passed: 0, failed: 0, skipped: 0 };
  try {
    const json = JSON.parse(readFileSync(out, 'utf8')) as VitestJson;
    count = {
      name,
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      skipped: json.numPendingTests + json.numTodoTests,
    };
  } catch {
    // No report means the runner itself failed before running tests: count it as one failure.
    count.failed = 1;
  }
  return { ok, count };
}

/**
 * Processes the suites left behind: anything whose environment carries a SHARDWISE_RUN_ID (a
 * runner or guard Shardwise started), a cache server from tools/, the report test's Chromium
 * or a db test's PostgreSQL server (their data folders name them). Linux /proc only.
 */
function leftoverProcesses(): string[] {
  const found: string[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return found;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (
        environ.includes('SHARDWISE_RUN_ID=') ||
        cmdline.includes('remote-cache-server') ||
        cmdline.includes('shardwise-chromium-profile-') ||
        cmdline.includes('shardwise-pg-')
      )
        found.push(`${pid} ${cmdline.slice(0, 160)}`);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Totals of the records the fault suite writes, one per case (faults/src/support/fault.ts). */
function faultCounts(): { tried: number; correct: number; stale: number; orphans: number } {
  const totals = { tried: 0, correct: 0, stale: 0, orphans: 0 };
  const dir = join(resultsDir, 'faults');
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return totals;
  }
  for (const name of names) {
    const record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
      tried: number;
      outcomesCorrect: number;
      stalePasses: number;
      orphanedProcesses: number;
    };
    totals.tried += record.tried;
    totals.correct += record.outcomesCorrect;
    totals.stale += record.stalePasses;
    totals.orphans += record.orphanedProcesses;
  }
  return totals;
}

function main(): void {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  let ok = true;
  ok = run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']) && ok;
  ok = run('lint', 'npx', ['eslint', '.']) && ok;
  ok = run('format', 'npx', ['prettier', '--check', '.']) && ok;

  const counts: SuiteCount[] = [];
  for (const [name, config] of [
    ['unit', 'vitest.config.mts'],
    ['e2e', 'e2e/vitest.config.mts'],
    ['faults', 'faults/vitest.config.mts'],
  ] as const) {
    const suite = runVitestSuite(name, config);
    ok = suite.ok && ok;
    counts.push(suite.count);
  }

  const leftovers = leftoverProcesses();
  if (leftovers.length > 0) {
    ok = false;
    process.stderr.write(`\nprocesses left behind by the suites:\n  ${leftovers.join('\n  ')}\n`);
  }
  process.stderr.write('\n');
  for (const c of counts) {
    process.stderr.write(
      `${c.name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped\n`,
    );
  }
  const faults = faultCounts();
  if (faults.tried === 0 || faults.correct < faults.tried || faults.stale + faults.orphans > 0)
    ok = false;
  process.stderr.write(
    `faults: ${faults.tried} tried, ${faults.correct} outcomes correct, ${faults.stale} stale passes, ${faults.orphans} orphaned processes\n`,
  );
  if (!ok) process.stderr.write('one or more checks or suites failed\n');
  const passed = counts.reduce((n, c) => n + c.passed, 0);
  const failed = counts.reduce((n, c) => n + c.failed, 0);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = ok && failed === 0 ? 0 : 1;
}

main();
