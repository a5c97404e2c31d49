/**
 * `shardwise cache clear | stats | warm`.
 *
 * - clear: removes the result cache and the import cache (parsed imports); the run history (timings,
 *   hit rate) stays, since it is a record rather than a cache.
 * - stats: result entries, their size, the oldest and newest, the hit rate over recent runs (from
 *   the run log) and the import cache's size.
 * - warm: plans the workspace, which parses every file the closures reach and hashes every closure
 *   (the import cache), then pre-transforms each Jest project's closure files with Jest's own
 *   ScriptTransformer into Jest's cache folder, so the first real run starts warm.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { planWorkspace } from '../api/plan-workspace';
import { CoverageMapStore } from '../cache/coverage-maps';
import { ResultCache } from '../cache/result-cache';
import { RunLog } from '../cache/run-log';
import { warmJestTransforms, type JestWarmResult } from '../cache/warm-jest';
import { loadConfig } from '../config/load-config';
import { UsageError } from '../errors';

export interface CacheCommandOptions {
  cwd: string;
  configFile: string | undefined;
  action: string;
  cacheDir: string | undefined;
  json: boolean;
}

const IMPORT_CACHE = join('graph', 'imports.json');

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function runCache(options: CacheCommandOptions): Promise<number> {
  const { config } = loadConfig({ workspaceRoot: options.cwd, configFile: options.configFile });
  const configured = options.cacheDir ?? config.cacheDir;
  const cacheDir = isAbsolute(configured) ? configured : join(options.cwd, configured);
  const results = new ResultCache(cacheDir, config.cacheTtlHours * 3_600_000);

  if (options.action === 'clear') {
    const before = results.stats();
    const importBytes = fileSize(join(cacheDir, IMPORT_CACHE));
    results.clear();
    new CoverageMapStore(cacheDir).clear();
    rmSync(join(cacheDir, IMPORT_CACHE), { force: true });
    const cleared = { resultEntries: before.entries, resultBytes: before.bytes, importBytes };
    if (options.json) print(JSON.stringify({ schemaVersion: 1, cacheDir, cleared }, null, 2));
    else
      process.stderr.write(
        `Cleared ${cacheDir}: ${before.entries} result entr${before.entries === 1 ? 'y' : 'ies'} (${formatBytes(before.bytes)}) and the import cache (${formatBytes(importBytes)})\n`,
      );
    return 0;
  }

  if (options.action === 'stats') {
    const stats = results.stats();
    const hitRate = new RunLog(cacheDir).hitRate();
    const importBytes = fileSize(join(cacheDir, IMPORT_CACHE));
    const iso = (ms: number | undefined) =>
      ms === undefined ? null : new Date(Math.round(ms)).toISOString();
    const json = {
      schemaVersion: 1,
      cacheDir,
      results: {
        entries: stats.entries,
        bytes: stats.bytes,
        oldest: iso(stats.oldestMs),
        newest: iso(stats.newestMs),
        ttlHours: config.cacheTtlHours,
      },
      hitRate: {
        runs: hitRate.runs,
        selectedFiles: hitRate.selected,
        cachedFiles: hitRate.cached,
        rate: hitRate.rate ?? null,
      },
      importCache: { exists: existsSync(join(cacheDir, IMPORT_CACHE)), bytes: importBytes },
    };
    if (options.json) {
      print(JSON.stringify(json, null, 2));
      return 0;
    }
    const rate =
      hitRate.rate === undefined
        ? 'no runs recorded yet'
        : `${(hitRate.rate * 100).toFixed(1)}% (${hitRate.cached} of ${hitRate.selected} files over the last ${hitRate.runs} run(s) that used the cache)`;
    print(
      [
        `Cache      ${cacheDir}`,
        `Entries    ${stats.entries} recorded pass(es), ${formatBytes(stats.bytes)}`,
        `Oldest     ${json.results.oldest ?? '-'} (entries expire after ${config.cacheTtlHours} h)`,
        `Newest     ${json.results.newest ?? '-'}`,
        `Hit rate   ${rate}`,
        `Imports    ${json.importCache.exists ? formatBytes(importBytes) : 'not built (run shardwise cache warm)'}`,
      ].join('\n'),
    );
    return 0;
  }

  if (options.action === 'warm') {
    const started = performance.now();
    const plan = await planWorkspace({ workspaceRoot: options.cwd, config });
    const planMs = performance.now() - started;
    const jest: JestWarmResult[] = await warmJestTransforms(plan, (line) =>
      process.stderr.write(`${line}\n`),
    );
    const testFiles = plan.projects.reduce(
      (sum, p) =>
        sum + p.categories.reduce((s, c) => s + c.shards.flatMap((x) => x.files).length, 0),
      0,
    );
    const summary = {
      schemaVersion: 1,
      cacheDir,
      closures: {
        testFiles,
        graphFiles: plan.stats.graphFiles,
        parsed: plan.stats.parsed,
        fromImportCache: plan.stats.cached,
        ms: Math.round(planMs),
      },
      jest,
    };
    if (options.json) {
      print(JSON.stringify(summary, null, 2));
      return 0;
    }
    process.stderr.write(
      `Closures: ${testFiles} test file(s), ${plan.stats.graphFiles} files in the graph (${plan.stats.parsed} parsed, ${plan.stats.cached} from the import cache) in ${(planMs / 1000).toFixed(1)}s\n`,
    );
    for (const j of jest)
      process.stderr.write(
        `Jest ${j.project}: ${j.transformed} file(s) pre-transformed into Jest's cache${j.error === undefined ? '' : ` (${j.error})`}\n`,
      );
    process.stderr.write(
      'Vitest and node:test: no transform cache to fill ahead (Vite transforms in memory per run); their closures are warm.\n',
    );
    return 0;
  }

  throw new UsageError(`cache: expected "clear", "stats" or "warm", got "${options.action}"`);
}
