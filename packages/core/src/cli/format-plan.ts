/** Human-readable and JSON renderings of a plan. */
import type { WorkspacePlan } from '../api/plan-workspace';
import type { ShardSuggestion } from '../plan/suggest-shards';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export interface FormatPlanOptions {
  category?: string;
  verbose?: boolean;
  suggestions?: Map<string, ShardSuggestion>;
}

export function formatPlan(plan: WorkspacePlan, options: FormatPlanOptions = {}): string {
  const out: string[] = [];
  const testCount = plan.projects.reduce(
    (n, p) =>
      n +
      p.uncategorized.length +
      p.categories.reduce((m, c) => m + c.shards.reduce((k, s) => k + s.files.length, 0), 0),
    0,
  );
  out.push(`Shardwise plan: ${plan.projects.length} projects with tests, ${testCount} test files`);
  for (const project of plan.projects) {
    out.push('');
    out.push(
      `${project.name} (${project.root || '.'}) · ${project.runner ?? 'runner unknown'}${project.runner ? `@${project.runnerVersion}` : ''} · ${project.runnerReason}`,
    );
    for (const category of project.categories) {
      if (options.category !== undefined && category.name !== options.category) continue;
      const files = category.shards.reduce((n, s) => n + s.files.length, 0);
      const suggestion = options.suggestions?.get(`${project.name}:${category.name}`);
      const suggested =
        suggestion === undefined
          ? ''
          : `  suggest ${suggestion.shards} shard(s) for ${suggestion.targetSeconds}s on ${suggestion.slots} slot(s)`;
      out.push(
        `  ${category.name.padEnd(12)} ${String(category.shards.length).padStart(2)} shard(s) ${String(files).padStart(5)} files  est ${formatDuration(category.estimatedMs).padStart(7)}  balance ${category.balance.toFixed(2)}${suggested}`,
      );
      if (files === 0) continue;
      for (const shard of category.shards) {
        out.push(
          `    shard ${shard.index}: ${shard.files.length} files, est ${formatDuration(shard.estimatedMs)}`,
        );
        for (const file of shard.files) {
          const estimate = `${formatDuration(file.durationMs)}${file.recorded ? '' : '~'}`;
          const wide = file.wideReasons.length > 0 ? '  wide' : '';
          out.push(
            `      ${file.closureHash.slice(0, 12)}  ${estimate.padStart(7)}  ${file.path}${wide}`,
          );
        }
      }
    }
    if (project.uncategorized.length > 0) {
      out.push(
        `  uncategorized (${project.uncategorized.length}): match no category; add a category or widen one`,
      );
      for (const file of project.uncategorized) out.push(`      ${file}`);
    }
  }
  if (plan.wideFiles.length > 0) {
    out.push('');
    out.push(`Wide test files (keyed on their whole project):`);
    for (const wide of plan.wideFiles) out.push(`  ${wide.path}: ${wide.reasons.join('; ')}`);
  }
  if (plan.parseErrors.length > 0) {
    out.push('');
    out.push(
      'Files that do not parse (their tests are affected by every change in their project):',
    );
    for (const error of plan.parseErrors)
      out.push(`  ${error.path}: ${error.message.split('\n')[0]}`);
  }
  const unrecorded = plan.projects.some((p) =>
    p.categories.some((c) => c.shards.some((s) => s.files.some((f) => !f.recorded))),
  );
  out.push('');
  if (unrecorded)
    out.push(
      '~ estimated duration (no committed timing); `shardwise timings update` records them.',
    );
  out.push(
    `Planned in ${formatDuration(plan.stats.ms)}: ${plan.stats.workspaceFiles} workspace files, ${plan.stats.graphFiles} in the import graph, ${plan.stats.parsed} parsed, ${plan.stats.cached} from cache.`,
  );
  return out.join('\n');
}

/** The plan as plain data (no graph): what `plan --json` prints. */
export function planToJson(
  plan: WorkspacePlan,
  suggestions?: Map<string, ShardSuggestion>,
): unknown {
  return {
    schemaVersion: 1,
    projects: plan.projects.map((p) => ({
      name: p.name,
      root: p.root,
      runner: p.runner ?? null,
      runnerVersion: p.runnerVersion,
      sharedInputs: p.sharedInputs,
      categories: p.categories.map((c) => ({
        name: c.name,
        estimatedMs: Math.round(c.estimatedMs),
        balance: Number(c.balance.toFixed(4)),
        suggestedShards: suggestions?.get(`${p.name}:${c.name}`)?.shards ?? null,
        shards: c.shards.map((s) => ({
          index: s.index,
          estimatedMs: Math.round(s.estimatedMs),
          files: s.files.map((f) => ({
            path: f.path,
            estimatedMs: f.durationMs,
            recorded: f.recorded,
            closureHash: f.closureHash,
            wide: f.wideReasons,
          })),
        })),
      })),
      uncategorized: p.uncategorized,
    })),
    wideFiles: plan.wideFiles,
    parseErrors: plan.parseErrors,
    stats: { ...plan.stats, ms: Math.round(plan.stats.ms) },
  };
}
