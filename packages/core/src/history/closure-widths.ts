/**
 * Which source files the most test files reach: a change to one of them re-runs all of those
 * tests. Counted from the plan's import graph, one closure walk per test file.
 */
import type { WorkspacePlan } from '../api/plan-workspace';
import { collectClosure } from '../graph/closure-hash';
import type { ClosureWidth } from './recommendations';

/** Above this many test files the walk costs more than a report should; the list is skipped. */
export const MAX_TEST_FILES_FOR_WIDTHS = 5_000;

export function closureWidths(
  plan: WorkspacePlan,
  limit = 20,
): { widths: ClosureWidth[]; testFiles: number } | undefined {
  const testFiles = new Set<string>();
  for (const project of plan.projects)
    for (const category of project.categories)
      for (const shard of category.shards) for (const file of shard.files) testFiles.add(file.path);
  if (testFiles.size > MAX_TEST_FILES_FOR_WIDTHS) return undefined;
  const dependents = new Map<string, number>();
  for (const test of testFiles) {
    for (const path of collectClosure(plan.graph.nodes, test)) {
      if (testFiles.has(path)) continue;
      dependents.set(path, (dependents.get(path) ?? 0) + 1);
    }
  }
  const widths = [...dependents]
    .map(([path, n]) => ({ path, dependents: n }))
    .sort((a, b) => b.dependents - a.dependents || (a.path < b.path ? -1 : 1))
    .slice(0, limit);
  return { widths, testFiles: testFiles.size };
}
