/**
 * The rule for the folders Shardwise writes, the cache folder and the report folder
 * (docs/reliability.md):
 * - a configuration file (shardwise.config.json, the nx.json plugin options) is committed, so it
 *   may come from anyone: its `cacheDir` and `reportDir` must name a folder inside the workspace
 *   other than its root, relative, without a `..` that leaves it;
 * - a command-line flag (`--cache-dir`, `--report-dir`) or OPTIMIZED_TEST_CACHE_DIR comes from
 *   whoever runs the command (a CI cache mount, a temporary folder) and may name any folder but
 *   the file-system root, the workspace root or one of its ancestors: the cache empties its
 *   `results/` and `tmp/` subfolders, and reports add a folder per run.
 */
import { isAbsolute, parse, posix, relative, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { formatKeyPath } from './format-issues';

/** What is wrong with a folder given in a configuration file, or undefined when it is fine. */
export function configDirIssue(value: string): string | undefined {
  if (isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value))
    return 'expected a folder inside the workspace, relative to it (an absolute path is for --cache-dir, --report-dir or OPTIMIZED_TEST_CACHE_DIR)';
  const normalized = posix.normalize(value.replaceAll('\\', '/')).replace(/\/+$/, '');
  if (normalized === '.' || normalized === '')
    return 'expected a folder inside the workspace, not the workspace root';
  if (normalized === '..' || normalized.startsWith('../'))
    return 'expected a folder inside the workspace; ".." leads out of it';
  return undefined;
}

/** What is wrong with a folder given on the command line or in the environment, if anything. */
export function outputDirIssue(path: string, workspaceRoot: string): string | undefined {
  const target = resolve(workspaceRoot, path);
  if (target === parse(target).root) return 'expected a folder, not the file-system root';
  const fromTarget = relative(target, resolve(workspaceRoot));
  if (fromTarget === '') return 'expected a folder other than the workspace root';
  if (!fromTarget.startsWith('..') && !isAbsolute(fromTarget))
    return 'expected a folder that does not hold the workspace';
  return undefined;
}

/**
 * Applies the rule to a loaded configuration: `cacheDir` from OPTIMIZED_TEST_CACHE_DIR is held to
 * the command-line rule, `cacheDir` and `reportDir` from the file to the configuration-file rule.
 */
export function checkConfiguredDirs(
  config: { cacheDir: string; reportDir: string },
  where: { file: string; keyPrefix: string; workspaceRoot: string; env: NodeJS.ProcessEnv },
): void {
  const fromEnv = where.env['OPTIMIZED_TEST_CACHE_DIR'] !== undefined;
  if (fromEnv) {
    const issue = outputDirIssue(config.cacheDir, where.workspaceRoot);
    if (issue !== undefined)
      throw new ConfigError(
        `OPTIMIZED_TEST_CACHE_DIR: ${issue}, got ${JSON.stringify(config.cacheDir)}`,
      );
  }
  for (const key of fromEnv ? (['reportDir'] as const) : (['cacheDir', 'reportDir'] as const)) {
    const issue = configDirIssue(config[key]);
    if (issue !== undefined)
      throw new ConfigError(
        `Invalid Shardwise configuration:\n  ${where.file || '(defaults)'}: ${formatKeyPath([key], where.keyPrefix)}: ${issue}, got ${JSON.stringify(config[key])}`,
      );
  }
}
