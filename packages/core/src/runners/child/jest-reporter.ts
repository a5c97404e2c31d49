/**
 * Jest reporter loaded by the user's Jest (`--reporters=<this file>`). It appends one result line
 * per finished test file to SHARDWISE_RESULTS_FILE, synchronously, so a kill loses only the file
 * that was running. Runs inside the child: Node built-ins only at run time (and, for V8
 * coverage, the v8-to-istanbul that the project's Jest itself uses).
 *
 * With SHARDWISE_ARTIFACTS_DIR it also writes the file's artifact (see
 * test-coverage/file-artifacts.ts): its snapshot counts and, with SHARDWISE_COVERAGE=1, the coverage
 * Jest collected while running that one test file (`testResult.coverage` for the babel provider,
 * `testResult.v8Coverage` converted as Jest's CoverageReporter does for the v8 provider). The
 * artifact is written before the result line, so a file with a result has its artifact.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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

interface JestSnapshotResult {
  unchecked: number;
  uncheckedKeys: string[];
}

interface V8CoverageEntry {
  codeTransformResult?: { code: string; originalCode: string; sourceMapPath: string | null };
  result: { url: string; functions: unknown[] };
}

interface JestTestResult {
  testFilePath: string;
  coverage?: Record<string, unknown>;
  v8Coverage?: V8CoverageEntry[];
  snapshot?: JestSnapshotResult;
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

interface V8ToIstanbul {
  load(): Promise<void>;
  applyCoverage(functions: unknown[]): void;
  toIstanbul(): Record<string, unknown>;
}
type V8ToIstanbulFactory = (
  path: string,
  wrapperLength: number,
  sources: Record<string, unknown>,
) => V8ToIstanbul;

/** Loads a module the running Jest's @jest/reporters depends on (what Jest's own coverage uses). */
function requireFromJestReporters(name: string): unknown {
  const jestBin = process.env['SHARDWISE_JEST_BIN'];
  if (!jestBin) throw new Error('SHARDWISE_JEST_BIN is not set');
  const reporters = createRequire(createRequire(jestBin).resolve('@jest/core')).resolve(
    '@jest/reporters',
  );
  return createRequire(reporters)(name);
}

interface CoverageMapLike {
  toJSON(): Record<string, unknown>;
}

/**
 * Babel coverage maps positions in the transformed code; Jest's CoverageReporter maps them back
 * to the source through each file's `inputSourceMap` before reporting. The same is done here,
 * per test file, with the istanbul-lib-source-maps Jest uses.
 */
async function sourceMapped(coverage: Record<string, unknown>): Promise<Record<string, unknown>> {
  const libCoverage = requireFromJestReporters('istanbul-lib-coverage') as {
    createCoverageMap(data: Record<string, unknown>): CoverageMapLike;
  };
  const libSourceMaps = requireFromJestReporters('istanbul-lib-source-maps') as {
    createSourceMapStore(): { transformCoverage(map: CoverageMapLike): Promise<CoverageMapLike> };
  };
  const map = await libSourceMaps
    .createSourceMapStore()
    .transformCoverage(libCoverage.createCoverageMap(coverage));
  return map.toJSON();
}

/** The v8-to-istanbul of the running Jest's @jest/reporters. */
function loadV8ToIstanbul(): V8ToIstanbulFactory {
  const loaded = requireFromJestReporters('v8-to-istanbul') as
    V8ToIstanbulFactory | { default: V8ToIstanbulFactory };
  return typeof loaded === 'function' ? loaded : loaded.default;
}

/** One test file's V8 coverage as istanbul JSON, converted as Jest's CoverageReporter does. */
async function v8ToIstanbul(entries: V8CoverageEntry[]): Promise<Record<string, unknown>> {
  const create = loadV8ToIstanbul();
  const out: Record<string, unknown> = {};
  for (const { codeTransformResult: transform, result } of entries) {
    let sourceMap: Record<string, unknown> | undefined;
    if (transform?.sourceMapPath && existsSync(transform.sourceMapPath)) {
      sourceMap = JSON.parse(readFileSync(transform.sourceMapPath, 'utf8')) as Record<
        string,
        unknown
      >;
    }
    const converter = create(
      result.url,
      0,
      transform && sourceMap
        ? {
            originalSource: transform.originalCode,
            source: transform.code,
            sourceMap: { sourcemap: { file: result.url, ...sourceMap } },
          }
        : { source: readFileSync(result.url, 'utf8') },
    );
    await converter.load();
    converter.applyCoverage(result.functions);
    Object.assign(out, converter.toIstanbul());
  }
  return out;
}

async function artifactOf(result: JestTestResult): Promise<Record<string, unknown>> {
  const snapshot = result.snapshot;
  const coverage =
    process.env['SHARDWISE_COVERAGE'] !== '1'
      ? undefined
      : result.v8Coverage !== undefined && result.v8Coverage.length > 0
        ? await v8ToIstanbul(result.v8Coverage)
        : await sourceMapped(result.coverage ?? {});
  return {
    path: result.testFilePath,
    ...(coverage === undefined ? {} : { coverage }),
    ...(snapshot === undefined
      ? {}
      : {
          snapshots: {
            obsolete: snapshot.unchecked,
            obsoleteKeys: snapshot.uncheckedKeys,
          },
        }),
  };
}

/** Written aside and renamed: a kill never leaves half an artifact. */
function writeArtifact(dir: string, artifact: Record<string, unknown>, testPath: string): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha1').update(testPath).digest('hex')}.json`);
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(artifact));
  renameSync(partial, file);
}

class ShardwiseJestReporter {
  private readonly resultsFile: string;
  private readonly artifactsDir: string | undefined;

  constructor() {
    const resultsFile = process.env['SHARDWISE_RESULTS_FILE'];
    if (!resultsFile) throw new Error('SHARDWISE_RESULTS_FILE is not set');
    this.resultsFile = resultsFile;
    this.artifactsDir = process.env['SHARDWISE_ARTIFACTS_DIR'] || undefined;
  }

  async onTestFileResult(_test: unknown, result: JestTestResult): Promise<void> {
    if (this.artifactsDir !== undefined) {
      writeArtifact(this.artifactsDir, await artifactOf(result), result.testFilePath);
    }
    appendFileSync(this.resultsFile, `${JSON.stringify(toResultLine(result))}\n`);
  }
}

export = ShardwiseJestReporter;
