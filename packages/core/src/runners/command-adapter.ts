/**
 * The generic runner: any command that runs the files it is given and writes JUnit XML, such as
 * `pytest {files} --junitxml={junit}`. `{files}` becomes the batch's absolute paths, shell-quoted
 * (absolute so the command may change directory or take paths relative to anything); `{junit}`
 * becomes a file in the batch's output folder. Pass-through arguments go at the end. The command
 * runs through the shell from the project root.
 *
 * Test cases are tied to files by their `file` attribute (pytest's xunit1, jest-junit), else by a
 * `classname` that is a path (Vitest) or a dotted module path (pytest's default xunit2:
 * `tests.test_x.TestClass`). A test case with no classname named after a module is the module
 * itself: pytest reports a file that failed to import that way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { absoluteFiles, projectRootPath } from './batch-files';
import { parseJUnitXml, type JUnitTestCase } from './junit';
import { fileStatus } from './result-lines';
import type {
  BatchInput,
  ChildOutcome,
  FileRunResult,
  RunnerAdapter,
  RunnerInvocation,
  TestCaseResult,
  TestFailure,
} from './types';

const JUNIT_FILE = 'junit.xml';

/** Quotes one argument for the shell that `shell: true` starts (sh, or cmd.exe on Windows). */
export function shellQuote(argument: string): string {
  if (process.platform === 'win32') return `"${argument}"`;
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

interface BatchFile {
  /** Workspace-relative. */
  path: string;
  absolute: string;
  /** The path without its extension, dotted: `tests/test_x.py` → `tests.test_x`. */
  module: string;
}

interface Placement {
  file: BatchFile;
  /** Classname segments below the module (classes), part of the test's name. */
  scope: string[];
}

function batchFilesOf(input: BatchInput): BatchFile[] {
  const absolute = absoluteFiles(input);
  return input.files.map((path, index) => ({
    path,
    absolute: resolve(absolute[index] ?? path),
    module: path.replace(/\.[^./]+$/, '').replaceAll('/', '.'),
  }));
}

function fileByPath(
  reported: string,
  files: readonly BatchFile[],
  roots: readonly string[],
): BatchFile | undefined {
  if (reported === '') return undefined;
  const normalized = reported.replaceAll('\\', '/');
  const candidates = isAbsolute(normalized)
    ? [resolve(normalized)]
    : roots.map((root) => resolve(root, normalized));
  return (
    files.find((file) => candidates.includes(file.absolute)) ??
    // Relative to some other folder (pytest's rootdir): the longest path suffix decides.
    files.find((file) => file.path === normalized || file.path.endsWith(`/${normalized}`))
  );
}

/** The longest leading part of `dotted` that names one of the files' modules. */
function fileByModule(dotted: string, files: readonly BatchFile[]): Placement | undefined {
  const segments = dotted.split('.');
  for (let length = segments.length; length > 0; length--) {
    const module = segments.slice(0, length).join('.');
    const file = files.find((f) => f.module === module || f.module.endsWith(`.${module}`));
    if (file !== undefined) return { file, scope: segments.slice(length) };
  }
  return undefined;
}

function placeTestCase(
  testCase: JUnitTestCase,
  files: readonly BatchFile[],
  roots: readonly string[],
): Placement | undefined {
  const byModule = fileByModule(testCase.classname, files);
  const file =
    (testCase.file === undefined ? undefined : fileByPath(testCase.file, files, roots)) ??
    fileByPath(testCase.classname, files, roots) ??
    byModule?.file;
  if (file === undefined) return undefined;
  return { file, scope: byModule?.file === file ? byModule.scope : [] };
}

/** A test case that stands for a whole file (no classname, named after the file or module). */
function placeFileCase(
  testCase: JUnitTestCase,
  files: readonly BatchFile[],
  roots: readonly string[],
): BatchFile | undefined {
  if (testCase.classname !== '') return undefined;
  const byModule = fileByModule(testCase.name, files);
  return (
    fileByPath(testCase.name, files, roots) ??
    (byModule?.scope.length === 0 ? byModule.file : undefined)
  );
}

interface FileAccumulator {
  tests: TestCaseResult[];
  error: TestFailure | undefined;
  durationMs: number;
}

export function readJUnitResults(
  input: BatchInput,
  junitFile: string,
  outcome: ChildOutcome | undefined,
): FileRunResult[] {
  const xml = existsSync(junitFile) ? readFileSync(junitFile, 'utf8') : '';
  // No report (the command died first) or an empty one: no file has a result.
  const testCases = xml.trim() === '' ? [] : parseJUnitXml(xml, junitFile);
  const files = batchFilesOf(input);
  const roots = [projectRootPath(input), resolve(input.workspaceRoot)];
  const byPath = new Map<string, FileAccumulator>();
  const accumulatorOf = (file: BatchFile) => {
    let accumulator = byPath.get(file.path);
    if (accumulator === undefined) {
      accumulator = { tests: [], error: undefined, durationMs: 0 };
      byPath.set(file.path, accumulator);
    }
    return accumulator;
  };

  for (const testCase of testCases) {
    const wholeFile = placeFileCase(testCase, files, roots);
    if (wholeFile !== undefined) {
      const accumulator = accumulatorOf(wholeFile);
      if (testCase.status === 'failed') accumulator.error ??= testCase.failure;
      accumulator.durationMs += testCase.durationMs;
      continue;
    }
    const placement = placeTestCase(testCase, files, roots);
    if (placement === undefined) continue;
    const accumulator = accumulatorOf(placement.file);
    accumulator.tests.push({
      name: [...placement.scope, testCase.name].join(' > '),
      status: testCase.status,
      durationMs: testCase.durationMs,
      failure: testCase.failure,
    });
    accumulator.durationMs += testCase.durationMs;
  }

  return files.flatMap((file): FileRunResult[] => {
    const accumulator = byPath.get(file.path);
    if (accumulator === undefined) {
      // Not in the report: the command ran it and found no test only if it succeeded and wrote
      // a report. Exit 0 without one (a command that ignores {junit}) reports nothing, so the
      // file fails as unreported instead of passing as skipped.
      return outcome?.exitCode === 0 && xml.trim() !== ''
        ? [{ path: file.path, status: 'skipped', durationMs: 0, tests: [], error: undefined }]
        : [];
    }
    return [
      {
        path: file.path,
        status: fileStatus(accumulator.tests, accumulator.error),
        durationMs: accumulator.durationMs,
        tests: accumulator.tests,
        error: accumulator.error,
      },
    ];
  });
}

export const commandAdapter: RunnerAdapter = {
  name: 'command',

  invocation(input: BatchInput): RunnerInvocation {
    const { command } = input;
    if (command === undefined || !command.includes('{files}') || !command.includes('{junit}')) {
      throw new ConfigError(
        `The command runner needs a command with {files} and {junit}, such as ` +
          `"pytest {files} --junitxml={junit}"; got ${JSON.stringify(command ?? '')}`,
      );
    }
    const junitFile = join(input.outputDir, JUNIT_FILE);
    const files = absoluteFiles(input).map(shellQuote).join(' ');
    return {
      command: [
        command.replaceAll('{files}', files).replaceAll('{junit}', shellQuote(junitFile)),
        ...input.passThrough.map(shellQuote),
      ].join(' '),
      args: [],
      cwd: projectRootPath(input),
      // There is no common flag for updating snapshots; a command can read this instead.
      env: { SHARDWISE_UPDATE_SNAPSHOTS: input.updateSnapshots ? '1' : '0' },
      shell: true,
    };
  },

  collect(input: BatchInput, outcome?: ChildOutcome) {
    return readJUnitResults(input, join(input.outputDir, JUNIT_FILE), outcome);
  },
};
