import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleWithPackages, packPackages } from './packed';

interface Report {
  summary: {
    passed: number;
    failed: number;
    files: number;
    cachedFiles: number;
    failedFiles: number;
    notRunFiles: number;
    status: string;
  };
  files: Array<{ path: string; cached: boolean; status: string; workerId: number | null }>;
}

function shardwise(cwd: string, ...args: string[]) {
  const result = spawnSync(join(cwd, 'node_modules/.bin/shardwise'), args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runJson(
  cwd: string,
  ...args: string[]
): { code: number | null; report: Report; stderr: string } {
  const result = shardwise(cwd, 'run', '--json', ...args);
  try {
    return {
      code: result.code,
      report: JSON.parse(result.stdout) as Report,
      stderr: result.stderr,
    };
  } catch {
    throw new Error(`no JSON report (exit ${result.code}):\n${result.stderr}`);
  }
}

/** The example's own runners, run directly: 64 Vitest + 49 Jest + 24 node:test tests. */
const EXAMPLE_TESTS = 137;

describe('shardwise run on the example workspace (packed package, real runners)', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = exampleWithPackages(packPackages());
  });
  afterAll(() => cleanup(workspace));

  it('runs every test with its own runner, then serves everything from the cache', () => {
    const cold = runJson(workspace);
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.report.summary).toMatchObject({
      passed: EXAMPLE_TESTS,
      failed: 0,
      files: 29,
      cachedFiles: 0,
      status: 'complete',
    });
    expect(cold.report.files.every((f) => f.workerId !== null && f.workerId >= 1)).toBe(true);

    const warm = runJson(workspace);
    expect(warm.code).toBe(0);
    expect(warm.report.summary).toMatchObject({
      passed: EXAMPLE_TESTS,
      files: 29,
      cachedFiles: 29,
    });
    const latest = readFileSync(join(workspace, '.shardwise/reports/latest'), 'utf8').trim();
    expect(
      readFileSync(join(workspace, '.shardwise/reports', latest, 'junit.xml'), 'utf8'),
    ).toContain('<testsuites');
  });

  it('after a change to one library file reruns only the files that reach it', () => {
    runJson(workspace);
    const file = join(workspace, 'libs/domain/src/ids.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// touched\n`);
    const { code, report } = runJson(workspace);
    expect(code).toBe(0);
    const ran = report.files.filter((f) => !f.cached).map((f) => f.path);
    expect(ran).toContain('libs/domain/src/ids.test.ts');
    expect(ran).not.toContain('libs/http-kit/src/errors.test.js');
    expect(report.summary.cachedFiles).toBe(29 - ran.length);
  });

  it('fails with exit code 1 and the failing test when an assertion breaks', () => {
    const file = join(workspace, 'libs/domain/src/money.test.ts');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(
        file,
        `${original}\nit('is broken on purpose', () => { expect(1 + 1).toBe(3); });\n`,
      );
      const { code, report, stderr } = runJson(
        workspace,
        '--category',
        'unit',
        '--project',
        'domain',
        '--retries',
        '0',
      );
      expect(code).toBe(1);
      expect(report.summary.failed).toBe(1);
      expect(report.files.find((f) => f.path === 'libs/domain/src/money.test.ts')?.status).toBe(
        'failed',
      );
      expect(stderr).toContain('is broken on purpose');
    } finally {
      writeFileSync(file, original);
    }
  });
});
