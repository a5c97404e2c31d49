/**
 * Target names the Shardwise plugin infers, and the existing targets they would collide with.
 * The plugin reports a collision at inference and never overwrites the target (contracts §4); the
 * generators check first so that they never write a configuration that collides.
 */
import { getProjects, joinPathFragments, type Tree } from '@nx/devkit';

export interface ProjectTargets {
  name: string;
  /** Workspace-relative root, '' for the workspace root. */
  root: string;
  /** Target name → where it is declared. */
  targets: Map<string, string>;
  packageJson: Record<string, unknown> | undefined;
}

export interface TargetCollision {
  project: string;
  target: string;
  /** The file that declares the existing target. */
  declaredIn: string;
}

function readJsonObject(tree: Tree, path: string): Record<string, unknown> | undefined {
  if (!tree.exists(path)) return undefined;
  try {
    const value = JSON.parse(tree.read(path, 'utf-8') ?? '') as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every project Nx's devkit sees, with its explicit targets: `project.json` or package.json
 * `nx.targets`, plus package.json scripts (Nx infers a target per script, or per
 * `nx.includedScripts` entry). Targets other plugins infer are not visible to a generator.
 */
export function listProjectTargets(tree: Tree): ProjectTargets[] {
  const projects: ProjectTargets[] = [];
  for (const [name, config] of getProjects(tree)) {
    const root = config.root === '.' ? '' : config.root;
    const projectJson = joinPathFragments(root, 'project.json');
    const packageJsonPath = joinPathFragments(root, 'package.json');
    const packageJson = readJsonObject(tree, packageJsonPath);
    const declaredIn = tree.exists(projectJson) ? projectJson : packageJsonPath;
    const targets = new Map<string, string>();
    for (const target of Object.keys(config.targets ?? {})) targets.set(target, declaredIn);
    const scripts = packageJson?.['scripts'];
    const nx = packageJson?.['nx'] as Record<string, unknown> | undefined;
    const included = Array.isArray(nx?.['includedScripts']) ? nx['includedScripts'] : undefined;
    if (scripts !== null && typeof scripts === 'object') {
      for (const script of Object.keys(scripts)) {
        if (included !== undefined && !included.includes(script)) continue;
        if (!targets.has(script)) targets.set(script, `${packageJsonPath} "scripts"`);
      }
    }
    projects.push({ name, root, targets, packageJson });
  }
  return projects.sort((a, b) => a.name.localeCompare(b.name));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True for a name the plugin infers with this prefix and these categories: `<prefix>-optimized`,
 * `<prefix>-benchmark`, `<prefix>-<category>` and `<prefix>-<category>--shard-<k>` for any k (shard
 * counts change; the check does not depend on them).
 */
export function isShardwiseTargetName(
  target: string,
  prefix: string,
  categories: readonly string[],
): boolean {
  const shardable = categories.map(escapeRegExp).join('|');
  const pattern = `^${escapeRegExp(prefix)}-(?:optimized|benchmark${
    shardable === '' ? '' : `|(?:${shardable})(?:--shard-\\d+)?`
  })$`;
  return new RegExp(pattern).test(target);
}

export function findTargetCollisions(
  projects: readonly ProjectTargets[],
  prefix: string,
  categories: readonly string[],
): TargetCollision[] {
  const collisions: TargetCollision[] = [];
  for (const project of projects) {
    for (const [target, declaredIn] of project.targets) {
      if (isShardwiseTargetName(target, prefix, categories)) {
        collisions.push({ project: project.name, target, declaredIn });
      }
    }
  }
  return collisions;
}

export function describeCollisions(collisions: readonly TargetCollision[]): string {
  return collisions
    .map((c) => `project "${c.project}" target "${c.target}" (${c.declaredIn})`)
    .join('; ');
}
