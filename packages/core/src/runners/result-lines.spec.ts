import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childModulePath } from './child-modules';
import { getRunnerAdapter } from './registry';
import { collectResultLines, readResultLines } from './result-lines';
import type { BatchInput } from './types';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-lines-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const workspaceRoot = '/workspace';

function batch(files: string[]): BatchInput {
  return {
    workspaceRoot,
    projectRoot: 'app',
    files,
    outputDir: tempDir(),
    passThrough: [],
    updateSnapshots: false,
    command: undefined,
  };
}

/** A line as a reporter writes it: JSON drops the `undefined` fields. */
function line(path: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ path, durationMs: 5, tests: [], error: undefined, ...overrides });
}

const passed = { name: 'a', status: 'passed', durationMs: 1 } as const;

describe('readResultLines', () => {
  it('drops the last line a kill cut short and reads a missing file as no results', () => {
    const file = join(tempDir(), 'results.jsonl');
    expect(readResultLines(file)).toEqual([]);
    writeFileSync(file, `${line('/workspace/app/a.test.ts')}\n{"path":"/workspace/app/b.te`);
    expect(readResultLines(file).map((result) => result.path)).toEqual([
      '/workspace/app/a.test.ts',
    ]);
  });

  it('throws on a line that is not a result, naming the file and line', () => {
    const file = join(tempDir(), 'results.jsonl');
    writeFileSync(file, `${line('/workspace/app/a.test.ts')}\n{"path":""}\n`);
    expect(() => readResultLines(file)).toThrow(`${file}:2 is not a test file result`);
  });

  it('strips terminal colours from messages', () => {
    const file = join(tempDir(), 'results.jsonl');
    const failure = {
      message: '\u001b[31mExpected: 3\u001b[39m',
      stack: '\u001b[2mat x\u001b[22m',
    };
    writeFileSync(file, `${line('/a', { error: failure })}\n`);
    expect(readResultLines(file)[0]?.error).toEqual({ message: 'Expected: 3', stack: 'at x' });
  });
});

describe('collectResultLines', () => {
  it('maps paths to the batch, keeps batch order, merges repeated files and derives statuses', () => {
    const input = batch(['app/a.test.ts', 'app/b.test.ts', 'app/c.test.ts']);
    const file = join(input.outputDir, 'results.jsonl');
    writeFileSync(
      file,
      [
        line('/workspace/app/c.test.ts', { tests: [{ ...passed, status: 'todo' }] }),
        line('/workspace/app/a.test.ts', { tests: [passed] }),
        line('/workspace/app/a.test.ts', {
          tests: [{ ...passed, status: 'failed', failure: { message: 'boom' } }],
        }),
        line('/workspace/app/b.test.ts', { error: { message: 'cannot load' } }),
        '',
      ].join('\n'),
    );
    expect(collectResultLines(input, file)).toEqual([
      {
        path: 'app/a.test.ts',
        status: 'failed',
        durationMs: 10,
        tests: [
          { ...passed, failure: undefined },
          { ...passed, status: 'failed', failure: { message: 'boom', stack: undefined } },
        ],
        error: undefined,
      },
      {
        path: 'app/b.test.ts',
        status: 'failed',
        durationMs: 5,
        tests: [],
        error: { message: 'cannot load', stack: undefined },
      },
      {
        path: 'app/c.test.ts',
        status: 'skipped',
        durationMs: 5,
        tests: [{ ...passed, status: 'todo', failure: undefined }],
        error: undefined,
      },
    ]);
  });
});

describe('getRunnerAdapter', () => {
  it('has an adapter for every runner', () => {
    for (const name of ['jest', 'vitest', 'node', 'command'] as const) {
      expect(getRunnerAdapter(name).name).toBe(name);
    }
  });
});

describe('childModulePath', () => {
  it('gives a loadable CommonJS file when running from the TypeScript sources', () => {
    const path = childModulePath('node-test-reporter');
    expect(path).toMatch(/node-test-reporter\.c?js$/);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain('module.exports');
    expect(childModulePath('node-test-reporter')).toBe(path);
  });
});
