/**
 * node:test reporter (`--test-reporter=<this file>`): yields one result line per test file as
 * soon as that file's process has finished. Runs inside the child: Node built-ins only at run time.
 *
 * What Node 20 reports under `--test` (each file runs in its own process):
 * - a test's `test:start` comes before its `test:pass`/`test:fail`, so a stack of started names
 *   gives each result its suite path; a result with no result below it is a leaf (a test, or a
 *   skipped or empty suite, as Node's own JUnit reporter counts them);
 * - the file itself is a test named after its path, at nesting 0; its `test:complete` (Node
 *   ≥ 20.15) arrives after every event of its tests, so it marks the file as finished. Its
 *   `test:fail`, when it crashed, arrives after that and is ignored;
 * - a file that crashed while loading has no test and a failed file-level result whose message is
 *   only "test failed": its stderr, captured here, carries the real error.
 */
import type { ResultLine } from '../result-lines';
import type { TestCaseResult, TestFailure } from '../types';

interface NodeTestEvent {
  type: string;
  data: unknown;
}

interface EventData {
  name: string;
  nesting: number;
  file: string | undefined;
  skip: boolean;
  todo: boolean;
  durationMs: number;
  /** Only on `test:complete`. */
  passed: boolean | undefined;
  error: unknown;
  message: string | undefined;
}

interface Frame {
  name: string;
  hasResultBelow: boolean;
}

interface FileState {
  tests: TestCaseResult[];
  started: Frame[];
  stderr: string;
  /** A failure outside any test: a failed hook or suite. */
  error: TestFailure | undefined;
  /** Tests and suites enqueued without a result yet, by nesting and name (names can repeat). */
  pending: Map<string, number>;
}

const STDERR_TAIL_CHARS = 8 * 1024;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function readEventData(value: unknown): EventData {
  const data = record(value);
  const details = record(data['details']);
  const duration = details['duration_ms'];
  return {
    name: typeof data['name'] === 'string' ? data['name'] : '',
    nesting: typeof data['nesting'] === 'number' ? data['nesting'] : 0,
    file: typeof data['file'] === 'string' ? data['file'] : undefined,
    // `skip` and `todo` are true or the reason given.
    skip: data['skip'] !== undefined && data['skip'] !== false,
    todo: data['todo'] !== undefined && data['todo'] !== false,
    durationMs: typeof duration === 'number' ? duration : 0,
    passed: typeof details['passed'] === 'boolean' ? details['passed'] : undefined,
    error: details['error'],
    message: typeof data['message'] === 'string' ? data['message'] : undefined,
  };
}

/** Node wraps what a test threw in an ERR_TEST_FAILURE whose `cause` is the original error. */
function failureOf(error: unknown): TestFailure {
  const wrapper = record(error);
  const cause = wrapper['cause'];
  const original = cause instanceof Error ? cause : error instanceof Error ? error : undefined;
  if (original !== undefined) return { message: original.message, stack: original.stack };
  const message = typeof cause === 'string' ? cause : String(wrapper['message'] ?? error);
  return { message, stack: undefined };
}

function failureType(error: unknown): unknown {
  return record(error)['failureType'];
}

/** The error of a file that failed outside its tests, told from its stderr when there is one. */
function fileFailureOf(error: unknown, stderr: string): TestFailure {
  const exitCode = record(error)['exitCode'];
  const signal = record(error)['signal'];
  const ending =
    typeof signal === 'string'
      ? `the test file was killed by ${signal}`
      : typeof exitCode === 'number'
        ? `the test file exited with code ${exitCode}`
        : failureOf(error).message;
  const lines = stderr.split('\n').map((line) => line.trim());
  // The thrown error's first line if there is one, else the last thing the file printed.
  const told =
    lines.find((line) => /^\w*(Error|Exception)\b.*:/.test(line)) ??
    lines.filter((line) => line !== '').at(-1);
  return {
    message: told === undefined ? ending : `${told} (${ending})`,
    stack: stderr.trim() === '' ? undefined : stderr.trim(),
  };
}

