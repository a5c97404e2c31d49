/**
 * Adds or changes one category in the ordered list. Given keys replace the category's keys; an
 * alias already in use (`target_duration`, `parallel_factor`) is replaced by the key written, so
 * the two never coexist. Position: `--before` moves or inserts the category just before that one;
 * otherwise an existing category stays put and a new one goes before `unit`, or last.
 */
import type { CategoryEntries } from '../../lib/plugin-options';
import type { NormalizedCategoryOptions } from './normalize-options';

const ALIASES: Readonly<Record<string, string>> = {
  targetDuration: 'target_duration',
  parallelFactor: 'parallel_factor',
};

export function updateCategory(
  entries: CategoryEntries,
  options: NormalizedCategoryOptions,
): CategoryEntries {
  const { name, changes, before } = options;
  if (before === name) {
    throw new Error(`--before "${before}": expected another category than "${name}" itself`);
  }
  if (before !== undefined && !entries.some(([n]) => n === before)) {
    throw new Error(
      `--before "${before}": no category of that name; the categories are, in order: ${entries.map(([n]) => n).join(', ')}`,
    );
  }
  const result: CategoryEntries = entries.map(([n, category]) => [n, { ...category }]);
  const at = result.findIndex(([n]) => n === name);
  const category = at === -1 ? {} : { ...(result[at]?.[1] ?? {}) };
  for (const [key, value] of Object.entries(changes)) {
    const alias = ALIASES[key];
    if (alias !== undefined) delete category[alias];
    category[key] = value;
  }
  if (at !== -1) {
    if (before === undefined) {
      result[at] = [name, category];
      return result;
    }
    result.splice(at, 1);
  }
  const anchor = result.findIndex(([n]) => n === (before ?? 'unit'));
  const position = anchor === -1 ? result.length : anchor;
  result.splice(position, 0, [name, category]);
  return result;
}
