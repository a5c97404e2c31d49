/**
 * Configuration fuzzing: random and hostile values in shardwise.config.json, in OPTIMIZED_TEST_*
 * variables and on the command line. Every input must end in one of two ways:
 * - rejected: exit 2, one `shardwise: …` message naming what is wrong, no stack trace, nothing
 *   written anywhere;
 * - accepted (a legal if odd value): exit 0 or 1 with a report, no stack trace.
 * Either way nothing is written outside the workspace (a file-system snapshot of the sandbox
 * around it, with a sibling folder the hostile paths aim at, is compared before and after).
 *
 * The rule for the folders Shardwise writes (docs/reliability.md): `cacheDir` and `reportDir` in a
 * configuration file must name folders inside the workspace, other than its root; the
 * `--cache-dir`/`--report-dir` flags and OPTIMIZED_TEST_CACHE_DIR come from whoever runs the
 * command and may name any folder except the workspace root, one of its ancestors or `/`.
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect } from 'vitest';
import { createRng, type Rng } from '../../tools/src/prng';
import { runCli, type CliRun } from './support/cli';
import { fault, writeFiles } from './support/fault';
import { CONFIG, PACKAGE_JSON, nodePassing } from './support/test-files';

type Expect = 'rejected' | 'accepted' | 'either';

interface FuzzInput {
  label: string;
  /** Written as shardwise.config.json (a string is written as is). */
  config?: unknown;
  args?: string[];
  env?: Record<string, string>;
  expect: Expect;
  /** What a rejection must mention. */
  mentions?: RegExp;
}

const BASE = { runner: 'node', workers: 1 };

const ABSOLUTE_OUTSIDE = join(tmpdir(), 'shardwise-fuzz-outside');
/** Paths, relative to the workspace, that aim outside it (or at its root). */
const ESCAPES = ['../outside', '../../outside', ABSOLUTE_OUTSIDE, '..', '.', './'];

const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  '',
  'x'.repeat(10_000),
  'nul\u0000byte',
  '../../etc/passwd',
  '/etc/passwd',
  '**/../../**',
  [],
  ['../**'],
  [null],
  {},
  { nested: { deeper: [1, 2, 3] } },
];

const KEYS = [
  'categories',
  'testMatch',
  'ignore',
  'optimization',
  'runner',
  'inputs',
  'env',
  'cacheDir',
  'reportDir',
  'targetPrefix',
  'workers',
  'maxWorkers',
  'memoryPerWorkerMb',
  'failFastThreshold',
  'cacheTtlHours',
  'resourceMonitoring',
  'strictIsolation',
  'costs',
];

const CATEGORY_KEYS = [
  'include',
  'exclude',
  'paths',
  'shards',
  'retries',
  'timeoutMs',
  'parallelFactor',
  'targetDuration',
  'dependsOn',
  'quarantine',
  'runner',
  'env',
];

function deepArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function fixedInputs(): FuzzInput[] {
  const inputs: FuzzInput[] = [
    {
      label: 'config is not JSON',
      config: '{"runner": "node",',
      expect: 'rejected',
      mentions: /JSON/,
    },
    { label: 'config is an array', config: '[1,2,3]', expect: 'rejected' },
    {
      label: 'config nests 100,000 arrays',
      config: `{"testMatch": ${deepArray(100_000)}}`,
      expect: 'rejected',
    },
    {
      label: 'unknown key',
      config: { ...BASE, frobnicate: 1 },
      expect: 'rejected',
      mentions: /frobnicate/,
    },
    {
      label: 'workers 1e9',
      config: { ...BASE, workers: 1e9 },
      expect: 'rejected',
      mentions: /workers/,
    },
    {
      label: 'timeoutMs negative',
      config: { ...BASE, categories: { unit: { timeoutMs: -5 } } },
      expect: 'rejected',
      mentions: /timeoutMs/,
    },
    {
      label: 'category named with ../',
      config: { ...BASE, categories: { '../x': {} } },
      expect: 'rejected',
    },
    {
      label: 'glob escaping the workspace',
      config: { ...BASE, testMatch: ['../**/*.test.js'] },
      expect: 'rejected',
      mentions: /testMatch/,
    },
    {
      label: 'absolute glob',
      config: { ...BASE, categories: { unit: { include: ['/etc/**'] } } },
      expect: 'rejected',
      mentions: /include/,
    },
    {
      label: 'inputs escaping the workspace',
      config: { ...BASE, inputs: ['../../**'] },
      expect: 'rejected',
      mentions: /inputs/,
    },
    {
      label: 'runner command that is empty',
      config: { ...BASE, runner: { command: '' } },
      expect: 'rejected',
      mentions: /runner/,
    },
    {
      label: '--files ../../etc/passwd',
      config: BASE,
      args: ['--files', '../../etc/passwd'],
      expect: 'rejected',
      mentions: /etc\/passwd/,
    },
    {
      label: '--files /etc/passwd',
      config: BASE,
      args: ['--files', '/etc/passwd'],
      expect: 'rejected',
      mentions: /etc\/passwd/,
    },
    {
      label: '--files ../outside/evil.test.js (exists)',
      config: BASE,
      args: ['--files', '../outside/evil.test.js'],
      expect: 'rejected',
      mentions: /evil/,
    },
    {
      label: '--files src/../../outside/evil.test.js',
      config: BASE,
      args: ['--files', 'src/../../outside/evil.test.js'],
      expect: 'rejected',
      mentions: /evil/,
    },
    {
      label: '--workers 0',
      config: BASE,
      args: ['--workers', '0'],
      expect: 'rejected',
      mentions: /--workers/,
    },
    {
      label: '--workers abc',
      config: BASE,
      args: ['--workers', 'abc'],
      expect: 'rejected',
      mentions: /--workers/,
    },
    {
      label: '--timeout -1',
      config: BASE,
      args: ['--timeout', '-1'],
      expect: 'rejected',
      mentions: /--timeout|-1/,
    },
    {
      label: '--shard 99',
      config: BASE,
      args: ['--category', 'unit', '--shard', '99'],
      expect: 'rejected',
      mentions: /shard/,
    },
    {
      label: '--optimization fastest',
      config: BASE,
      args: ['--optimization', 'fastest'],
      expect: 'rejected',
      mentions: /optimization/,
    },
    {
      label: '--max-workers 99999999999',
      config: BASE,
      args: ['--max-workers', '99999999999'],
      expect: 'either',
    },
    {
      label: '--cache-dir / (the file-system root)',
      config: BASE,
      args: ['--cache-dir', '/'],
      expect: 'rejected',
      mentions: /cache/,
    },
    {
      label: '--cache-dir .. (an ancestor of the workspace)',
      config: BASE,
      args: ['--cache-dir', '..'],
      expect: 'rejected',
      mentions: /cache/,
    },
    {
      label: '--report-dir . (the workspace root)',
      config: BASE,
      args: ['--report-dir', '.'],
      expect: 'rejected',
      mentions: /report/,
    },
    {
      label: 'OPTIMIZED_TEST_MAX_WORKERS=lots',
      config: BASE,
      env: { OPTIMIZED_TEST_MAX_WORKERS: 'lots' },
      expect: 'rejected',
      mentions: /OPTIMIZED_TEST_MAX_WORKERS/,
    },
    {
      label: 'OPTIMIZED_TEST_MEMORY_PER_WORKER=1e12',
      config: BASE,
      env: { OPTIMIZED_TEST_MEMORY_PER_WORKER: '1e12' },
      expect: 'rejected',
      mentions: /OPTIMIZED_TEST_MEMORY_PER_WORKER/,
    },
    {
      label: 'OPTIMIZED_TEST_CATEGORIES={bad',
      config: BASE,
      env: { OPTIMIZED_TEST_CATEGORIES: '{bad' },
      expect: 'rejected',
      mentions: /OPTIMIZED_TEST_CATEGORIES/,
    },
    {
      label: 'OPTIMIZED_TEST_CACHE_DIR=/ (the file-system root)',
      config: BASE,
      env: { OPTIMIZED_TEST_CACHE_DIR: '/' },
      expect: 'rejected',
      mentions: /CACHE_DIR/,
    },
  ];
  for (const key of ['cacheDir', 'reportDir'])
    for (const escape of ESCAPES)
      inputs.push({
        label: `${key} ${JSON.stringify(escape)} in the config file`,
        config: { ...BASE, [key]: escape },
        expect: 'rejected',
        mentions: new RegExp(key),
      });
  inputs.push({
    label: 'cacheDir inside the workspace',
    config: { ...BASE, cacheDir: 'build/cache' },
    expect: 'accepted',
  });
  inputs.push({
    label: 'reportDir inside the workspace',
    config: { ...BASE, reportDir: 'build/reports' },
    expect: 'accepted',
  });
  return inputs;
}

function randomValue(rng: Rng): unknown {
  return rng.chance(0.7) ? rng.pick(HOSTILE_VALUES) : rng.int(-1_000_000, 1_000_000_000);
}