function toResultLine(file: string, state: FileState, durationMs: number): ResultLine {
  return { path: file, durationMs, tests: state.tests, error: state.error };
}

async function* shardwiseNodeTestReporter(
  source: AsyncIterable<NodeTestEvent>,
): AsyncGenerator<string, void> {
  const files = new Map<string, FileState>();
  const finished = new Set<string>();
  const stateOf = (file: string): FileState => {
    let state = files.get(file);
    if (state === undefined) {
      state = { tests: [], started: [], stderr: '', error: undefined, pending: new Map() };
      files.set(file, state);
    }
    return state;
  };

  for await (const event of source) {
    const data = readEventData(event.data);
    const file = data.file;
    if (file === undefined || finished.has(file)) continue;
    const isFileItself = data.nesting === 0 && data.name === file;

    if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      // Output is kept for the file's error message should the file crash.
      if (event.type === 'test:stderr' && data.message !== undefined) {
        const state = stateOf(file);
        state.stderr = (state.stderr + data.message).slice(-STDERR_TAIL_CHARS);
      }
    } else if (isFileItself) {
      if (event.type !== 'test:complete') continue;
      const state = stateOf(file);
      if (data.passed === false && failureType(data.error) !== 'subtestsFailed') {
        state.error ??= fileFailureOf(data.error, state.stderr);
      }
      // Node passes a file whose process exited 0 mid-run (process.exit): the tests it had
      // enqueued and never finished tell it apart from a file that ran every test.
      const unfinished = [...state.pending]
        .filter(([, count]) => count > 0)
        .map(([key]) => key.slice(key.indexOf('\0') + 1));
      if (unfinished.length > 0) {
        state.error ??= {
          message: `the test file's process ended before these tests finished: ${unfinished.join(', ')} (process.exit?)`,
          stack: state.stderr.trim() === '' ? undefined : state.stderr.trim(),
        };
      }
      finished.add(file);
      files.delete(file);
      yield `${JSON.stringify(toResultLine(file, state, data.durationMs))}\n`;
    } else if (event.type === 'test:enqueue') {
      const state = stateOf(file);
      const key = `${data.nesting}\0${data.name}`;
      state.pending.set(key, (state.pending.get(key) ?? 0) + 1);
    } else if (event.type === 'test:start') {
      const state = stateOf(file);
      state.started.length = data.nesting;
      state.started.push({ name: data.name, hasResultBelow: false });
    } else if (event.type === 'test:pass' || event.type === 'test:fail') {
      const state = stateOf(file);
      const key = `${data.nesting}\0${data.name}`;
      state.pending.set(key, (state.pending.get(key) ?? 0) - 1);
      const frame = state.started[data.nesting];
      const path = state.started.slice(0, data.nesting).map((ancestor) => ancestor.name);
      const parent = state.started[data.nesting - 1];
      if (parent !== undefined) parent.hasResultBelow = true;
      state.started.length = data.nesting;
      const failed = event.type === 'test:fail';
      if (frame !== undefined && frame.hasResultBelow) {
        // A suite: its own failure matters only when it is not just its tests failing.
        if (failed && failureType(data.error) !== 'subtestsFailed') {
          state.error ??= failureOf(data.error);
        }
        continue;
      }
      state.tests.push({
        name: [...path, data.name].join(' > '),
        status: data.todo ? 'todo' : data.skip ? 'skipped' : failed ? 'failed' : 'passed',
        durationMs: data.durationMs,
        failure: failed && !data.todo ? failureOf(data.error) : undefined,
      });
    }
  }

  // Without a file-level test:complete (older Node), every file ends with the run.
  for (const [file, state] of files) {
    const durationMs = state.tests.reduce((sum, test) => sum + test.durationMs, 0);
    yield `${JSON.stringify(toResultLine(file, state, durationMs))}\n`;
  }
}

export = shardwiseNodeTestReporter;
