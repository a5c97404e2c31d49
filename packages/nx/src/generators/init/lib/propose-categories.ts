/**
 * The categories init writes. Without `--categories`: `unit` (last, the catch-all) plus every other
 * default category that has at least one test file matching its default globs, in the default
 * order. Categories already configured are kept as they are, in their order (init never removes
 * or reorders); a newly proposed one goes before `unit`. Each category without a `shards` key gets
 * a suggested count; `--shards` sets every category's count.
 */
import type { Tree } from '@nx/devkit';
import { createClassifier, suggestShardCount, type CategoryConfig } from '@shardwise/core';
import {
  readCategories,
  withCategories,
  type CategoriesKey,
  type CategoryEntries,
  type PluginOptions,
} from '../../lib/plugin-options';
import { validatePluginOptions } from '../../lib/validate-options';
import type { ProjectTargets } from '../../lib/find-target-collisions';
import { projectRelative, type TestFileCensus } from './collect-test-files';
import { estimateFileMs, readCommittedTimings } from './estimate-durations';
import type { NormalizedInitOptions } from './normalize-options';

export interface CategorySummary {
  name: string;
  files: number;
  estimatedMs: number;
  shards: number;
  /** Where `shards` came from: init's suggestion, the existing configuration, or --shards. */
  shardsFrom: 'suggested' | 'configured' | '--shards';
}

export interface CategoryProposal {
  /** The key the categories are written under (the one already in use, else `categories`). */
  key: CategoriesKey;
  entries: CategoryEntries;
  summary: CategorySummary[];
  /** Project name → category → number of test files. */
  perProject: Map<string, Map<string, number>>;
  /** Test files no category matches (possible only with custom categories and no `unit`). */
  uncategorized: number;
}

type Classify = (relativePath: string) => string | undefined;

/** The schema's largest `shards`: a suggestion above it would not validate. */
const MAX_SHARDS = 512;

/** Core's classifier, by category only: the census already holds only test files. */
function categoryClassifier(categories: readonly CategoryConfig[]): Classify {
  return createClassifier({ testMatch: [], categories: [...categories] }).categoryOf;
}

function classifyAll(
  census: TestFileCensus,
  projects: readonly ProjectTargets[],
  classify: Classify,
  visit: (project: string, file: string, category: string | undefined) => void,
): void {
  for (const project of projects) {
    for (const file of census.byProject.get(project.name) ?? []) {
      visit(project.name, file, classify(projectRelative(file, project.root)));
    }
  }
}

export function proposeCategories(input: {
  tree: Tree;
  options: NormalizedInitOptions;
  pluginOptions: PluginOptions;
  index: number;
  defaults: readonly CategoryConfig[];
  projects: readonly ProjectTargets[];
  census: TestFileCensus;
}): CategoryProposal {
  const { tree, options, pluginOptions, index, defaults, projects, census } = input;
  const defaultNames = defaults.map((category) => category.name);

  let proposed: string[];
  if (options.categories !== undefined) {
    const forced = new Set([...options.categories, 'unit']);
    proposed = defaultNames.filter((name) => forced.has(name));
  } else {
    const found = new Set<string>(['unit']);
    classifyAll(census, projects, categoryClassifier(defaults), (_project, _file, category) => {
      if (category !== undefined) found.add(category);
    });
    proposed = defaultNames.filter((name) => found.has(name));
  }

  const { key, entries: existing } = readCategories(pluginOptions);
  const entries: CategoryEntries = (existing ?? []).map(([name, category]) => [
    name,
    { ...category },
  ]);
  for (const name of proposed) {
    if (entries.some(([n]) => n === name)) continue;
    const unit = entries.findIndex(([n]) => n === 'unit');
    if (unit === -1) entries.push([name, {}]);
    else entries.splice(unit, 0, [name, {}]);
  }

  const resolved = validatePluginOptions(withCategories(pluginOptions, key, entries), index);
  const classify = categoryClassifier(resolved.categories);
  const timings = readCommittedTimings(tree);
  const files = new Map<string, number>();
  const estimatedMs = new Map<string, number>();
  const perProject = new Map<string, Map<string, number>>();
  let uncategorized = 0;
  classifyAll(census, projects, classify, (project, file, category) => {
    if (category === undefined) {
      uncategorized++;
      return;
    }
    files.set(category, (files.get(category) ?? 0) + 1);
    estimatedMs.set(
      category,
      (estimatedMs.get(category) ?? 0) + estimateFileMs(tree, file, timings),
    );
    const counts = perProject.get(project) ?? new Map<string, number>();
    counts.set(category, (counts.get(category) ?? 0) + 1);
    perProject.set(project, counts);
  });

  const summary: CategorySummary[] = [];
  for (const [name, category] of entries) {
    const config = resolved.categories.find((c) => c.name === name);
    const ms = estimatedMs.get(name) ?? 0;
    let shardsFrom: CategorySummary['shardsFrom'] = 'configured';
    if (options.shards !== undefined) {
      category['shards'] = options.shards;
      shardsFrom = '--shards';
    } else if (typeof category['shards'] !== 'number' && config !== undefined) {
      category['shards'] = Math.min(
        MAX_SHARDS,
        suggestShardCount(config, ms, options.cores).shards,
      );
      shardsFrom = 'suggested';
    }
    summary.push({
      name,
      files: files.get(name) ?? 0,
      estimatedMs: ms,
      shards: typeof category['shards'] === 'number' ? category['shards'] : 1,
      shardsFrom,
    });
  }
  return { key, entries, summary, perProject, uncategorized };
}
