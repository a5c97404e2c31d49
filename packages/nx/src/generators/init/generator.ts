/**
 * `nx g @shardwise/nx:init`: adds the `@shardwise/nx` plugin to nx.json (or updates its entry in
 * place) with categories and shard counts proposed from the workspace's test files, reports the
 * runner and test files of each project, keeps existing targets working (see
 * `choose-target-prefix.ts`) and ignores `.shardwise`. It never writes options that core's
 * configuration schema rejects, and never writes `shardwise-timings.json`
 * (`shardwise timings update` does).
 */
import { formatFiles, readNxJson, type Tree } from '@nx/devkit';
import { DEFAULT_TARGET_PREFIX } from '@shardwise/core';
import { listProjectTargets } from '../lib/find-target-collisions';
import {
  entryIndex,
  findPluginEntry,
  optionsKeyPrefix,
  saveNxJson,
  writePluginEntry,
} from '../lib/plugin-options';
import { defaultCategories, validatePluginOptions } from '../lib/validate-options';
import { addGitignoreEntry } from './lib/add-gitignore-entry';
import { chooseTargetPrefix } from './lib/choose-target-prefix';
import { collectTestFiles } from './lib/collect-test-files';
import { detectRunner } from './lib/detect-runner';
import { logFindings } from './lib/log-findings';
import { normalizeOptions } from './lib/normalize-options';
import { proposeCategories } from './lib/propose-categories';
import type { InitGeneratorSchema } from './schema';

export async function initGenerator(tree: Tree, schema: InitGeneratorSchema): Promise<void> {
  const defaults = defaultCategories();
  const options = normalizeOptions(
    schema,
    defaults.map((category) => category.name),
  );
  const nxJson = readNxJson(tree) ?? {};
  const entry = findPluginEntry(nxJson);
  const index = entryIndex(nxJson, entry);
  const optionsPath = optionsKeyPrefix(index);
  // Options already in nx.json must be valid before init builds on them.
  const current = validatePluginOptions(entry.options, index);

  const projects = listProjectTargets(tree);
  const census = collectTestFiles(tree, projects, current);
  const proposal = proposeCategories({
    tree,
    options,
    pluginOptions: entry.options,
    index,
    defaults,
    projects,
    census,
  });

  const configuredPrefix = entry.options['targetPrefix'];
  const choice = chooseTargetPrefix(
    projects,
    proposal.entries.map(([name]) => name),
    options.targetPrefix !== undefined
      ? { prefix: options.targetPrefix, from: '--targetPrefix' }
      : typeof configuredPrefix === 'string'
        ? { prefix: configuredPrefix, from: `nx.json ${optionsPath}.targetPrefix` }
        : { prefix: undefined, from: '' },
  );

  const pluginOptions = { ...entry.options };
  if (options.targetPrefix !== undefined || choice.prefix !== DEFAULT_TARGET_PREFIX) {
    pluginOptions['targetPrefix'] = choice.prefix;
  }
  pluginOptions[proposal.key] = Object.fromEntries(proposal.entries);
  validatePluginOptions(pluginOptions, index);

  writePluginEntry(nxJson, entry, pluginOptions);
  saveNxJson(tree, nxJson);
  const gitignoreAdded = addGitignoreEntry(tree);

  logFindings({
    projects,
    census,
    proposal,
    runners: new Map(
      projects.map((project) => [
        project.name,
        detectRunner(tree, project, census.byProject.get(project.name) ?? []),
      ]),
    ),
    runnerConfigured: current.runner !== undefined,
    choice,
    optionsPath,
    cores: options.cores,
    gitignoreAdded,
  });
  if (!options.skipFormat) await formatFiles(tree);
}

export default initGenerator;
