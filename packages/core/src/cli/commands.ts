/** The CLI's commands: each loads the config, calls the engine and prints. */
import si from 'systeminformation';
import { affected, plan } from '../api/shardwise-api';
import { CLI_PATH, compareRuns, formatBench } from '../bench/compare-runs';
import { planWorkspace, type WorkspacePlan } from '../api/plan-workspace';
import { loadConfig } from '../config/load-config';
import { UsageError } from '../errors';
import { suggestShardCount, type ShardSuggestion } from '../plan/suggest-shards';
import { estimateDurationMs, writeTimings, TIMINGS_FILE } from '../plan/timings';
import { formatPlan, planToJson } from './format-plan';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { TimingHistory } from '../cache/timing-history';

interface CommonOptions {
  cwd: string;
  configFile: string | undefined;
}

function loadPlan(options: CommonOptions): Promise<WorkspacePlan> {
  return plan({ workspaceRoot: options.cwd, configFile: options.configFile });
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export async function runPlan(
  options: CommonOptions & { category: string | undefined; suggest: boolean; json: boolean },
): Promise<number> {
  const plan = await loadPlan(options);
  if (
    options.category !== undefined &&
    !plan.config.categories.some((c) => c.name === options.category)
  ) {
    throw new UsageError(
      `plan: unknown category "${options.category}"; configured: ${plan.config.categories.map((c) => c.name).join(', ')}`,
    );
  }
  let suggestions: Map<string, ShardSuggestion> | undefined;
  if (options.suggest) {
    const cpu = await si.cpu();
    const cores = Math.max(1, cpu.cores);
    suggestions = new Map();
    for (const project of plan.projects) {
      for (const category of project.categories) {
        suggestions.set(
          `${project.name}:${category.name}`,
          suggestShardCount(category.config, category.estimatedMs, cores),
        );
      }
    }
  }
  if (options.json) print(JSON.stringify(planToJson(plan, suggestions), null, 2));
  else print(formatPlan(plan, { category: options.category, suggestions }));
  return 0;
}

export async function runAffected(
  options: CommonOptions & { base: string | undefined; files: string[] | undefined; json: boolean },
): Promise<number> {
  const { changed, affected: tests } = await affected({
    workspaceRoot: options.cwd,
    configFile: options.configFile,
    files: options.files,
    base: options.base ?? 'HEAD',
  });
  if (options.json) {
    print(JSON.stringify({ schemaVersion: 1, changed, affected: tests }, null, 2));
  } else {
    process.stderr.write(
      `${changed.length} changed file(s); ${tests.length} affected test file(s)\n`,
    );
    for (const test of tests)
      print(
        `${test.path}\t${test.project}:${test.category} shard ${test.shard}\t← ${test.because.slice(0, 3).join(', ')}`,
      );
  }
  return 0;
}

/**
 * Writes the committed timings file from, in order of preference: the local history of runs
 * (measured), the committed value, an estimate. Files that no longer exist are dropped.
 */
export async function runTimingsUpdate(options: CommonOptions): Promise<number> {
  const plan = await loadPlan(options);
  const cacheDir = isAbsolute(plan.config.cacheDir)
    ? plan.config.cacheDir
    : join(options.cwd, plan.config.cacheDir);
  const history = new TimingHistory(cacheDir).read();
  const timings = new Map<string, number>();
  const counts = { measured: 0, kept: 0, estimated: 0 };
  for (const project of plan.projects) {
    for (const category of project.categories) {
      for (const shard of category.shards) {
        for (const file of shard.files) {
          const measured = history.get(file.path);
          const committed = plan.timings.get(file.path);
          if (measured !== undefined && measured.runs > 0) {
            timings.set(file.path, measured.durationMs);
            counts.measured++;
          } else if (committed !== undefined) {
            timings.set(file.path, committed);
            counts.kept++;
          } else {
            timings.set(
              file.path,
              estimateDurationMs(readFileSync(join(options.cwd, file.path), 'utf8')),
            );
            counts.estimated++;
          }
        }
      }
    }
  }
  const dropped = [...plan.timings.keys()].filter((path) => !timings.has(path)).length;
  writeTimings(options.cwd, timings);
  process.stderr.write(
    `Wrote ${TIMINGS_FILE}: ${timings.size} files (${counts.measured} measured, ${counts.kept} kept, ${counts.estimated} estimated; ${dropped} stale entries dropped)\n`,
  );
  return 0;
}

export async function runBench(
  options: CommonOptions & {
    category: string;
    project: string | undefined;
    rounds: number;
    json: boolean;
  },
): Promise<number> {
  const { config } = loadConfig({ workspaceRoot: options.cwd, configFile: options.configFile });
  const plan = await planWorkspace({ workspaceRoot: options.cwd, config });
  const result = await compareRuns({
    workspaceRoot: options.cwd,
    config,
    plan,
    selection: { category: options.category, project: options.project },
    rounds: options.rounds,
    cliPath: CLI_PATH,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (options.json) print(JSON.stringify(result, null, 2));
  else print(formatBench(result));
  return 0;
}
