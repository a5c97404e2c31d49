/**
 * `nx g @shardwise/nx:category --name <name> …`: adds a category to the `@shardwise/nx` plugin
 * options in nx.json (creating the plugin entry if missing) or changes the given keys of an
 * existing one. Options that still rely on the six default categories get them written out first,
 * so adding one category does not drop the others. The whole result is validated by core's
 * `resolveConfig` before nx.json is written; a failure is its ConfigError, which names nx.json,
 * the key path and what was expected.
 */
import { formatFiles, logger, readNxJson, type Tree } from '@nx/devkit';
import {
  describeCollisions,
  findTargetCollisions,
  listProjectTargets,
} from '../lib/find-target-collisions';
import {
  entryIndex,
  findPluginEntry,
  optionsKeyPrefix,
  readCategories,
  withCategories,
  saveNxJson,
  writePluginEntry,
  type CategoryEntries,
} from '../lib/plugin-options';
import { defaultCategories, validatePluginOptions } from '../lib/validate-options';
import { normalizeOptions } from './lib/normalize-options';
import { updateCategory } from './lib/update-category';
import type { CategoryGeneratorSchema } from './schema';

export async function categoryGenerator(
  tree: Tree,
  schema: CategoryGeneratorSchema,
): Promise<void> {
  const options = normalizeOptions(schema);
  const nxJson = readNxJson(tree) ?? {};
  const entry = findPluginEntry(nxJson);
  const index = entryIndex(nxJson, entry);
  const { key, entries } = readCategories(entry.options);
  const current: CategoryEntries =
    entries ?? defaultCategories().map((category) => [category.name, {}]);
  const existed = current.some(([name]) => name === options.name);

  const pluginOptions = withCategories(entry.options, key, updateCategory(current, options));
  const config = validatePluginOptions(pluginOptions, index);

  const collisions = findTargetCollisions(listProjectTargets(tree), config.targetPrefix, [
    options.name,
  ]);
  if (collisions.length > 0) {
    throw new Error(
      `Shardwise targets of the category "${options.name}" would collide with existing targets: ${describeCollisions(collisions)}. ` +
        `Existing targets are never overwritten: choose another category name, rename those targets, or set another "targetPrefix" in nx.json ${optionsKeyPrefix(index)}.`,
    );
  }

  writePluginEntry(nxJson, entry, pluginOptions);
  saveNxJson(tree, nxJson);
  const order = config.categories.map((category) => category.name).join(', ');
  logger.info(
    `Shardwise: ${existed ? 'changed' : 'added'} the category "${options.name}" in nx.json ${optionsKeyPrefix(index)}.${key}` +
      `${entries === undefined ? ' (the default categories it relied on are now written out)' : ''}; match order: ${order}`,
  );
  if (!options.skipFormat) await formatFiles(tree);
}

export default categoryGenerator;
