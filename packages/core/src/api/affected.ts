/**
 * Which test files a set of changed files can affect: every test whose closure holds a changed
 * file, plus the tests of a project whose shared inputs (runner config, setup, tsconfig chain) or
 * non-code inputs changed, plus wide tests of any project with a change. Errs on the side of
 * more: a test that could have changed its result is always listed.
 */
import { CONFIG_FILE_NAME } from '../config/load-config';
import { compileGlobs } from '../discovery/categorize';
import { CODE_FILE } from '../graph/parse-imports';
import { TIMINGS_FILE } from '../plan/timings';
import { isInside, relativeTo } from '../util/paths';
import type { WorkspacePlan } from './plan-workspace';

export interface AffectedTest {
  path: string;
  project: string;
  category: string;
  shard: number;
  /** The changed files (or rule) that make it affected; the first few. */
  because: string[];
}

const LOCKFILES = new Set([
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
]);
const WORKSPACE_CONFIG = new Set(['nx.json', CONFIG_FILE_NAME, TIMINGS_FILE]);

export function findAffectedTests(
  plan: WorkspacePlan,
  changedFiles: readonly string[],
): AffectedTest[] {
  const changed = new Set(changedFiles);
  const reverse = new Map<string, string[]>();
  for (const node of plan.graph.nodes.values()) {
    for (const dep of node.deps) {
      let importers = reverse.get(dep);
      if (importers === undefined) reverse.set(dep, (importers = []));
      importers.push(node.path);
    }
  }
  // Walk importers from each changed file; remember one changed file that reaches each node.
  const reachedBy = new Map<string, string>();
  for (const file of [...changed].sort()) {
    if (!plan.graph.nodes.has(file) || reachedBy.has(file)) continue;
    reachedBy.set(file, file);
    const queue = [file];
    while (queue.length > 0) {
      const path = queue.pop()!;
      for (const importer of reverse.get(path) ?? []) {
        if (!reachedBy.has(importer)) {
          reachedBy.set(importer, file);
          queue.push(importer);
        }
      }
    }
  }
  const everything = [...changed].find((f) => WORKSPACE_CONFIG.has(f));
  const lockfile = [...changed].find((f) => LOCKFILES.has(f));

  const affected: AffectedTest[] = [];
  for (const project of plan.projects) {
    const inProject = [...changed].filter((f) => isInside(f, project.root));
    const sharedChange = project.sharedInputs.find((f) => changed.has(f) || reachedBy.has(f));
    for (const category of project.categories) {
      const narrow =
        category.config.inputs === undefined ? undefined : compileGlobs(category.config.inputs);
      const nonCodeChange = inProject.find(
        (f) => !CODE_FILE.test(f) && (narrow === undefined || narrow(relativeTo(f, project.root))),
      );
      for (const shard of category.shards) {
        for (const file of shard.files) {
          const because: string[] = [];
          const viaClosure = reachedBy.get(file.path);
          if (viaClosure !== undefined) because.push(viaClosure);
          if (everything !== undefined) because.push(everything);
          if (sharedChange !== undefined) because.push(sharedChange);
          if (nonCodeChange !== undefined) because.push(nonCodeChange);
          if (file.wideReasons.length > 0 && inProject.length > 0)
            because.push(`${inProject[0]} (wide test)`);
          if (lockfile !== undefined && reachesExternal(plan, file.path)) because.push(lockfile);
          if (because.length > 0) {
            affected.push({
              path: file.path,
              project: project.name,
              category: category.name,
              shard: shard.index,
              because,
            });
          }
        }
      }
    }
  }
  return affected.sort((a, b) => a.path.localeCompare(b.path));
}

function reachesExternal(plan: WorkspacePlan, testFile: string): boolean {
  const seen = new Set([testFile]);
  const queue = [testFile];
  while (queue.length > 0) {
    const node = plan.graph.nodes.get(queue.pop()!);
    if (node === undefined) continue;
    if (node.externals.length > 0) return true;
    for (const dep of node.deps) {
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return false;
}
