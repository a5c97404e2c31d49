/**
 * Runner detection per project, read from the tree. It follows core's `detectRunner`
 * (packages/core/src/discovery/detect-runner.ts, not exported): files at the project root first
 * (vitest.config.*, then jest.config.*), then package.json `jest`, then its `test` script, then
 * vite.config.*; like core's planning, a project whose test files import `node:test` runs them
 * with node:test.
 */
import { joinPathFragments, type Tree } from '@nx/devkit';
import type { RunnerName } from '@shardwise/core';
import type { ProjectTargets } from '../../lib/find-target-collisions';

export interface RunnerDetection {
  runner: RunnerName | undefined;
  /** What decided it: a file name, a package.json key, or why nothing was found. */
  reason: string;
}

const JEST_CONFIG = /^jest\.config\.(js|cjs|mjs|ts|cts|mts|json)$/;
const VITEST_CONFIG = /^vitest\.config\.(js|cjs|mjs|ts|cts|mts)$/;
const VITE_CONFIG = /^vite\.config\.(js|cjs|mjs|ts|cts|mts)$/;
const NODE_TEST_IMPORT = /(?:\bfrom\s*|\b(?:require|import)\s*\(\s*)['"]node:test['"]/;

/** @param testFiles the project's workspace-relative test files */
export function detectRunner(
  tree: Tree,
  project: ProjectTargets,
  testFiles: readonly string[],
): RunnerDetection {
  const folder = project.root === '' ? '.' : project.root;
  const atRoot = tree
    .children(folder)
    .filter((name) => tree.isFile(joinPathFragments(folder, name)))
    .sort();
  const vitest = atRoot.find((f) => VITEST_CONFIG.test(f));
  if (vitest !== undefined) return { runner: 'vitest', reason: vitest };
  const jest = atRoot.find((f) => JEST_CONFIG.test(f));
  if (jest !== undefined) return { runner: 'jest', reason: jest };
  const pkg = project.packageJson;
  if (pkg !== undefined && typeof pkg['jest'] === 'object' && pkg['jest'] !== null) {
    return { runner: 'jest', reason: 'package.json "jest"' };
  }
  const scripts = pkg?.['scripts'];
  const testScript =
    scripts !== null && typeof scripts === 'object'
      ? (scripts as Record<string, unknown>)['test']
      : undefined;
  if (typeof testScript === 'string') {
    if (/\bvitest\b/.test(testScript))
      return { runner: 'vitest', reason: 'package.json scripts.test' };
    if (/\bjest\b/.test(testScript)) return { runner: 'jest', reason: 'package.json scripts.test' };
    if (/\bnode\b.*--test\b/.test(testScript)) {
      return { runner: 'node', reason: 'package.json scripts.test' };
    }
  }
  const vite = atRoot.find((f) => VITE_CONFIG.test(f));
  if (vite !== undefined) return { runner: 'vitest', reason: vite };
  if (testFiles.some((file) => NODE_TEST_IMPORT.test(tree.read(file, 'utf-8') ?? ''))) {
    return { runner: 'node', reason: 'test files import node:test' };
  }
  return { runner: undefined, reason: 'no runner config found' };
}
