/**
 * `shardwise watch` on real Jest 30 and Vitest 4: each save reruns exactly the test files whose
 * closure holds the saved file (across projects), `f` reruns the failed ones, `a` all of them, a
 * new test file is planned and run, and `q` ends the process leaving no runner behind. Keys go
 * through a pipe (no terminal: the same letters as lines); events come back as `--json` lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from './packed';
import { buildCore, CLI, writeWorkspace } from './everyday-b-workspace';

interface WatchLine {
  type: string;
  triggers?: string[];
  changed?: string[];
  files?: Array<string | { path: string; status: string }>;
  added?: string[];
  testFiles?: number;
  summary?: { passed: number; failed: number };
}

const MATH_TESTS = ['libs/math/src/add.test.js', 'libs/math/src/mul.test.js'];
const TEXT_TESTS = ['libs/text/src/trim.test.ts', 'libs/text/src/upper.test.ts'];
const WEB_TESTS = ['apps/web/src/page.test.ts'];
const ALL_TESTS = [...WEB_TESTS, ...MATH_TESTS, ...TEXT_TESTS].sort();

const ADD_OK = 'exports.add = (a, b) => a + b;\n';
const ADD_BROKEN = 'exports.add = (a, b) => a - b;\n';

const WORKSPACE: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'watch-e2e', private: true }),
  'libs/math/package.json': JSON.stringify({ name: 'math', private: true }),
  'libs/math/jest.config.js': "module.exports = { testEnvironment: 'node' };\n",
  'libs/math/src/add.js': ADD_OK,
  'libs/math/src/mul.js': 'exports.mul = (a, b) => a * b;\n',
  'libs/math/src/add.test.js':
    "const { add } = require('./add');\ntest('adds', () => expect(add(2, 3)).toBe(5));\n",
  'libs/math/src/mul.test.js':
    "const { mul } = require('./mul');\ntest('multiplies', () => expect(mul(2, 3)).toBe(6));\n",
  'libs/text/package.json': JSON.stringify({ name: 'text', private: true }),
  'libs/text/vitest.config.mts':
    "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['src/**/*.test.ts'] } });\n",
  'libs/text/src/upper.ts': 'export const upper = (s: string): string => s.toUpperCase();\n',
  'libs/text/src/trim.ts': 'export const trim = (s: string): string => s.trim();\n',
  // Records the process that ran it (outside the workspace, so no save is seen).
  'libs/text/src/upper.test.ts':
    "import { appendFileSync } from 'node:fs';\nimport { expect, it } from 'vitest';\nimport { upper } from './upper';\nit('uppercases', () => { appendFileSync(process.env.E2E_PID_LOG!, process.ppid + '\\n'); expect(upper('a')).toBe('A'); });\n",
  'libs/text/src/trim.test.ts':
    "import { expect, it } from 'vitest';\nimport { trim } from './trim';\nit('trims', () => expect(trim(' a ')).toBe('a'));\n",
  'apps/web/package.json': JSON.stringify({ name: 'web', private: true }),
  'apps/web/vitest.config.mts':
    "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['src/**/*.test.ts'] } });\n",
  'apps/web/src/page.ts':
    "import { upper } from '../../../libs/text/src/upper';\nexport const title = (s: string): string => upper(s) + '!';\n",
  'apps/web/src/page.test.ts':
    "import { expect, it } from 'vitest';\nimport { title } from './page';\nit('titles', () => expect(title('hi')).toBe('HI!'));\n",
};

