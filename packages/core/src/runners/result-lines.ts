/**
 * The file the child-side reporters append to: one JSON line per finished test file, written as
 * soon as the file finishes so that a kill loses only the files still running. Lines carry the
 * runner's absolute path; `collectResultLines` maps them to the batch's workspace-relative paths
 * and derives each file's status, so every adapter reports statuses by the same rule.
 */
import { existsSync, readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { z } from 'zod';
import { ShardwiseError } from '../errors';
import { createPathMapper } from './batch-files';
import type { BatchInput, FileRunResult, TestCaseResult, TestFailure, TestStatus } from './types';

/** What a child-side reporter writes for one test file (`path` is absolute). */
export interface ResultLine {
  path: string;
  durationMs: number;
  tests: TestCaseResult[];
  error: TestFailure | undefined;
}

const failureSchema = z.object({ message: z.string(), stack: z.string().optional() });

const resultLineSchema = z.object({
  path: z.string().min(1),
  durationMs: z.number().nonnegative(),
  tests: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['passed', 'failed', 'skipped', 'todo']),
      durationMs: z.number().nonnegative(),
      failure: failureSchema.optional(),
    }),
  ),
  error: failureSchema.optional(),
});

function cleanFailure(failure: z.infer<typeof failureSchema> | undefined): TestFailure | undefined {
  if (failure === undefined) return undefined;
  // Runners colour their messages when they think a terminal is watching; reports want plain text.
  return {
    message: stripVTControlCharacters(failure.message),
    stack: failure.stack === undefined ? undefined : stripVTControlCharacters(failure.stack),
  };
}

/**
 * Reads a results file. A last line without its newline is the write a kill interrupted and is
 * dropped; any other line that is not a result is a bug in a reporter and throws.
 */
export function readResultLines(file: string): ResultLine[] {
  if (!existsSync(file)) return [];
  // The last piece after the final newline is either empty or the interrupted write.
  const complete = readFileSync(file, 'utf8').split('\n').slice(0, -1);
  return complete
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, index }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (cause) {
        throw new ShardwiseError(
          'SHARDWISE_RUNNER_OUTPUT',
          `${file}:${index + 1} is not a JSON result line`,
          { cause },
        );
      }
      const parsed = resultLineSchema.safeParse(json);
      if (!parsed.success) {
        throw new ShardwiseError(
          'SHARDWISE_RUNNER_OUTPUT',
          `${file}:${index + 1} is not a test file result: ${parsed.error.message}`,
        );
      }
      const result = parsed.data;
      return {
        path: result.path,
        durationMs: result.durationMs,
        tests: result.tests.map((test) => ({
          name: test.name,
          status: test.status,
          durationMs: test.durationMs,
          failure: cleanFailure(test.failure),
        })),
        error: cleanFailure(result.error),
      };
    });
}

/** failed: a test failed or the file errored; skipped: no test ran; passed otherwise. */
export function fileStatus(
  tests: readonly { status: TestStatus }[],
  error: TestFailure | undefined,
): FileRunResult['status'] {
  if (error !== undefined || tests.some((test) => test.status === 'failed')) return 'failed';
  if (tests.every((test) => test.status === 'skipped' || test.status === 'todo')) return 'skipped';
  return 'passed';
}

/**
 * Turns per-file lines into results in batch order. One file can yield several lines (a Vitest
 * file that belongs to two projects runs twice); those are merged into one result.
 */
export function toFileRunResults(input: BatchInput, lines: readonly ResultLine[]): FileRunResult[] {
  const pathOf = createPathMapper(input);
  const merged = new Map<string, Omit<FileRunResult, 'status'>>();
  for (const line of lines) {
    const path = pathOf(line.path);
    const previous = merged.get(path);
    merged.set(
      path,
      previous === undefined
        ? { path, durationMs: line.durationMs, tests: line.tests, error: line.error }
        : {
            path,
            durationMs: previous.durationMs + line.durationMs,
            tests: [...previous.tests, ...line.tests],
            error: previous.error ?? line.error,
          },
    );
  }
  const order = new Map(input.files.map((file, index) => [file, index]));
  const rank = (path: string) => order.get(path) ?? Number.MAX_SAFE_INTEGER;
  return [...merged.values()]
    .sort((a, b) => rank(a.path) - rank(b.path))
    .map((result) => ({ ...result, status: fileStatus(result.tests, result.error) }));
}

export function collectResultLines(input: BatchInput, file: string): FileRunResult[] {
  return toFileRunResults(input, readResultLines(file));
}