function randomInputs(rng: Rng, count: number): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  for (let i = 0; i < count; i++) {
    const config: Record<string, unknown> = { ...BASE };
    if (rng.chance(0.5)) {
      config[rng.pick(KEYS)] = randomValue(rng);
    } else {
      config['categories'] = { unit: { [rng.pick(CATEGORY_KEYS)]: randomValue(rng) } };
    }
    inputs.push({
      label: `random #${i + 1}: ${JSON.stringify(config).slice(0, 120)}`,
      config,
      expect: 'either',
    });
  }
  return inputs;
}

/** Every file and folder under `dir` with its size and modification time. */
function snapshot(dir: string, skip: (path: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (skip(path)) continue;
      const stat = statSync(path);
      // A folder's own time changes when something is added below it: that addition is listed.
      out.set(relative(dir, path), stat.isDirectory() ? 'dir' : `${stat.size}:${stat.mtimeMs}`);
      if (stat.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, value] of after) if (before.get(path) !== value) changed.push(path);
  for (const path of before.keys()) if (!after.has(path)) changed.push(`${path} (removed)`);
  return changed;
}

const STACK_TRACE = /internal error|^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

function verdict(input: FuzzInput, run: CliRun, written: string[]): string | undefined {
  if (run.timedOut) return 'did not end';
  if (STACK_TRACE.test(run.stderr)) return 'printed a stack trace';
  if (written.length > 0) return `wrote outside the workspace's .shardwise: ${written.join(', ')}`;
  const rejected = run.code === 2;
  if (rejected) {
    const message = run.stderr.trim();
    if (!/^shardwise: /m.test(message)) return 'rejected without a "shardwise:" message';
    if (input.mentions !== undefined && !input.mentions.test(message))
      return `the message does not name ${input.mentions}`;
    if (input.expect === 'accepted') return 'rejected a legal value';
    return undefined;
  }
  if (run.code !== 0 && run.code !== 1) return `exit ${run.code} (signal ${run.signal})`;
  if (input.expect === 'rejected') return `accepted (exit ${run.code})`;
  return undefined;
}

describe('configuration fuzzing', () => {
  fault(
    'hostile and random configuration values, flags and variables',
    async (ctx) => {
      const sandbox = ctx.tempDir();
      const root = join(sandbox, 'ws');
      writeFiles(root, {
        'package.json': PACKAGE_JSON('fuzz'),
        'src/a.test.js': nodePassing('a'),
        'src/b.test.js': nodePassing('b'),
      });
      writeFiles(sandbox, { 'outside/evil.test.js': nodePassing('evil'), 'outside/keep.txt': 'x' });
      const inputs = [...fixedInputs(), ...randomInputs(createRng(20261126), 40)];
      // Writes allowed: the workspace's own .shardwise, and the folders an accepted config names.
      const allowed = (path: string) =>
        path.startsWith(join(root, '.shardwise')) || path.startsWith(join(root, 'build'));
      const wrong: string[] = [];
      let correct = 0;
      rmSync(ABSOLUTE_OUTSIDE, { recursive: true, force: true });
      for (const input of inputs) {
        const configText =
          typeof input.config === 'string'
            ? input.config
            : CONFIG(input.config as Record<string, unknown>);
        writeFileSync(join(root, 'shardwise.config.json'), configText);
        const before = snapshot(sandbox, allowed);
        const run = await runCli(root, ['run', '--json', ...(input.args ?? [])], {
          tag: ctx.tag,
          env: input.env,
          timeoutMs: 60_000,
        });
        const written = changes(before, snapshot(sandbox, allowed)).filter(
          (p) => p !== 'ws/shardwise.config.json',
        );
        if (existsSync(ABSOLUTE_OUTSIDE)) {
          written.push(ABSOLUTE_OUTSIDE);
          rmSync(ABSOLUTE_OUTSIDE, { recursive: true, force: true });
        }
        const problem = verdict(input, run, written);
        if (problem === undefined) correct++;
        else
          wrong.push(
            `${input.label}: ${problem}\n    exit ${run.code}: ${(run.stderr.match(/^shardwise: .*$/m)?.[0] ?? run.stderr.trim().split('\n').at(-1) ?? '').slice(0, 300)}`,
          );
      }
      ctx.inputs = { tried: inputs.length, correct };
      ctx.notes.push(`${inputs.length} inputs, ${correct} handled as the rule says`);
      expect(wrong, `${wrong.length} of ${inputs.length} inputs mishandled`).toEqual([]);
      await ctx.expectNoOrphans();
    },
    600_000,
  );
});
