/** Shared pieces of the benchmark scripts: timing child processes, medians, BENCHMARKS.md. */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');

export interface ProcessMeasurement {
  wallMs: number;
  /** user + system CPU of the child, from its own resource usage. */
  cpuMs: number;
  peakRssMb: number;
  /** Peak of the summed RSS of the whole process tree, sampled every 100 ms from /proc. */
  peakTreeRssMb: number;
  exitCode: number;
  stdout: string;
  /** stdout and stderr in arrival order. */
  output: string;
}

/**
 * Runs `node <script> <args>` through a small wrapper that reports the child's own resource
 * usage when it exits, so CPU time and peak memory are the child's, not the harness's. The
 * child's output is kept for callers that read it (Nx prints its task statuses on stdout).
 */
/** Summed RSS (MB) of `root` and all its descendants, read from /proc (0 elsewhere). */
export function treeRssMb(root: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  const children = new Map<number, number[]>();
  const rssPages = new Map<number, number>();
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: state, ppid, …; RSS in pages is field 24 overall.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      rssPages.set(pid, Number(fields[21]) || 0);
      const list = children.get(ppid);
      if (list === undefined) children.set(ppid, [pid]);
      else list.push(pid);
    } catch {
      // Exited while we looked.
    }
  }
  let pages = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    pages += rssPages.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return (pages * 4096) / (1024 * 1024);
}

export function measureNode(
  script: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessMeasurement> {
  const wrapper = join(__dirname, 'measure-child.js');
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [wrapper, script, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    let peakTreeRssMb = 0;
    const sampler = setInterval(() => {
      if (child.pid !== undefined) peakTreeRssMb = Math.max(peakTreeRssMb, treeRssMb(child.pid));
    }, 100);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.on('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      const marker = stderr.lastIndexOf('@@measure ');
      if (marker === -1) {
        reject(
          new Error(`no measurement from ${script} ${args.join(' ')}: ${output.slice(-3000)}`),
        );
        return;
      }
      const usage = JSON.parse(stderr.slice(marker + 10).split('\n')[0] ?? '{}') as {
        cpuMs: number;
        peakRssMb: number;
      };
      resolvePromise({
        wallMs,
        cpuMs: usage.cpuMs,
        peakRssMb: usage.peakRssMb,
        peakTreeRssMb: Math.round(peakTreeRssMb),
        exitCode: code ?? 1,
        stdout,
        output,
      });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

/** Replaces the block between `<!-- bench:<name>:start -->` and its end marker (or appends it). */
export function writeBenchmarkSection(name: string, markdown: string): void {
  const file = join(repoRoot, 'BENCHMARKS.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from !== -1 && to !== -1
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  // Keep the file as `npm test`'s format check wants it.
  spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules/prettier/bin/prettier.cjs'), '--write', file],
    { stdio: 'ignore' },
  );
}

export function writeResultJson(name: string, data: unknown): string {
  const file = join(repoRoot, 'tools', 'results', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** Runs a benchmark's main function; a failure prints its stack and sets exit code 1. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}

/** The generated workspace's figures every benchmark section states. */
export function workspaceFigures(
  size: string,
  summary: { projects: number; sourceFiles: number; testFiles: number; files: number },
): { size: string; projects: number; sourceFiles: number; testFiles: number; files: number } {
  return {
    size,
    projects: summary.projects,
    sourceFiles: summary.sourceFiles,
    testFiles: summary.testFiles,
    files: summary.files,
  };
}

/**
 * The report.json of the last Shardwise run written to `reportDir` (its `latest` pointer names
 * the run), or undefined when there is none or it does not parse.
 */
export function readLatestReport<T>(reportDir: string): T | undefined {
  try {
    const runId = readFileSync(join(reportDir, 'latest'), 'utf8').trim();
    return JSON.parse(readFileSync(join(reportDir, runId, 'report.json'), 'utf8')) as T;
  } catch {
    return undefined;
  }
}
