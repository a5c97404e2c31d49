/**
 * @shardwise/nx in a real Nx 24 workspace, for what a person sees: under `--output-style=static`
 * on a terminal (a pseudo-terminal from `script`) and under Nx's TUI, the executor's output has no
 * cursor movement and one summary block; the inferred `test-benchmark` target runs the benchmark
 * executor; `test-optimized --watch` reruns what a save reaches and quits on `q`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCore } from './everyday-b-workspace';
import { cleanup } from './packed';
import {
  commitAll,
  createNxWorkspace,
  killRunning,
  nx,
  nxEnv,
  runInGroup,
  type CommandResult,
} from './nx-workspace';

const ESC = String.fromCharCode(27);
/**
 * Cursor movement, erasing, cursor visibility, and a carriage return inside a line (a line redrawn
 * in place; a pseudo-terminal ends lines with \r\n, and Nx starts some with \r).
 */
const CURSOR = new RegExp(
  `${ESC}\\[\\d*(?:;\\d*)?[ABCDEFGHJKSTfsu]|${ESC}\\[\\?25[hl]|${ESC}[78]|(?<=[^\\r\\n])\\r(?![\\r\\n])`,
);
const SGR = new RegExp(`${ESC}\\[[\\d;]*m`, 'g');
/** SGR colour codes are fine; strip them before reading lines. */
const strip = (text: string) => text.replace(SGR, '').replace(/\r\n/g, '\n');
const summaryBlocks = (text: string) => strip(text).match(/^Tests {2}\d+ passed/gm)?.length ?? 0;

function describeRun(result: CommandResult): string {
  return `exited ${result.code}:\n${result.output.slice(-5000)}`;
}

/** `nx …` inside a pseudo-terminal (`script`), as a person at a terminal runs it. */
function nxOnTerminal(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<CommandResult> {
  // A terminal with a size: Nx's TUI refuses a 0×0 one.
  const command = ['stty cols 120 rows 40;', join(cwd, 'node_modules/.bin/nx'), ...args].join(' ');
  return runInGroup(
    'script',
    ['-qefc', command, '/dev/null'],
    cwd,
    // A terminal a person uses: no CI variable.
    { ...nxEnv(cwd, env), CI: undefined, TERM: 'xterm-256color', FORCE_COLOR: undefined },
    240_000,
  );
}

describe('Shardwise under Nx 24: output, test-benchmark, --watch', () => {
  let root: string;

  beforeAll(() => {
    buildCore();
    root = createNxWorkspace().root;
    const nxJsonPath = join(root, 'nx.json');
    const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8')) as {
      plugins: unknown[];
      analytics?: boolean;
    };
    nxJson.plugins.push({ plugin: '@shardwise/nx', options: {} });
    // On a terminal Nx 24 would first ask about usage analytics.
    nxJson.analytics = false;
    writeFileSync(nxJsonPath, `${JSON.stringify(nxJson, null, 2)}\n`);
    commitAll(root, 'add shardwise');
  });
  afterAll(() => {
    killRunning();
    cleanup(root);
  });

  it('static output on a terminal: no cursor movement, one summary block', async () => {
    const result = await nxOnTerminal(
      root,
      ['run', 'text:test-optimized', '--output-style=static', '--skip-nx-cache'],
      { NX_TUI: 'false' },
    );
    expect(result.code, describeRun(result)).toBe(0);
    const text = strip(result.output);
    expect(text).toContain('PASSED');
    expect(CURSOR.exec(result.output)?.[0], describeRun(result)).toBeUndefined();
    expect(summaryBlocks(result.output)).toBe(1);
    expect(text.match(/^Limit {2}/gm)).toHaveLength(1);
  });

  it("under Nx's TUI: the task's own output has no cursor movement, one summary block", async () => {
    const outputs = join(root, '.nx/cache/terminalOutputs');
    rmSync(outputs, { recursive: true, force: true });
    const result = await nxOnTerminal(
      root,
      ['run-many', '-t', 'test-optimized', '-p', 'text', '--skip-nx-cache', '--tui'],
      { NX_TUI: 'true', NX_TUI_AUTO_EXIT: 'true' },
    );
    expect(result.code, describeRun(result)).toBe(0);
    // The TUI ran: it took over the screen (the alternate screen buffer).
    expect(result.output, describeRun(result)).toContain(`${ESC}[?1049h`);
    // The TUI lays out the screen itself; what the task wrote is kept in Nx's terminal outputs.
    expect(existsSync(outputs), describeRun(result)).toBe(true);
    const newest = readdirSync(outputs)
      .map((name) => join(outputs, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    const taskOutput = readFileSync(newest, 'utf8');
    expect(strip(taskOutput)).toContain('PASSED');
    const found = CURSOR.exec(taskOutput);
    expect(
      found?.[0],
      JSON.stringify(
        taskOutput.slice(Math.max(0, (found?.index ?? 0) - 80), (found?.index ?? 0) + 80),
      ),
    ).toBeUndefined();
    expect(summaryBlocks(taskOutput)).toBe(1);
  });

  it('test-benchmark is inferred and runs the benchmark executor', async () => {
    const result = await nx(root, [
      'run',
      'text:test-benchmark',
      '--rounds=1',
      '--output-style=static',
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const text = strip(result.output);
    expect(text).toMatch(/Benchmark: \d+ files, 1 round\(s\)/);
    expect(text).toMatch(/ratio \d+\.\d+x \(standard \/ shardwise\)/);
  });

  it('test-optimized --watch reruns what a save reaches and quits on q', async () => {
    const child = spawn(
      join(root, 'node_modules/.bin/nx'),
      // `stream`: Nx passes the task's output through as it comes (static holds it to the end).
      ['run', 'text:test-optimized', '--watch', '--output-style=stream'],
      { cwd: root, env: nxEnv(root), stdio: ['pipe', 'pipe', 'pipe'], detached: true },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const waitFor = async (pattern: RegExp, from: number) => {
      const deadline = Date.now() + 120_000;
      while (!pattern.test(strip(output.slice(from)))) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`waited for ${pattern}; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    try {
      await waitFor(/watching \d+ test file/, 0);
      const mark = output.length;
      writeFileSync(
        join(root, 'libs/text/src/truncate.ts'),
        `${readFileSync(join(root, 'libs/text/src/truncate.ts'), 'utf8')}// saved\n`,
      );
      // truncate.ts is reached by truncate.test.ts and text.int.test.ts (through index.ts).
      await waitFor(/→ 2 test file\(s\)/, mark);
      await waitFor(/Tests {2}\d+ passed, 0 failed/, mark);
      child.stdin.write('q\n');
      expect(await exited, output).toBe(0);
    } finally {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }
  });
});
