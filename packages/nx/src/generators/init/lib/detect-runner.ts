/**
 * Runner detection per project, read from the tree: core's `detectRunner` on the files at the
 * project root, plus one rule core's detection leaves to planning: a project whose test files
 * import `node:test` runs them with node:test.
 */
import { joinPathFragments, type Tree } from '@nx/devkit';
import { detectRunner as detectRunnerFromFiles, type RunnerDetection } from '@shardwise/core';
import type { ProjectTargets } from '../../lib/find-target-collisions';

export type { RunnerDetection };

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
  const packageName = project.packageJson?.['name'];
  const detection = detectRunnerFromFiles(
    {
      name: project.name,
      root: project.root,
      packageName: typeof packageName === 'string' ? packageName : undefined,
      packageJson: project.packageJson,
    },
    atRoot,
  );
  if (detection.runner !== undefined) return detection;
  if (testFiles.some((file) => NODE_TEST_IMPORT.test(tree.read(file, 'utf-8') ?? ''))) {
    return { runner: 'node', configFiles: [], reason: 'test files import node:test' };
  }
  return detection;
}
