/**
 * The one interface every runner adapter implements. An adapter turns a batch of test files into
 * a child-process invocation that runs them with the project's own runner (its parallelism pinned
 * to one), and reads back per-test results. The child writes results as it goes, so the files
 * that finished before a kill or a timeout are still known.
 */
import type { RunnerName } from '../config/schema';

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'todo';

export interface TestFailure {
  message: string;
  stack: string | undefined;
}

export interface TestCaseResult {
  /** Full name: describe blocks and the test name joined with " > ". */
  name: string;
  status: TestStatus;
  durationMs: number;
  failure: TestFailure | undefined;
}

/** What the runner said about one test file. */
export interface FileRunResult {
  /** Workspace-relative, POSIX. */
  path: string;
  /** failed: any test failed or the file errored; skipped: no test ran (all skipped/todo). */
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  tests: TestCaseResult[];
  /** An error outside any test: load or compile error, suite hook failure, crash. */
  error: TestFailure | undefined;
}

export interface BatchInput {
  workspaceRoot: string;
  /** Workspace-relative project root ('' for the workspace root). */
  projectRoot: string;
  /** Workspace-relative test files, run in this order. */
  files: string[];
  /** Absolute path of a fresh, empty folder for this batch's result files. */
  outputDir: string;
  /** Arguments after `--`, passed to the runner as they are. */
  passThrough: string[];
  updateSnapshots: boolean;
  /** Collect each test file's coverage with the runner's own provider (Jest, Vitest). */
  coverage?: boolean;
  /**
   * Absolute run-level folder for per-test-file artifacts (coverage, snapshot counts); see
   * test-coverage/file-artifacts.ts. Undefined: the child writes none.
   */
  artifactsDir?: string;
  /** For the `command` runner: the configured command with `{files}` and `{junit}`. */
  command: string | undefined;
}

export interface RunnerInvocation {
  command: string;
  args: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Added to the slot's environment. */
  env: Record<string, string>;
  /** Run through the shell (the `command` runner only). */
  shell: boolean;
}

/** How the child ended. */
export interface ChildOutcome {
  exitCode: number | null;
  signal: string | null;
}

export interface RunnerAdapter {
  readonly name: RunnerName | 'command';
  invocation(input: BatchInput): RunnerInvocation;
  /**
   * Reads what the child wrote into `outputDir`. Files with no result (the child died before
   * reaching them) are absent from the answer; the scheduler decides what that means.
   *
   * `outcome` is optional: only the `command` runner uses it, to tell a file that ran no test
   * (the command exited 0) from one it never reached. Without it such files are absent.
   */
  collect(input: BatchInput, outcome?: ChildOutcome): FileRunResult[];
}
