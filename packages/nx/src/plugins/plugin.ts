/**
 * The Shardwise inference plugin. One pass plans the whole workspace (config → discovery → import
 * graph → shards, all in @shardwise/core) and yields every project's targets. The result is cached
 * in Nx's workspace data folder, keyed by the plugin options and a hash of every workspace file,
 * since a shard's inputs can reach files outside its project.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type {
  CreateNodes,
  CreateNodesContext,
  CreateNodesResult,
  PostTasksExecution,
} from '@nx/devkit';
import type { WorkspacePlan } from '@shardwise/core';
import { hashContent } from '@shardwise/core/dist/util/hash';
import { nxWorkspaceContext } from './nx-workspace-context';
import type { ProjectTargets } from './project-targets';
import { taskReportDir } from './task-report-dir';

export type ShardwisePluginOptions = Record<string, unknown>;

const PLUGIN_NAME = '@shardwise/nx';
const CACHE_VERSION = 2;
/** A new release may infer differently, or validate options differently: its own cache. */
const PLUGIN_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

interface InferenceCache {
  version: number;
  key: string;
  projects: Record<string, ProjectTargets & { name: string }>;
}

function pluginIndex(context: CreateNodesContext): number {
  const plugins = context.nxJsonConfiguration.plugins ?? [];
  const index = plugins.findIndex((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  return index === -1 ? 0 : index;
}

function readCache(file: string, key: string): InferenceCache | undefined {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as InferenceCache;
    return cache.version === CACHE_VERSION && cache.key === key ? cache : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, cache: InferenceCache): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(cache));
  renameSync(temporary, file);
}

async function inferWorkspace(
  options: ShardwisePluginOptions | undefined,
  context: CreateNodesContext,
): Promise<InferenceCache['projects']> {
  const root = context.workspaceRoot;
  const { hashWithWorkspaceContext, workspaceDataDirectory } = nxWorkspaceContext();
  // The key covers the options as written: a cache entry exists only for options that were
  // valid when it was written, so a hit needs no validation (nor the code that validates).
  const key = hashContent(
    JSON.stringify({
      plugin: PLUGIN_VERSION,
      options: options ?? {},
      files: await hashWithWorkspaceContext(root, ['**/*']),
      env: Object.keys(process.env)
        .filter((k) => k.startsWith('OPTIMIZED_TEST_'))
        .sort()
        .map((k) => `${k}=${process.env[k]}`),
    }),
  );
  const cacheFile = join(workspaceDataDirectory, 'shardwise-inference.json');
  const cached = readCache(cacheFile, key);
  if (cached !== undefined) return cached.projects;

  // A miss: validate the options and load the engine (parsers, worker pools).
  const { resolveConfig } = await import('@shardwise/core/dist/config/load-config.js');
  const config = resolveConfig(options ?? {}, {
    kind: 'nx',
    file: 'nx.json',
    keyPrefix: `plugins[${pluginIndex(context)}].options`,
  });
  const { planWorkspace } = await import('@shardwise/core/dist/api/plan-workspace.js');
  const { closeParsePool } = await import('@shardwise/core/dist/graph/parse-pool.js');
  const { buildProjectTargets } = await import('./project-targets.js');
  const { indexCodeFolders, installedAtRoot } = await import('./shard-inputs.js');
  let plan: WorkspacePlan;
  try {
    plan = await planWorkspace({ workspaceRoot: root, config });
  } finally {
    await closeParsePool();
  }
  const folders = indexCodeFolders(plan.files);
  const isKnownPackage = installedAtRoot(root);
  const projects: InferenceCache['projects'] = {};
  for (const project of plan.projects) {
    projects[project.root] = {
      name: project.name,
      ...buildProjectTargets(plan, project, { folders, isKnownPackage }),
    };
  }
  writeCache(cacheFile, { version: CACHE_VERSION, key, projects });
  return projects;
}

function projectJsonTargets(workspaceRoot: string, projectRoot: string): string[] {
  try {
    const json = JSON.parse(
      readFileSync(join(workspaceRoot, projectRoot, 'project.json'), 'utf8'),
    ) as { targets?: Record<string, unknown> };
    return Object.keys(json.targets ?? {});
  } catch {
    return [];
  }
}

export const createNodes: CreateNodes<ShardwisePluginOptions> = [
  '**/{project.json,package.json}',
  async (configFiles, options, context) => {
    const projects = await inferWorkspace(options, context);
    const files = new Set(configFiles);
    const results: Array<readonly [string, CreateNodesResult]> = [];
    for (const file of configFiles) {
      const projectRoot = dirname(file) === '.' ? '' : dirname(file);
      // A project with both files is reported once, from project.json.
      if (file.endsWith('package.json') && files.has(join(projectRoot, 'project.json'))) continue;
      const inferred = projects[projectRoot];
      if (inferred === undefined) continue;
      const clashes = projectJsonTargets(context.workspaceRoot, projectRoot).filter(
        (t) => t in inferred.targets,
      );
      if (clashes.length > 0) {
        throw new Error(
          `Shardwise would infer target(s) ${clashes.join(', ')} for project "${inferred.name}", but ${join(projectRoot, 'project.json')} already defines them. Rename those targets, or set a different "targetPrefix" in the @shardwise/nx plugin options in nx.json.`,
        );
      }
      results.push([
        file,
        {
          projects: {
            [projectRoot === '' ? '.' : projectRoot]: {
              targets: inferred.targets,
              metadata: { targetGroups: inferred.targetGroups },
            },
          },
        },
      ]);
    }
    return results;
  },
];

/** The same function under the name Nx 20–22 looked for. */
export const createNodesV2 = createNodes;

/**
 * After every Nx run: shard tasks that came from the remote cache ran on another machine (a CI
 * agent), so their restored reports hold timings this machine has not seen. They join the local
 * timing history, which `shardwise timings update` turns into the committed timings file. Tasks
 * that ran here were recorded by the executor; local cache hits were recorded when they ran.
 */
export const postTasksExecution: PostTasksExecution<ShardwisePluginOptions> = async (
  options,
  context,
) => {
  let cacheDir: string;
  try {
    const { resolveConfig } = await import('@shardwise/core/dist/config/load-config.js');
    const config = resolveConfig(options ?? {}, {
      kind: 'nx',
      file: 'nx.json',
      keyPrefix: 'plugins[@shardwise/nx].options',
    });
    cacheDir = isAbsolute(config.cacheDir)
      ? config.cacheDir
      : join(context.workspaceRoot, config.cacheDir);
  } catch {
    return; // A configuration error is reported by inference, with its location.
  }
  const restored = Object.values(context.taskResults).filter(
    ({ task, status }) => status === 'remote-cache' && /--shard-\d+$/.test(task.target.target),
  );
  if (restored.length === 0) return;
  const { recordReportTimings, runReportSchema } = await import('@shardwise/core');
  for (const { task } of restored) {
    const dir = join(context.workspaceRoot, taskReportDir(task.target.project, task.target.target));
    try {
      const runId = readFileSync(join(dir, 'latest'), 'utf8').trim();
      const report = runReportSchema.parse(
        JSON.parse(readFileSync(join(dir, runId, 'report.json'), 'utf8')) as unknown,
      );
      recordReportTimings(cacheDir, report, Date.now());
    } catch {
      // A report that is missing or does not parse is no timing; the run's result stands.
    }
  }
};