/** The `shardwise watch --json` process, its JSON lines, and a way to wait for one. */
class WatchProcess {
  readonly lines: WatchLine[] = [];
  stderr = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(cwd: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [CLI, 'watch', '--json', '--debounce', '150'], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', CI: 'true', ...env },
    });
    let buffer = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i).trim();
        buffer = buffer.slice(i + 1);
        if (line !== '') this.lines.push(JSON.parse(line) as WatchLine);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  press(key: string): void {
    this.child.stdin!.write(`${key}\n`);
  }

  /** The first line from `from` on that satisfies `match` (waits up to 120 s). */
  async next(from: number, match: (line: WatchLine) => boolean): Promise<[WatchLine, number]> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const index = this.lines.findIndex((line, i) => i >= from && match(line));
      if (index !== -1) return [this.lines[index]!, index];
      if (Date.now() > deadline)
        throw new Error(
          `no matching watch event; got ${JSON.stringify(this.lines.slice(from))}\n${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

const filesOf = (line: WatchLine): string[] =>
  (line.files ?? []).map((f) => (typeof f === 'string' ? f : f.path)).sort();

/** Processes whose working folder is inside `root` (the runners Shardwise starts there). */
function processesIn(root: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(root)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

describe('shardwise watch (real Jest and Vitest)', () => {
  let root: string;
  let watch: WatchProcess;
  let scratch: string | undefined;

  beforeAll(() => {
    buildCore();
    root = writeWorkspace('everyday-b-watch', WORKSPACE);
  });
  afterAll(() => {
    watch?.kill();
    cleanup(root, scratch);
  });

  it('reruns what each save reaches; f, a and q; exits leaving no runner', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'watch-e2e-'));
    const pidLog = join(scratch, 'pids.log');
    watch = new WatchProcess(root, {
      E2E_PID_LOG: pidLog,
      // A slot table of its own, so other Shardwise runs on the machine do not share its slots.
      SHARDWISE_SLOT_DIR: join(scratch, 'slots'),
    });
    let [line, at] = await watch.next(0, (l) => l.type === 'ready');
    expect(line.testFiles).toBe(ALL_TESTS.length);

    // A Vitest library file reaches its own test and the app's test in another project.
    writeFileSync(
      join(root, 'libs/text/src/upper.ts'),
      'export const upper = (s: string): string => s.toLocaleUpperCase();\n',
    );
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-start');
    expect(filesOf(line)).toEqual(['apps/web/src/page.test.ts', 'libs/text/src/upper.test.ts']);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-end');
    expect(line.summary).toMatchObject({ passed: 2, failed: 0 });

    // A Jest file: only its test; it now fails.
    writeFileSync(join(root, 'libs/math/src/add.js'), ADD_BROKEN);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-start');
    expect(filesOf(line)).toEqual(['libs/math/src/add.test.js']);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-end');
    expect(line.summary).toMatchObject({ passed: 0, failed: 1 });

    // f: the failed file again.
    watch.press('f');
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-start');
    expect(line.triggers).toEqual(['failed']);
    expect(filesOf(line)).toEqual(['libs/math/src/add.test.js']);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-end');
    expect(line.summary?.failed).toBe(1);

    // Fixed: it passes, and f has nothing left to run.
    writeFileSync(join(root, 'libs/math/src/add.js'), ADD_OK);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-end');
    expect(line.summary).toMatchObject({ passed: 1, failed: 0 });
    watch.press('f');
    [line, at] = await watch.next(
      at + 1,
      (l) => l.type === 'nothing-to-run' || l.type === 'run-start',
    );
    expect(line.type).toBe('nothing-to-run');

    // a: every test file.
    watch.press('a');
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-start');
    expect(filesOf(line)).toEqual(ALL_TESTS);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-end');
    expect(line.summary).toMatchObject({ passed: ALL_TESTS.length, failed: 0 });
    // upper.test.ts ran twice (first save, then a) under one warm Vitest kept between runs: its
    // test worker's parent is the same Vitest process, not the watch process itself.
    const parents = readFileSync(pidLog, 'utf8').trim().split('\n');
    expect(parents).toHaveLength(2);
    expect(new Set(parents).size).toBe(1);
    expect(parents[0]).not.toBe(String(watch.pid));

    // A new test file: the plan is refreshed and the file runs.
    writeFileSync(
      join(root, 'libs/text/src/extra.test.ts'),
      "import { expect, it } from 'vitest';\nimport { trim } from './trim';\nit('extra', () => expect(trim('b ')).toBe('b'));\n",
    );
    [line, at] = await watch.next(at + 1, (l) => l.type === 'plan-refreshed');
    expect(line.added).toEqual(['libs/text/src/extra.test.ts']);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-start');
    expect(filesOf(line)).toEqual(['libs/text/src/extra.test.ts']);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-end');
    expect(line.summary).toMatchObject({ passed: 1, failed: 0 });

    // A build output (ignored, as the scan ignores dist/) is no save; the next real one runs.
    mkdirSync(join(root, 'libs/math/dist'), { recursive: true });
    writeFileSync(join(root, 'libs/math/dist/bundle.js'), 'module.exports = {};\n');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    writeFileSync(join(root, 'libs/math/src/mul.js'), 'exports.mul = (a, b) => b * a;\n');
    [line, at] = await watch.next(
      at + 1,
      (l) => l.type === 'run-start' || l.type === 'nothing-to-run',
    );
    expect(line).toMatchObject({ type: 'run-start', changed: ['libs/math/src/mul.js'] });
    expect(filesOf(line)).toEqual(['libs/math/src/mul.test.js']);
    [line, at] = await watch.next(at + 1, (l) => l.type === 'run-end');

    // Warm Vitest runners live between runs; q ends them all with the process.
    watch.press('q');
    expect(await watch.exited).toBe(0);
    expect(watch.lines.at(-1)?.type).toBe('exit');
    expect(processesIn(root)).toEqual([]);
  });

  it('on a terminal, keys act without Enter (raw mode) and the live view draws', async () => {
    // `script` gives the watch a pseudo-terminal; the test types into it.
    const slots = mkdtempSync(join(tmpdir(), 'watch-tty-'));
    const child = spawn(
      'script',
      ['-qefc', `stty cols 120 rows 40; ${process.execPath} ${CLI} watch`, '/dev/null'],
      {
        cwd: root,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CI: undefined,
          TERM: 'xterm-256color',
          SHARDWISE_SLOT_DIR: slots,
          E2E_PID_LOG: join(slots, 'pids.log'),
        },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 120_000;
      while (!pattern.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`waited for ${pattern}; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    try {
      await waitFor(/watching \d+ test file/);
      child.stdin.write('a');
      await waitFor(/Tests {2}\d+ passed, 0 failed/);
      // The live view redrew its status line in place.
      expect(output).toContain(`${String.fromCharCode(27)}[2K`);
      child.stdin.write('q');
      expect(await exited, output).toBe(0);
      expect(processesIn(root)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      cleanup(slots);
    }
  });
});
