/**
 * The targets Shardwise infers for one project: `<prefix>-optimized`, and for every configured
 * category `<prefix>-<category>` (nx:noop over its shards) and `<prefix>-<category>--shard-<k>`.
 * Options hold nothing that varies by machine or file set; file lists live in metadata.
 */
import type { TargetConfiguration } from '@nx/devkit';
import type { ProjectPlan, WorkspacePlan } from '@shardwise/core';
import {
  formatInputs,
  shardInputParts,
  unionParts,
  type FolderIndex,
  type InputParts,
} from './shard-inputs';
import { taskReportDir } from './task-report-dir';

export { taskReportDir };

export const EXECUTOR = '@shardwise/nx:test';
export const TARGET_GROUP = 'Shardwise';

export interface ShardMetadata {
  category: string;
  shard: number;
  files: string[];
}

export function shardTargetName(prefix: string, category: string, shard: number): string {
  return `${prefix}-${category}--shard-${shard}`;
}

export interface ProjectTargets {
  targets: Record<string, TargetConfiguration>;
  targetGroups: Record<string, string[]>;
}

export function buildProjectTargets(
  plan: WorkspacePlan,
  project: ProjectPlan,
  context: { folders: FolderIndex; isKnownPackage: (name: string) => boolean },
): ProjectTargets {
  const prefix = plan.config.targetPrefix;
  const targets: Record<string, TargetConfiguration> = {};
  const group: string[] = [];
  const technologies = project.runner === undefined ? [] : [project.runner];
  const allParts: InputParts[] = [];

  for (const category of project.categories) {
    const shardNames: string[] = [];
    const categoryParts: InputParts[] = [];
    for (const shard of category.shards) {
      const name = shardTargetName(prefix, category.name, shard.index);
      const files = shard.files.map((f) => f.path);
      const parts = shardInputParts(files, {
        plan,
        project,
        categoryName: category.name,
        ...context,
      });
      categoryParts.push(parts);
      const metadata: ShardMetadata = { category: category.name, shard: shard.index, files };
      targets[name] = {
        executor: EXECUTOR,
        options: { category: category.name, shard: shard.index },
        cache: true,
        inputs: formatInputs(parts, context.folders),
        outputs: [`{workspaceRoot}/${taskReportDir(project.name, name)}`],
        metadata: {
          description: `Shard ${shard.index} of ${category.shards.length} of the ${category.name} tests (${files.length} file${files.length === 1 ? '' : 's'})`,
          technologies,
          shardwise: metadata,
        } as TargetConfiguration['metadata'],
      };
      shardNames.push(name);
    }
    const parent = `${prefix}-${category.name}`;
    const union = unionParts(categoryParts);
    allParts.push(union);
    targets[parent] = {
      executor: 'nx:noop',
      cache: true,
      dependsOn: shardNames.map((target) => ({ target })),
      inputs: formatInputs(union, context.folders),
      metadata: {
        description: `The ${category.name} tests, as ${shardNames.length} cacheable shard task(s)`,
        technologies,
        help: {
          command: `nx run ${project.name}:${parent}`,
          example: { options: {} },
        },
      } as TargetConfiguration['metadata'],
    };
    group.push(parent, ...shardNames);
  }

  const optimized = `${prefix}-optimized`;
  targets[optimized] = {
    executor: EXECUTOR,
    options: {},
    cache: true,
    inputs: formatInputs(unionParts(allParts), context.folders),
    outputs: [`{workspaceRoot}/${taskReportDir(project.name, optimized)}`],
    metadata: {
      description:
        'Every test of the project through Shardwise (--category, --optimization and the run flags apply)',
      technologies,
    } as TargetConfiguration['metadata'],
  };
  group.unshift(optimized);

  const benchmark = `${prefix}-benchmark`;
  targets[benchmark] = {
    executor: '@shardwise/nx:benchmark',
    options: {
      category:
        project.categories.find((c) => c.name === 'unit')?.name ?? project.categories[0]?.name,
    },
    cache: false,
    metadata: {
      description:
        "Times the project's standard test command against Shardwise (--category, --rounds)",
      technologies,
    } as TargetConfiguration['metadata'],
  };
  group.push(benchmark);
  return { targets, targetGroups: { [TARGET_GROUP]: group } };
}
