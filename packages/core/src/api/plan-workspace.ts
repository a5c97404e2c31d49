/**
 * The planning pipeline, wired: config → discovery → graph → closure hashes → shards. The CLI's
 * `plan`, `affected` and `timings update` (and later the Nx plugin) all call this one function.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CategoryConfig, ShardwiseConfig } from '../config/schema';
import { compileGlobs, createClassifier } from '../discovery/categorize';
import { detectRunner } from '../discovery/detect-runner';
import { findRootRunnerConfigs, rootConfigFor } from '../discovery/root-runner-config';
import { createProjectLocator, findProjects, type Project } from '../discovery/projects';
import { scanWorkspace } from '../discovery/scan-workspace';
import { buildFileGraph, type FileGraph } from '../graph/build-graph';
import { computeClosureHashes } from '../graph/closure-hash';
import { ImportCache } from '../graph/import-cache';
import { CODE_FILE, PARSER_ID } from '../graph/parse-imports';
import { ModuleResolver } from '../graph/resolve-module';
import { readRunnerAliases, type ProjectAliases } from '../graph/runner-aliases';
import { assignShards, shardBalance, type Shard, type ShardFile } from '../plan/shards';
import { estimateDurationMs, readTimings, type Timings } from '../plan/timings';
import { hashParts } from '../util/hash';
import { relativeTo } from '../util/paths';
import {
  envFingerprint,
  referencedSetupFiles,
  runnerVersion,
  shardwiseVersion,
  tsconfigChain,
  tsconfigPathPrefixes,
} from './workspace-inputs';

export interface PlannedFile extends ShardFile {
  closureHash: string;
  /** Why the file's key covers its whole project (empty when it is traced precisely). */
  wideReasons: string[];
}

export interface PlannedShard extends Omit<Shard, 'files'> {
  files: PlannedFile[];
}

export interface CategoryPlan {
  name: string;
  shards: PlannedShard[];
  /** max/mean of the shards' estimated durations. */
  balance: number;
  estimatedMs: number;
  config: CategoryConfig;
}

export interface ProjectPlan {
  name: string;
  root: string;
  runner: string | undefined;
  runnerReason: string;
  /**
   * Where the runner runs (workspace-relative): the project root, or '' when a root runner config
   * (Jest `projects`, Vitest `test.projects`) defines this project. Undefined: the project root.
   */
  runnerRoot?: string;
  runnerVersion: string;
  /** Runner configs, their setup files and the tsconfig chain: inputs of every test here. */
  sharedInputs: string[];
  categories: CategoryPlan[];
  /** Test files that match no category, never dropped silently. */
  uncategorized: string[];
}

export interface WorkspacePlan {
  workspaceRoot: string;
  config: ShardwiseConfig;
  projects: ProjectPlan[];
  parseErrors: Array<{ path: string; message: string }>;
  wideFiles: Array<{ path: string; reasons: string[] }>;
  /** Everything the planner saw, for `affected` and inference. */
  graph: FileGraph;
  files: readonly string[];
  timings: Timings;
  stats: { workspaceFiles: number; graphFiles: number; parsed: number; cached: number; ms: number };
}

export interface PlanWorkspaceOptions {
  workspaceRoot: string;
  config: ShardwiseConfig;
  env?: NodeJS.ProcessEnv;
  /**
   * Plan only the projects with these roots (workspace-relative, '' for the root project): only
   * the files their tests reach are read and parsed. Their shards and closure hashes are the same
   * as in a plan of the whole workspace, since a closure hash depends only on what it reaches.
   */
  projectRoots?: readonly string[] | undefined;
}

interface ProjectContext {
  project: Project;
  files: string[];
  testFiles: Array<{ path: string; category: string | undefined }>;
  runner: ReturnType<typeof detectRunner>;
  runnerRoot: string;
  sharedInputs: string[];
}

