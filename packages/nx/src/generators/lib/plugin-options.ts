/**
 * Reading and writing the `@shardwise/nx` entry of `nx.json` `plugins`. The first entry naming the
 * plugin (string or object form) is the one Shardwise reads, so it is the one both generators edit;
 * a second entry is never added.
 */
import { updateNxJson, writeJson, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import { NX_PLUGIN_NAME } from '@shardwise/core';

export type PluginOptions = Record<string, unknown>;
export type RawCategoryOptions = Record<string, unknown>;
export type CategoryEntries = Array<[name: string, category: RawCategoryOptions]>;

/** The two keys that hold categories; `OPTIMIZED_TEST_CATEGORIES` is the original system's name. */
export type CategoriesKey = 'categories' | 'OPTIMIZED_TEST_CATEGORIES';

export interface PluginEntry {
  /** Index in `plugins`, or undefined when nx.json has no entry for the plugin yet. */
  index: number | undefined;
  /** A deep copy of the entry's options (`{}` for the string form or a missing entry). */
  options: PluginOptions;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function findPluginEntry(nxJson: NxJsonConfiguration): PluginEntry {
  const plugins = nxJson.plugins ?? [];
  for (const [index, entry] of plugins.entries()) {
    const name = typeof entry === 'string' ? entry : entry.plugin;
    if (name !== NX_PLUGIN_NAME) continue;
    const options = typeof entry === 'string' ? undefined : entry.options;
    return { index, options: isObject(options) ? structuredClone(options) : {} };
  }
  return { index: undefined, options: {} };
}

/** The index the entry has once written: its own, or the end of `plugins` for a new one. */
export function entryIndex(nxJson: NxJsonConfiguration, entry: PluginEntry): number {
  return entry.index ?? (nxJson.plugins ?? []).length;
}

/** Key path of the options in nx.json, as Shardwise's configuration errors print it. */
export function optionsKeyPrefix(index: number): string {
  return `plugins[${index}].options`;
}

/**
 * Writes the options into the entry in place (the string form becomes the object form; `include`
 * and `exclude` of an object entry are kept), or appends a new entry.
 */
export function writePluginEntry(
  nxJson: NxJsonConfiguration,
  entry: PluginEntry,
  options: PluginOptions,
): void {
  const plugins = [...(nxJson.plugins ?? [])];
  const existing = entry.index === undefined ? undefined : plugins[entry.index];
  if (entry.index === undefined || existing === undefined) {
    plugins.push({ plugin: NX_PLUGIN_NAME, options });
  } else if (typeof existing === 'string') {
    plugins[entry.index] = { plugin: NX_PLUGIN_NAME, options };
  } else {
    plugins[entry.index] = { ...existing, options };
  }
  nxJson.plugins = plugins;
}

/** The configured categories in order, or undefined when the options rely on the six defaults. */
export function readCategories(options: PluginOptions): {
  key: CategoriesKey;
  entries: CategoryEntries | undefined;
} {
  const key: CategoriesKey =
    options['categories'] === undefined && options['OPTIMIZED_TEST_CATEGORIES'] !== undefined
      ? 'OPTIMIZED_TEST_CATEGORIES'
      : 'categories';
  const value = options[key];
  if (!isObject(value)) return { key, entries: undefined };
  return {
    key,
    entries: Object.entries(value).map(([name, category]) => [
      name,
      isObject(category) ? category : {},
    ]),
  };
}

/** A copy of the options with the categories replaced, keeping the key where it was. */
export function withCategories(
  options: PluginOptions,
  key: CategoriesKey,
  entries: CategoryEntries,
): PluginOptions {
  return { ...options, [key]: Object.fromEntries(entries) };
}

/** Writes nx.json: through devkit (which keeps `extends` working), or creates it when missing. */
export function saveNxJson(tree: Tree, nxJson: NxJsonConfiguration): void {
  if (tree.exists('nx.json')) updateNxJson(tree, nxJson);
  else writeJson(tree, 'nx.json', nxJson);
}
