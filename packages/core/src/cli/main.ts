#!/usr/bin/env node
/**
 * The `shardwise` command. Argument parsing and wiring only: each command calls the engine and
 * prints. Known errors print their message and exit with their code (2 for configuration and
 * usage); anything else is a bug and prints its stack.
 */
import { resolve } from 'node:path';
import cac from 'cac';
import { isShardwiseError, UsageError } from '../errors';
import { closeParsePool } from '../graph/parse-pool';
import { shardwiseVersion } from '../api/workspace-inputs';
import { runCache } from './cache-command';
import { runAffected, runBench, runPlan, runTimingsUpdate } from './commands';
import { parseReportFlags, runReport } from './report-command';
import { parseRunFlags, runRun } from './run-command';
import { parseDebounce, runWatch } from './watch-command';

function toCommonOptions(options: Record<string, unknown>): {
  cwd: string;
  configFile: string | undefined;
} {
  const cwd = resolve(typeof options['cwd'] === 'string' ? options['cwd'] : process.cwd());
  const configFile = typeof options['config'] === 'string' ? options['config'] : undefined;
  return { cwd, configFile };
}

export async function main(argv: string[]): Promise<number> {
  const cli = cac('shardwise');
  cli.option('--cwd <dir>', 'Workspace root (default: the current folder)');
  cli.option(
    '--config <file>',
    'Config file, instead of nx.json plugin options or shardwise.config.json',
  );
  let exitCode = 0;
  let action: Promise<number> | undefined;

  cli
    .command('plan', 'Show categories, shards, files, estimated durations and closure hashes')
    .option('--category <name>', 'Only this category')
    .option('--suggest', 'Suggest a shard count per category from timings and this machine')
    .option('--json', 'Print the plan as JSON on stdout')
    .action((options: Record<string, unknown>) => {
      action = runPlan({
        ...toCommonOptions(options),
        category: typeof options['category'] === 'string' ? options['category'] : undefined,
        suggest: options['suggest'] === true,
        json: options['json'] === true,
      });
    });

  cli
    .command('affected', 'List the test files whose closure holds a file changed since a git ref')
    .option('--base <ref>', 'Git ref to compare with (merge base with HEAD)')
    .option('--files <list>', 'Comma-separated changed files instead of git (workspace-relative)')
    .option('--json', 'Print JSON on stdout')
    .action((options: Record<string, unknown>) => {
      const base = typeof options['base'] === 'string' ? options['base'] : undefined;
      const files =
        typeof options['files'] === 'string'
          ? options['files'].split(',').filter(Boolean)
          : undefined;
      if (base === undefined && files === undefined)
        throw new UsageError('affected: expected --base <git-ref> or --files <list>');
      action = runAffected({
        ...toCommonOptions(options),
        base,
        files,
        json: options['json'] === true,
      });
    });

  cli
    .command(
      'run',
      'Run test files with their own runners on a resource-sized pool, with result caching',
    )
    .option('--category <name>', 'Only this category')
    .option('--project <name>', 'Only this project')
    .option('--shard <k>', 'Only shard k of the category (k or k/n, n = configured shards)')
    .option('--files <list>', 'Only these workspace-relative test files (comma-separated)')
    .option('--optimization <level>', 'ultra_fast, aggressive, balanced or conservative')
    .option('--workers <n>', 'Fixed number of slots')
    .option('--max-workers <n>', 'Upper bound on slots')
    .option('--timeout <ms>', 'Per-file timeout in milliseconds')
    .option('--fail-fast [n]', 'Stop after n failed files (default 1)')
    .option('--retries <n>', 'Retries of a failed file')
    .option('--report-dir <dir>', 'Report folder (default .shardwise/reports)')
    .option('--cache-dir <dir>', 'Cache folder (default .shardwise/cache)')
    .option('--clear-cache', 'Empty the result cache first')
    .option('--no-cache', 'Run every file; read and write no result')
    .option('-u, --update-snapshots', "Run the runners' snapshot update; bypasses every cache")
    .option(
      '--coverage',
      "Coverage with each runner's own provider, merged into <report>/coverage (cached files too)",
    )
    .option('--json', 'Print the JSON report on stdout')
    .option('--verbose', 'A line per file as it finishes')
    .action((options: Record<string, unknown>) => {
      action = runRun({ ...toCommonOptions(options), ...parseRunFlags(options), argv });
    });

  cli
    .command(
      'report [...dirs]',
      "Write the last run's HTML report and print its path; --history, --recommend, --merge <dirs…>",
    )
    .option('--open', 'Open the HTML report (xdg-open/open; else prints the path)')
    .option('--history', 'Trends per category over the recorded runs, and the time saved')
    .option('--recommend', 'Recommendations from the recorded runs, with their figures')
    .option('--merge', 'Merge the report folders given as arguments into one run report')
    .option('--report-dir <dir>', 'Report folder (default .shardwise/reports)')
    .option(
      '--cache-dir <dir>',
      'Cache folder, where the run history is (default .shardwise/cache)',
    )
    .option('--json', 'Print JSON on stdout')
    .action((dirs: string[], options: Record<string, unknown>) => {
      action = runReport({ ...toCommonOptions(options), ...parseReportFlags(options), dirs });
    });

  cli
    .command('watch', 'On each save, rerun the test files whose closure holds the saved file')
    .option('--category <name>', 'Only this category')
    .option('--project <name>', 'Only this project')
    .option('--debounce <ms>', 'Quiet time after a save before the rerun (default 200)')
    .option('--optimization <level>', 'ultra_fast, aggressive, balanced or conservative')
    .option('--workers <n>', 'Fixed number of slots')
    .option('--max-workers <n>', 'Upper bound on slots')
    .option('--timeout <ms>', 'Per-file timeout in milliseconds')
    .option('--retries <n>', 'Retries of a failed file')
    .option('--report-dir <dir>', 'Report folder (default .shardwise/reports)')
    .option('--cache-dir <dir>', 'Cache folder (default .shardwise/cache)')
    .option('--json', 'One JSON line per watch event on stdout')
    .option('--verbose', 'Log pool and planning decisions')
    .action((options: Record<string, unknown>) => {
      const { selection, flags, json, verbose } = parseRunFlags(options);
      action = runWatch({
        ...toCommonOptions(options),
        project: selection.project,
        category: selection.category,
        flags,
        debounceMs: parseDebounce(options['debounce']),
        json,
        verbose,
        argv,
      });
    });

  cli
    .command('bench', "Time the runner's standard command against shardwise run on the same files")
    .option('--category <name>', 'The category to benchmark (required)')
    .option('--project <name>', 'Only this project')
    .option('--rounds <n>', 'Rounds of A B (default 3)')
    .option('--json', 'Print the result as JSON on stdout')
    .action((options: Record<string, unknown>) => {
      const category = typeof options['category'] === 'string' ? options['category'] : undefined;
      if (category === undefined) throw new UsageError('bench: expected --category <name>');
      const rounds = options['rounds'] === undefined ? 3 : Number(options['rounds']);
      if (!Number.isInteger(rounds) || rounds < 1) {
        throw new UsageError(
          `bench: --rounds expects an integer ≥ 1, got ${JSON.stringify(options['rounds'])}`,
        );
      }
      action = runBench({
        ...toCommonOptions(options),
        category,
        project: typeof options['project'] === 'string' ? options['project'] : undefined,
        rounds,
        json: options['json'] === true,
      });
    });

  cli
    .command(
      'timings <action>',
      'timings update: write shardwise-timings.json (recorded, else estimated)',
    )
    .action((subcommand: string, options: Record<string, unknown>) => {
      if (subcommand !== 'update')
        throw new UsageError(`timings: expected "update", got "${subcommand}"`);
      action = runTimingsUpdate(toCommonOptions(options));
    });

  cli
    .command(
      'cache <action>',
      'cache clear | stats | warm: empty the cache, show entries, size and hit rate, or fill it ahead',
    )
    .option('--cache-dir <dir>', 'Cache folder (default .shardwise/cache)')
    .option('--json', 'Print JSON on stdout')
    .action((subcommand: string, options: Record<string, unknown>) => {
      action = runCache({
        ...toCommonOptions(options),
        action: subcommand,
        cacheDir: typeof options['cacheDir'] === 'string' ? options['cacheDir'] : undefined,
        json: options['json'] === true,
      });
    });

  cli.help();
  cli.version(shardwiseVersion());

  try {
    cli.parse(['node', 'shardwise', ...argv], { run: false });
    if (cli.matchedCommand === undefined && !cli.options['help'] && !cli.options['version']) {
      if (cli.args.length > 0)
        throw new UsageError(`unknown command "${cli.args[0]}"; see "shardwise --help"`);
      cli.outputHelp();
      return 0;
    }
    await cli.runMatchedCommand();
    if (action !== undefined) exitCode = await action;
  } catch (error) {
    exitCode = reportError(error);
  } finally {
    await closeParsePool();
  }
  return exitCode;
}

function reportError(error: unknown): number {
  if (isShardwiseError(error)) {
    process.stderr.write(`shardwise: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === 'CACError') {
    process.stderr.write(`shardwise: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(
    `shardwise: internal error — please report it with this output:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