export async function planWorkspace(options: PlanWorkspaceOptions): Promise<WorkspacePlan> {
  const started = performance.now();
  const { workspaceRoot, config } = options;
  const env = options.env ?? process.env;

  const files = scanWorkspace(workspaceRoot, config.ignore);
  const fileSet = new Set(files);
  const projects = findProjects(workspaceRoot, files);
  const locate = createProjectLocator(projects);
  const classifier = createClassifier(config);

  const filesByProject = new Map<Project, string[]>();
  for (const file of files) {
    const project = locate(file);
    if (project === undefined) continue;
    let list = filesByProject.get(project);
    if (list === undefined) filesByProject.set(project, (list = []));
    list.push(file);
  }

  const contexts: ProjectContext[] = [];
  const rootConfigs = findRootRunnerConfigs(workspaceRoot, files);
  /** A project's runner and its config files; a root config's `projects` can cover it. */
  const runnerOf = (project: Project) => {
    const projectFiles = filesByProject.get(project) ?? [];
    let runner = detectRunner(
      project,
      projectFiles.map((f) => relativeTo(f, project.root)),
    );
    let runnerRoot = project.root;
    // No runner config of its own, but a root config's `projects` covers it: run from the root.
    const fromRoot =
      runner.configFiles.length === 0 ? rootConfigFor(rootConfigs, project.root) : undefined;
    if (fromRoot !== undefined) {
      runner = {
        runner: fromRoot.config.runner,
        configFiles: [fromRoot.config.configFile],
        reason: `${fromRoot.config.configFile} projects${fromRoot.entry.name === undefined ? '' : ` ("${fromRoot.entry.name}")`}`,
      };
      runnerRoot = '';
    }
    return { runner, runnerRoot };
  };
  const inScope = options.projectRoots === undefined ? undefined : new Set(options.projectRoots);
  for (const project of projects) {
    if (inScope !== undefined && !inScope.has(project.root)) continue;
    const projectFiles = filesByProject.get(project) ?? [];
    const testFiles = projectFiles
      .filter((f) => classifier.isTestFile(relativeTo(f, project.root)))
      .map((path) => ({ path, category: classifier.categoryOf(relativeTo(path, project.root)) }));
    if (testFiles.length === 0) continue;
    const { runner, runnerRoot } = runnerOf(project);
    const setup = runner.configFiles.flatMap((c) =>
      referencedSetupFiles(workspaceRoot, c, project.root, fileSet),
    );
    const sharedInputs = [
      ...new Set([
        ...runner.configFiles,
        ...setup,
        ...tsconfigChain(workspaceRoot, project.root, fileSet),
      ]),
    ].sort();
    contexts.push({ project, files: projectFiles, testFiles, runner, runnerRoot, sharedInputs });
  }

  const cache = new ImportCache(join(workspaceRoot, config.cacheDir), PARSER_ID);
  cache.load();
  // Each project's runner aliases (moduleNameMapper, resolve.alias) apply to its own files.
  const aliasesByProject = new Map<Project, ProjectAliases>();
  const aliasesOf = (project: Project): ProjectAliases => {
    let aliases = aliasesByProject.get(project);
    if (aliases === undefined) {
      const { runner } = runnerOf(project);
      aliases = readRunnerAliases(workspaceRoot, runner.configFiles, project.root);
      aliasesByProject.set(project, aliases);
    }
    return aliases;
  };
  const resolver = new ModuleResolver({
    workspaceRoot,
    files: fileSet,
    aliasesFor: (importer) => {
      const project = locate(importer);
      return project === undefined ? undefined : aliasesOf(project);
    },
    // The runner applies the running project's aliases to every file it loads, so an import
    // another project's alias matches may mean that project's file (see resolve-module.ts).
    anyAliases: () => projects.flatMap((p) => aliasesOf(p).aliases),
    internalPrefixes: [
      ...tsconfigPathPrefixes(workspaceRoot, fileSet),
      ...projects.flatMap((p) => (p.packageName === undefined ? [] : [p.packageName])),
    ],
  });
  const roots = contexts.flatMap((c) => [...c.testFiles.map((t) => t.path), ...c.sharedInputs]);
  const graph = await buildFileGraph({ workspaceRoot, roots, cache, resolver, files: fileSet });
  cache.save(
    inScope === undefined
      ? new Set([...graph.nodes.values()].map((n) => n.contentHash))
      : undefined,
  );
  const closures = computeClosureHashes(graph.nodes);

  const timings = readTimings(workspaceRoot);
  // Committed entries by project and category, gone files included (see plan/shards.ts).
  const committedByGroup = new Map<string, Map<string, number>>();
  for (const [path, ms] of timings) {
    const project = locate(path);
    if (project === undefined) continue;
    const category = classifier.categoryOf(relativeTo(path, project.root));
    if (category === undefined) continue;
    const key = `${project.root}\0${category}`;
    let group = committedByGroup.get(key);
    if (group === undefined) committedByGroup.set(key, (group = new Map()));
    group.set(path, ms);
  }
  const version = shardwiseVersion();
  const parseErrors: WorkspacePlan['parseErrors'] = [];
  const wideFiles: WorkspacePlan['wideFiles'] = [];
  for (const node of graph.nodes.values()) {
    if (node.parseError !== undefined)
      parseErrors.push({ path: node.path, message: node.parseError });
  }

  const projectPlans: ProjectPlan[] = [];
  for (const context of contexts) {
    const { project } = context;
    const runnerName = resolveRunnerName(context, graph, config);
    const runnerVersionText = runnerVersion(workspaceRoot, project.root, runnerName);
    const nodeHash = (path: string) => graph.nodes.get(path)?.contentHash ?? 'missing';
    const sharedKey = hashParts(
      context.sharedInputs.flatMap((p) => [p, closures.get(p)?.hash ?? nodeHash(p)]),
    );
    const nonCode = context.files.filter((f) => !CODE_FILE.test(f));
    const contentHashes = new Map<string, string>();
    const hashOf = (path: string): string => {
      let hash = contentHashes.get(path) ?? graph.nodes.get(path)?.contentHash;
      if (hash === undefined) {
        hash = hashParts([readFileSync(join(workspaceRoot, path)).toString('base64')]);
        contentHashes.set(path, hash);
      }
      return hash;
    };
    let wholeProjectKey: string | undefined;
    const wholeProject = () =>
      (wholeProjectKey ??= hashParts(context.files.flatMap((f) => [f, hashOf(f)])));

    const categoryPlans: CategoryPlan[] = [];
    for (const category of config.categories) {
      const members = context.testFiles
        .filter((t) => t.category === category.name)
        .map((t) => t.path);
      const inputFilter = category.inputs === undefined ? undefined : compileGlobs(category.inputs);
      const inputs = nonCode.filter(
        (f) => inputFilter === undefined || inputFilter(relativeTo(f, project.root)),
      );
      const categoryKey = hashParts([
        'shardwise-closure-v1',
        version,
        `node@${process.version}`,
        `${runnerName ?? 'unknown'}@${runnerVersionText}`,
        JSON.stringify(category),
        JSON.stringify(config.inputs),
        sharedKey,
        ...inputs.flatMap((f) => [f, hashOf(f)]),
        ...envFingerprint([...config.env, ...category.env], env),
      ]);
      const committed = committedByGroup.get(`${project.root}\0${category.name}`) ?? new Map();
      const shardFiles: ShardFile[] = members.map((path) => {
        const recorded = timings.get(path);
        return recorded !== undefined
          ? { path, durationMs: recorded, recorded: true }
          : {
              path,
              durationMs: estimateDurationMs(readFileSync(join(workspaceRoot, path), 'utf8')),
              recorded: false,
            };
      });
      const shards = assignShards(shardFiles, committed, category.shards).map((shard) => ({
        ...shard,
        files: shard.files.map((file): PlannedFile => {
          const wideReasons = wideReasonsOf(file.path, graph, closures.get(file.path)?.wideVia);
          if (wideReasons.length > 0) wideFiles.push({ path: file.path, reasons: wideReasons });
          return {
            ...file,
            wideReasons,
            closureHash: hashParts([
              categoryKey,
              closures.get(file.path)?.hash ?? nodeHash(file.path),
              wideReasons.length > 0 ? wholeProject() : '',
            ]),
          };
        }),
      }));
      categoryPlans.push({
        name: category.name,
        shards,
        balance: shardBalance(shards),
        estimatedMs: shards.reduce((sum, s) => sum + s.estimatedMs, 0),
        config: category,
      });
    }
    projectPlans.push({
      name: project.name,
      root: project.root,
      runner: runnerName,
      runnerReason: context.runner.reason,
      runnerRoot: context.runnerRoot,
      runnerVersion: runnerVersionText,
      sharedInputs: context.sharedInputs,
      categories: categoryPlans,
      uncategorized: context.testFiles.filter((t) => t.category === undefined).map((t) => t.path),
    });
  }

  return {
    workspaceRoot,
    config,
    projects: projectPlans,
    parseErrors: parseErrors.sort((a, b) => a.path.localeCompare(b.path)),
    wideFiles: wideFiles.sort((a, b) => a.path.localeCompare(b.path)),
    graph,
    files,
    timings,
    stats: {
      workspaceFiles: files.length,
      graphFiles: graph.stats.files,
      parsed: graph.stats.parsed,
      cached: graph.stats.cached,
      ms: performance.now() - started,
    },
  };
}

/** Configured runner, else detected, else node:test when the tests import it. */
function resolveRunnerName(
  context: ProjectContext,
  graph: FileGraph,
  config: ShardwiseConfig,
): string | undefined {
  const configured = config.runner;
  if (configured !== undefined) return typeof configured === 'string' ? configured : 'command';
  if (context.runner.runner !== undefined) return context.runner.runner;
  const usesNodeTest = context.testFiles.some((t) =>
    graph.nodes.get(t.path)?.builtins.includes('test'),
  );
  if (usesNodeTest) {
    context.runner.reason = 'test files import node:test';
    return 'node';
  }
  return undefined;
}

/** A test is wide when any file in its closure cannot be traced statically. */
function wideReasonsOf(testFile: string, graph: FileGraph, wideVia: string | undefined): string[] {
  if (wideVia === undefined) return [];
  const reasons = graph.nodes.get(wideVia)?.wideReasons ?? [];
  return wideVia === testFile ? [...reasons] : reasons.map((r) => `reaches ${wideVia}: ${r}`);
}
