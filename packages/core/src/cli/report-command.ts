/**
 * `shardwise report`: the HTML report of the last run (`--open` opens it), `--history` trends per
 * category with the time saved, `--recommend` advice from the recorded runs, and `--merge <dirs…>`
 * shard reports merged into one run (JSON, JUnit and HTML).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { planWorkspace, type WorkspacePlan } from '../api/plan-workspace';
import { loadConfig } from '../config/load-config';
import type { ShardwiseConfig } from '../config/schema';
import { UsageError } from '../errors';
import { estimateCost, formatSavings, savingsOf } from '../history/business-metrics';
import { formatRecommendations } from '../history/recommendations';
import { RunHistory } from '../history/run-history';
import { computeTrends, formatTrends } from '../history/trends';
import { renderHtmlReport } from '../report/html-report';
import {
  mergeRunReports,
  readReportJson,
  readShardReports,
  type MergeStep,
} from '../report/merge-reports';
import { htmlContextFor, recommendationsFor } from '../report/report-insights';
import { formatRunSummary } from '../report/terminal-summary';
import { writeRunReport } from '../report/write-report';
import { newRunId } from '../run/run-tests';
import { coverageMergeStep } from '../test-coverage/merge-step';
import { writeFileAtomic } from '../util/atomic-write';

export interface ReportFlags {
  open: boolean;
  history: boolean;
  recommend: boolean;
  merge: boolean;
  json: boolean;
  reportDir: string | undefined;
  cacheDir: string | undefined;
}

export interface ReportCommandOptions extends ReportFlags {
  cwd: string;
  configFile: string | undefined;
  /** Report folders to merge (with --merge). */
  dirs: string[];
  /** Extra work on a merged report (coverage merging plugs in here). */
  mergeSteps?: readonly MergeStep[];
}

/**
 * Steps every `report --merge` runs after writing the merged report, in order. Other areas add
 * theirs here (e.g. merging the shards' coverage into the merged run's folder).
 */
export const MERGE_STEPS: MergeStep[] = [coverageMergeStep];

export function parseReportFlags(options: Record<string, unknown>): ReportFlags {
  return {
    open: options['open'] === true,
    history: options['history'] === true,
    recommend: options['recommend'] === true,
    merge: options['merge'] === true,
    json: options['json'] === true,
    reportDir: typeof options['reportDir'] === 'string' ? options['reportDir'] : undefined,
    cacheDir: typeof options['cacheDir'] === 'string' ? options['cacheDir'] : undefined,
  };
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** The plan, for the widest closures; a workspace that cannot be planned just loses that advice. */
async function tryPlan(cwd: string, config: ShardwiseConfig): Promise<WorkspacePlan | undefined> {
  try {
    return await planWorkspace({ workspaceRoot: cwd, config });
  } catch (error) {
    process.stderr.write(
      `shardwise: widest closures left out, the workspace could not be planned: ${(error as Error).message}\n`,
    );
    return undefined;
  }
}

/** The run folder `<reportDir>/latest` points at. */
export function latestRunDir(reportDir: string): string {
  const pointer = join(reportDir, 'latest');
  if (!existsSync(pointer))
    throw new UsageError(
      `no run report in ${reportDir} (no "latest" pointer): run \`shardwise run\` first, or pass --report-dir`,
    );
  const runId = readFileSync(pointer, 'utf8').trim();
  const dir = join(reportDir, runId);
  if (!/^[\w.-]+$/.test(runId) || !existsSync(join(dir, 'report.json')))
    throw new UsageError(`${pointer} names "${runId}", which has no report.json`);
  return dir;
}

function onPath(command: string): boolean {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // Not in this folder.
    }
  }
  return false;
}

/** The desktop's opener, when there is one: none on a headless Linux (CI, a container). */
export function findOpener(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  has: (command: string) => boolean = onPath,
): string | undefined {
  if (platform === 'darwin') return has('open') ? 'open' : undefined;
  if (platform === 'win32') return undefined;
  if (env['DISPLAY'] === undefined && env['WAYLAND_DISPLAY'] === undefined) return undefined;
  return has('xdg-open') ? 'xdg-open' : undefined;
}

function openFile(path: string): void {
  const opener = findOpener();
  if (opener === undefined) {
    process.stderr.write(`no desktop opener (xdg-open/open) here; open ${path} in a browser\n`);
    return;
  }
  const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
  child.on('error', (error) =>
    process.stderr.write(`${opener} failed (${error.message}); open ${path} in a browser\n`),
  );
  child.unref();
}

export async function runReport(options: ReportCommandOptions): Promise<number> {
  const { config } = loadConfig({ workspaceRoot: options.cwd, configFile: options.configFile });
  const resolvePath = (p: string) => (isAbsolute(p) ? p : join(options.cwd, p));
  const reportDir = resolvePath(options.reportDir ?? config.reportDir);
  const history = new RunHistory(resolvePath(options.cacheDir ?? config.cacheDir)).read();
  if (history.skippedLines > 0)
    process.stderr.write(
      `shardwise: skipped ${history.skippedLines} corrupt line(s) of the run history\n`,
    );

  if (options.merge) {
    if (options.dirs.length === 0)
      throw new UsageError('report --merge: expected the report folders to merge');
    const sources = readShardReports(options.dirs.map(resolvePath));
    const merged = mergeRunReports(sources, `merged-${newRunId()}`);
    const plan = await tryPlan(options.cwd, config);
    const written = writeRunReport(reportDir, merged, new Map(), (r) =>
      renderHtmlReport(r, htmlContextFor({ report: r, history, config, plan })),
    );
    for (const step of [...MERGE_STEPS, ...(options.mergeSteps ?? [])])
      await step({ sources, merged, outDir: written.dir });
    process.stderr.write(`${formatRunSummary(merged, written.dir)}\n`);
    if (options.json) print(JSON.stringify(merged, null, 2));
    else print(written.html ?? written.json);
    if (options.open && written.html !== undefined) openFile(written.html);
    return 0;
  }

  if (options.history || options.recommend) {
    const plan = options.recommend ? await tryPlan(options.cwd, config) : undefined;
    const recommendations = options.recommend
      ? recommendationsFor({ history, config, plan })
      : undefined;
    const savings = savingsOf(history.runs);
    const cost = estimateCost(savings, config.costs);
    if (options.json) {
      print(
        JSON.stringify(
          {
            ...(options.history ? { trends: computeTrends(history.runs), savings, cost } : {}),
            ...(recommendations === undefined ? {} : { recommendations }),
            skippedHistoryLines: history.skippedLines,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const parts: string[] = [];
    if (options.history)
      parts.push(
        formatTrends(computeTrends(history.runs)),
        '',
        formatSavings('Time saved, all recorded runs (estimate)', savings, cost),
      );
    if (recommendations !== undefined)
      parts.push(...(parts.length > 0 ? [''] : []), formatRecommendations(recommendations));
    print(parts.join('\n'));
    return 0;
  }

  const runDir = latestRunDir(reportDir);
  const report = readReportJson(join(runDir, 'report.json'));
  const plan = await tryPlan(options.cwd, config);
  const html = join(runDir, 'report.html');
  writeFileAtomic(
    html,
    renderHtmlReport(report, htmlContextFor({ report, history, config, plan })),
  );
  print(html);
  if (options.open) openFile(html);
  return 0;
}
