/**
 * Jest reporter loaded by the user's Jest (`--reporters=<this file>`). It appends one result line
 * per finished test file to SHARDWISE_RESULTS_FILE, synchronously, so a kill loses only the file
 * that was running. Runs inside the child: Node built-ins only at run time.
 */
import { appendFileSync } from 'node:fs';
import type { ResultLine } from '../result-lines';
import type { TestCaseResult, TestFailure, TestStatus } from '../types';

/** The parts of Jest's `TestResult` read here (stable from Jest 27 to 30). */
interface JestAssertionResult {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number | null;
  failureMessages: string[];
  failureDetails: unknown[];
}

interface JestTestResult {
  testFilePath: string;
  testResults: JestAssertionResult[];
  testExecError?: { message: string; stack?: string | null } | null;
  failureMessage?: string | null;
  perfStats: { start: number; end: number; runtime?: number };
}

function statusOf(jestStatus: string): TestStatus {
  if (jestStatus === 'passed' || jestStatus === 'failed' || jestStatus === 'todo') {
    return jestStatus;
  }
  // pending (it.skip, xit, describe.skip), skipped (not selected), disabled, focused.
  return 'skipped';
}

/** Jest's failure messages are the message followed by the stack; the message ends at "    at". */
function messageOf(text: string): string {
  const stackStart = text.search(/\n\s+at /);
  return (stackStart === -1 ? text : text.slice(0, stackStart)).trim();
}

function failureOf(assertion: JestAssertionResult): TestFailure | undefined {
  if (assertion.failureMessages.length === 0) return undefined;
  const detail = assertion.failureDetails[0];
  const detailMessage =
    typeof detail === 'object' && detail !== null && 'message' in detail ? detail.message : '';
  return {
    message:
      typeof detailMessage === 'string' && detailMessage !== ''
        ? detailMessage
        : messageOf(assertion.failureMessages[0] ?? ''),
    stack: assertion.failureMessages.join('\n\n'),
  };
}

function fileErrorOf(result: JestTestResult, tests: TestCaseResult[]): TestFailure | undefined {
  // A file that failed to load (syntax error, missing module) or whose hooks failed.
  if (result.testExecError) {
    return {
      message: result.testExecError.message,
      stack: result.failureMessage ?? result.testExecError.stack ?? undefined,
    };
  }
  // Jest also fails a file outside its tests (obsolete snapshots under --ci, afterAll errors).
  if (result.failureMessage && !tests.some((test) => test.status === 'failed')) {
    return { message: messageOf(result.failureMessage), stack: result.failureMessage };
  }
  return undefined;
}

function toResultLine(result: JestTestResult): ResultLine {
  const tests = result.testResults.map((assertion): TestCaseResult => ({
    name: [...assertion.ancestorTitles, assertion.title].join(' > '),
    status: statusOf(assertion.status),
    durationMs: assertion.duration ?? 0,
    failure: failureOf(assertion),
  }));
  const { start, end, runtime } = result.perfStats;
  return {
    path: result.testFilePath,
    durationMs: Math.max(0, runtime ?? end - start),
    tests,
    error: fileErrorOf(result, tests),
  };
}

class ShardwiseJestReporter {
  private readonly resultsFile: string;

  constructor() {
    const resultsFile = process.env['SHARDWISE_RESULTS_FILE'];
    if (!resultsFile) throw new Error('SHARDWISE_RESULTS_FILE is not set');
    this.resultsFile = resultsFile;
  }

  onTestFileResult(_test: unknown, result: JestTestResult): void {
    appendFileSync(this.resultsFile, `${JSON.stringify(toResultLine(result))}\n`);
  }
}

export = ShardwiseJestReporter;
