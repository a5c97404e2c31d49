/** The CLI's commands: each loads the config, calls the engine and prints. */
import si from 'systeminformation';
import { findAffectedTests } from '../api/affected';
import { planWorkspace, type WorkspacePlan } from '../api/plan-workspace';
import { loadConfig } from '../config/load-config';
import { UsageError } from '../errors';
import { suggestShardCount, type ShardSuggestion } from '../plan/suggest-shards';
import { estimateDurationMs, writeTimings, TIMINGS_FILE } from '../plan/timings';
import { changedFilesSince } from '../vcs/changed-files';
import { formatPlan, planToJson } from './format-plan';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CommonOptions {
  cwd: string;
  configFile: string | undefined;
}

async function loadPlan(options: CommonOptions): Promise<WorkspacePlan> {
  const { config } = loadConfig({ workspaceRoot: options.cwd, configFile: options.configFile });
  return planWorkspace({ workspaceRoot: options.cwd, config });
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
  const changed = options.files ?? changedFilesSince(options.cwd, options.base ?? 'HEAD');
  const plan = await loadPlan(options);
  const affected = findAffectedTests(plan, changed);
  if (options.json) {
    print(JSON.stringify({ schemaVersion: 1, changed, affected }, null, 2));
  } else {
    process.stderr.write(
      `${changed.length} changed file(s); ${affected.length} affected test file(s)\n`,
    );
    for (const test of affected)
      print(
        `${test.path}\t${test.project}:${test.category} shard ${test.shard}\t← ${test.because.slice(0, 3).join(', ')}`,
      );
  }
  return 0;
}

/** Writes the committed timings file: the committed value where there is one, else an estimate. */
export async function runTimingsUpdate(options: CommonOptions): Promise<number> {
  const plan = await loadPlan(options);
  const timings = new Map<string, number>();
  let estimated = 0;
  for (const project of plan.projects) {
    for (const category of project.categories) {
      for (const shard of category.shards) {
        for (const file of shard.files) {
          const committed = plan.timings.get(file.path);
          if (committed !== undefined) timings.set(file.path, committed);
          else {
            timings.set(
              file.path,
              estimateDurationMs(readFileSync(join(options.cwd, file.path), 'utf8')),
            );
            estimated++;
          }
        }
      }
    }
  }
  writeTimings(options.cwd, timings);
  process.stderr.write(
    `Wrote ${TIMINGS_FILE}: ${timings.size} files (${estimated} estimated, ${plan.timings.size - (timings.size - estimated)} stale entries dropped)\n`,
  );
  return 0;
}
