/**
 * `shardwise watch`: reruns, on each save, exactly the test files whose closure holds the saved
 * file, on one warm slot pool; `a` runs all, `f` runs failed, `q` quits. Progress and summaries go
 * to stderr; `--json` prints one JSON object per watch event on stdout (for scripts and tests).
 */
import { ownsTerminal } from '../api/output-mode';
import { loadConfig } from '../config/load-config';
import { UsageError } from '../errors';
import { LiveProgress, progressHooks } from '../report/live-progress';
import { formatRunSummary } from '../report/terminal-summary';
import { withResourceLines } from '../run/resources/bottleneck';
import type { RunFlags } from '../run/run-tests';
import type { SchedulerEvent } from '../run/scheduler';
import { listenForKeys, type WatchKey } from '../watch/watch-keys';
import { WatchSession, type WatchEvent } from '../watch/watch-session';

export interface WatchCommandOptions {
  cwd: string;
  configFile: string | undefined;
  project: string | undefined;
  category: string | undefined;
  flags: RunFlags;
  debounceMs: number;
  json: boolean;
  verbose: boolean;
  argv: string[];
  /** Default: process.stdin. */
  input?: NodeJS.ReadStream;
}

export const DEFAULT_DEBOUNCE_MS = 200;

export function parseDebounce(raw: unknown): number {
  if (raw === undefined) return DEFAULT_DEBOUNCE_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 60_000)
    throw new UsageError(`--debounce: expected milliseconds from 0 to 60000, got ${String(raw)}`);
  return value;
}

const HELP = 'press a to run all, f to run failed, q to quit';

function describeEvent(event: WatchEvent): string | undefined {
  switch (event.type) {
    case 'ready':
      return `watching ${event.testFiles} test file(s) in ${event.watchedFolders} folder(s)${event.failed.length > 0 ? ` · ${event.failed.length} failed last time` : ''} · ${HELP}`;
    case 'plan-refreshed':
      return event.added.length + event.removed.length > 0
        ? `plan refreshed in ${event.ms}ms: ${event.added.length} new, ${event.removed.length} removed file(s)`
        : undefined;
    case 'run-start': {
      const why = event.triggers
        .map((t) => (t === 'change' ? `saved ${event.changed.slice(0, 3).join(', ')}` : t))
        .join(' + ');
      return `\n── ${why} → ${event.files.length} test file(s)`;
    }
    case 'nothing-to-run':
      return event.triggers.includes('failed') && event.changed.length === 0
        ? 'no failed test files to run'
        : `saved ${event.changed.slice(0, 3).join(', ')}: no test file reaches it`;
    case 'run-end':
      return `${withResourceLines(formatRunSummary(event.report, event.reportDir), event.report)}\n${HELP}`;
    case 'error':
      return `watch: ${event.message}`;
  }
}

function fileLine(event: SchedulerEvent): string | undefined {
  if (event.type !== 'file-done') return undefined;
  const o = event.outcome;
  const ms =
    o.durationMs >= 1000 ? `${(o.durationMs / 1000).toFixed(1)}s` : `${Math.round(o.durationMs)}ms`;
  return `${o.status.toUpperCase().padEnd(7)} ${o.file.path} ${o.status === 'notRun' ? `(${o.reason ?? ''})` : ms}`;
}

export async function runWatch(options: WatchCommandOptions): Promise<number> {
  const { config } = loadConfig({ workspaceRoot: options.cwd, configFile: options.configFile });
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  const session = new WatchSession({
    workspaceRoot: options.cwd,
    config,
    flags: options.flags,
    project: options.project,
    category: options.category,
    debounceMs: options.debounceMs,
    argv: options.argv,
    onEvent: (event) => {
      const line = describeEvent(event);
      if (line !== undefined) stderr(line);
      if (options.json) {
        // The whole report stays in its folder; the line carries the files and the summary.
        const line = event.type === 'run-end' ? { ...event, report: undefined } : event;
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
    },
    // The live view on a terminal Shardwise owns; elsewhere a line per finished file.
    runCallbacks: () => {
      if (!ownsTerminal(process.stderr))
        return {
          onEvent: (event) => {
            const line = fileLine(event);
            if (line !== undefined) stderr(line);
          },
          ...(options.verbose ? { log: stderr } : {}),
        };
      const progress = new LiveProgress({ stream: process.stderr, mode: 'live', verbose: true });
      return {
        ...progressHooks(progress),
        ...(options.verbose ? { log: (line: string) => progress.log(line) } : {}),
        done: () => progress.stop(),
      };
    },
  });

  let stopKeys: () => void = () => undefined;
  const onKey = (key: WatchKey) => {
    if (key === 'quit') void session.quit();
    else session.request(key === 'all' ? 'all' : 'failed');
  };
  const onSignal = () => void session.quit();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await session.start();
    stopKeys = listenForKeys(options.input ?? process.stdin, onKey);
    await session.done;
  } finally {
    stopKeys();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session.quit();
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ type: 'exit' })}\n`);
  return 0;
}
