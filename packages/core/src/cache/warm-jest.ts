/**
 * `shardwise cache warm` for Jest projects: every code file that a Jest project's test closures
 * reach goes through Jest's own ScriptTransformer (in a child process in the project's folder, see
 * warm-jest-child.ts), which fills Jest's cache folder. Vitest has no API that fills a cache on
 * disk ahead of a run (Vite transforms in memory), and node:test does not transform.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkspacePlan } from '../api/plan-workspace';
import { collectClosure } from '../graph/closure-hash';
import { CODE_FILE } from '../graph/parse-imports';
import { resolveProjectJest } from '../runners/jest-adapter';

export interface JestWarmResult {
  project: string;
  files: number;
  transformed: number;
  error: string | undefined;
}

/** Code files of the closures of a project's test files, absolute, outside node_modules. */
export function jestClosureFiles(plan: WorkspacePlan, projectName: string): string[] {
  const project = plan.projects.find((p) => p.name === projectName);
  if (project === undefined) return [];
  const files = new Set<string>();
  for (const category of project.categories)
    for (const shard of category.shards)
      for (const file of shard.files)
        for (const path of collectClosure(plan.graph.nodes, file.path))
          if (CODE_FILE.test(path) && !path.includes('node_modules/')) files.add(path);
  return [...files].sort().map((path) => join(plan.workspaceRoot, path));
}

export async function warmJestTransforms(
  plan: WorkspacePlan,
  log: (line: string) => void = () => undefined,
): Promise<JestWarmResult[]> {
  const child = join(__dirname, 'warm-jest-child.js');
  const results: JestWarmResult[] = [];
  for (const project of plan.projects) {
    if (project.runner !== 'jest') continue;
    const files = jestClosureFiles(plan, project.name);
    const cwd = join(plan.workspaceRoot, project.root);
    if (!existsSync(child)) {
      results.push({
        project: project.name,
        files: files.length,
        transformed: 0,
        error: `${child} is not built`,
      });
      continue;
    }
    const listDir = mkdtempSync(join(tmpdir(), 'shardwise-warm-'));
    try {
      const list = join(listDir, 'files.json');
      writeFileSync(list, JSON.stringify(files));
      log(`Jest ${project.name}: transforming ${files.length} closure file(s)…`);
      const run = spawnSync(process.execPath, [child, list], {
        cwd,
        env: { ...process.env, SHARDWISE_JEST_BIN: resolveProjectJest(cwd) },
        encoding: 'utf8',
        timeout: 10 * 60_000,
      });
      const line = run.stdout.trim().split('\n').pop() ?? '';
      let parsed: { transformed?: unknown; errors?: unknown } = {};
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        // Reported below with the child's stderr.
      }
      const transformed = typeof parsed.transformed === 'number' ? parsed.transformed : 0;
      const errors = Array.isArray(parsed.errors) ? parsed.errors.map(String) : [];
      const error =
        run.status !== 0
          ? `the transform child failed: ${(run.stderr || String(run.error ?? '')).trim().split('\n').slice(-3).join(' ')}`
          : errors.length > 0
            ? `${files.length - transformed} file(s) did not transform, e.g. ${errors[0]}`
            : undefined;
      results.push({ project: project.name, files: files.length, transformed, error });
    } finally {
      rmSync(listDir, { recursive: true, force: true });
    }
  }
  return results;
}
