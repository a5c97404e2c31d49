/**
 * Sorts a project's files into test files and categories. A file is a test file when it matches
 * `testMatch`; it belongs to the first category, in configured order, whose `include` matches and
 * whose `exclude` does not. Test files that match no category are returned as uncategorized, never
 * dropped. All globs are relative to the project root.
 */
import picomatch from 'picomatch';
import type { CategoryConfig, ShardwiseConfig } from '../config/schema';

export type Matcher = (path: string) => boolean;

export function compileGlobs(globs: readonly string[]): Matcher {
  if (globs.length === 0) return () => false;
  return picomatch([...globs], { dot: true });
}

export interface CategoryMatcher {
  name: string;
  matches: Matcher;
}

export interface FileClassifier {
  isTestFile: Matcher;
  /** The category of a test file (project-relative path), or undefined when none matches. */
  categoryOf: (projectRelativePath: string) => string | undefined;
}

export function createClassifier(
  config: Pick<ShardwiseConfig, 'testMatch' | 'categories'>,
): FileClassifier {
  const isTestFile = compileGlobs(config.testMatch);
  const categories = config.categories.map((category: CategoryConfig) => {
    const include = compileGlobs(category.include);
    const exclude = compileGlobs(category.exclude);
    return { name: category.name, matches: (p: string) => include(p) && !exclude(p) };
  });
  return {
    isTestFile,
    categoryOf: (path) => categories.find((c) => c.matches(path))?.name,
  };
}
