/**
 * The baseline for `shardwise bench`: each runner's own default invocation over the same files,
 * as a user would type it in the project folder — `jest <files>`, `vitest run <files>`,
 * `node --test <files>`, or the configured command — with the runner's own default parallelism.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ShardwiseError } from '../errors';
import type { RunnerKind } from '../run/scheduler';

export interface StandardCommand {
  command: string;
  args: string[];
  cwd: string;
  shell: boolean;
  /** How it is shown in the benchmark's output. */
  display: string;
}

function resolveBin(projectDir: string, packageName: string, binPath: string): string {
  try {
    const manifest = createRequire(join(projectDir, 'package.json')).resolve(
      `${packageName}/package.json`,
    );
    return join(dirname(manifest), binPath);
  } catch (cause) {
    throw new ShardwiseError(
      'SHARDWISE_RUNNER_NOT_FOUND',
      `${packageName} is not installed for ${projectDir}`,
      { cause },
    );
  }
}

function quote(arg: string): string {
  return /^[\w./@:=,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

export function standardCommand(
  runner: RunnerKind,
  workspaceRoot: string,
  projectRoot: string,
  files: readonly string[],
  configuredCommand: string | undefined,
): StandardCommand {
  const cwd = join(workspaceRoot, projectRoot);
  const absolute = files.map((f) => join(workspaceRoot, f));
  const relative = files.map((f) => (projectRoot === '' ? f : f.slice(projectRoot.length + 1)));
  switch (runner) {
    case 'jest':
      return {
        command: process.execPath,
        args: [resolveBin(cwd, 'jest', 'bin/jest.js'), '--ci', '--runTestsByPath', ...absolute],
        cwd,
        shell: false,
        display: `jest --ci --runTestsByPath <${files.length} files>`,
      };
    case 'vitest':
      return {
        command: process.execPath,
        args: [resolveBin(cwd, 'vitest', 'vitest.mjs'), 'run', ...relative],
        cwd,
        shell: false,
        display: `vitest run <${files.length} files>`,
      };
    case 'node':
      return {
        command: process.execPath,
        args: ['--test', ...absolute],
        cwd,
        shell: false,
        display: `node --test <${files.length} files>`,
      };
    case 'command': {
      if (configuredCommand === undefined)
        throw new ShardwiseError('SHARDWISE_USAGE', 'a command runner needs its command');
      const command = configuredCommand
        .replaceAll('{files}', absolute.map(quote).join(' '))
        .replaceAll('{junit}', '/dev/null');
      return { command, args: [], cwd, shell: true, display: configuredCommand };
    }
  }
}
