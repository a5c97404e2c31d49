import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  historyRun,
  ranFile,
  reportFile,
  runReport as fixtureReport,
} from '../history/__fixtures__/recorded-runs';
import { RunHistory } from '../history/run-history';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { findOpener, parseReportFlags, runReport } from './report-command';

afterAll(removeTempWorkspaces);

let stdout = '';
beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

function workspace(): string {
  return tempWorkspace({
    'shardwise.config.json': JSON.stringify({
      categories: { unit: { targetDuration: 1 } },
      costs: { ciMinute: 0.5, currency: 'EUR' },
    }),
    'package.json': '{"name":"ws"}',
  });
}

function writeRun(
  root: string,
  reportDir: string,
  runId: string,
  files = [reportFile({ path: 'a.test.ts' })],
) {
  const dir = join(root, reportDir, runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify(fixtureReport(files, { runId })));
  writeFileSync(join(root, reportDir, 'latest'), `${runId}\n`);
  return dir;
}

const flags = (options: Record<string, unknown>) => parseReportFlags(options);

describe('shardwise report', () => {
  it('writes report.html of the latest run and prints its path', async () => {
    const root = workspace();
    const dir = writeRun(root, '.shardwise/reports', 'run-1');
    const code = await runReport({ cwd: root, configFile: undefined, dirs: [], ...flags({}) });
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(join(dir, 'report.html'));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(
      'data-figure="summary.files">1<',
    );
  });

  it('--history prints trends and the estimated savings at the configured rates', async () => {
    const root = workspace();
    const history = new RunHistory(join(root, '.shardwise/cache'));
    history.append(
      historyRun(1, [ranFile('a.test.ts', 60_000), ranFile('b.test.ts', 60_000)], {
        wallMs: 60_000,
      }),
    );
    await runReport({ cwd: root, configFile: undefined, dirs: [], ...flags({ history: true }) });
    expect(stdout).toContain('unit       ran');
    // 120 s of tests in 60 s of wall: 1 minute saved by parallelism, at 0.5 EUR a minute.
    expect(stdout).toContain('parallelism 1m0s');
    expect(stdout).toContain('CI ≈ 0.50 EUR');
  });

  it('--recommend --json gives the advice with its figures', async () => {
    const root = workspace();
    const history = new RunHistory(join(root, '.shardwise/cache'));
    history.append(historyRun(1, [ranFile('a.test.ts', 3_000), ranFile('b.test.ts', 3_000)]));
    await runReport({
      cwd: root,
      configFile: undefined,
      dirs: [],
      ...flags({ recommend: true, json: true }),
    });
    const out = JSON.parse(stdout) as {
      recommendations: Array<{ kind: string; figures: Record<string, unknown> }>;
    };
    // 6 s serial / 1.5 parallelism / 1 s target = 4 shards.
    expect(out.recommendations).toEqual([
      expect.objectContaining({
        kind: 'shards',
        figures: expect.objectContaining({ recommendedShards: 4 }),
      }),
    ]);
  });

  it('--merge writes one run from shard report folders: JSON, JUnit and HTML', async () => {
    const root = workspace();
    writeRun(root, 'shards/one', 'r1', [reportFile({ path: 'a.test.ts', shard: 1 })]);
    writeRun(root, 'shards/two', 'r2', [reportFile({ path: 'b.test.ts', shard: 2 })]);
    const steps: string[] = [];
    await runReport({
      cwd: root,
      configFile: undefined,
      dirs: ['shards/one', 'shards/two'],
      ...flags({ merge: true }),
      mergeSteps: [({ outDir, sources }) => void steps.push(`${sources.length} → ${outDir}`)],
    });
    const html = stdout.trim();
    expect(html).toMatch(/\.shardwise\/reports\/merged-[^/]+\/report\.html$/);
    const dir = join(html, '..');
    const merged = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      summary: { files: number };
    };
    expect(merged.summary.files).toBe(2);
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
    expect(steps).toEqual([`2 → ${dir}`]);
  });

  it('fails with a usage error without a run or without folders to merge', async () => {
    const root = workspace();
    await expect(
      runReport({ cwd: root, configFile: undefined, dirs: [], ...flags({}) }),
    ).rejects.toThrow(/no run report in .*run `shardwise run` first/);
    await expect(
      runReport({ cwd: root, configFile: undefined, dirs: [], ...flags({ merge: true }) }),
    ).rejects.toThrow(/expected the report folders/);
  });
});

describe('findOpener', () => {
  const all = () => true;
  it('uses xdg-open on a Linux desktop, open on macOS, nothing on a headless machine', () => {
    expect(findOpener('linux', { DISPLAY: ':0' }, all)).toBe('xdg-open');
    expect(findOpener('linux', {}, all)).toBeUndefined();
    expect(findOpener('linux', { WAYLAND_DISPLAY: 'w' }, () => false)).toBeUndefined();
    expect(findOpener('darwin', {}, all)).toBe('open');
  });
});
