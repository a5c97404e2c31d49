/**
 * What "no cache entry is half-written" means, checked on a cache folder after a run ended:
 * - every file under `results/` is a complete entry (`<2 hex>/<key>.json`, parses, version 1, its
 *   `key` equal to its file name, no failed test) and no temporary file of an atomic write is left;
 * - `history/files.json`, when present, parses and has version 1; every line of
 *   `history/runs.jsonl` parses and the last one is complete;
 * - no run's scratch folder (`tmp/<run-id>`) and no lock folder (`*.lock`) outlived its run.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function walk(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    out.push(path);
    if (statSync(path).isDirectory()) out.push(...walk(path));
  }
  return out;
}

function jsonOf(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function cacheProblems(cacheDir: string): string[] {
  const problems: string[] = [];
  const results = join(cacheDir, 'results');
  for (const path of walk(results)) {
    const name = relative(results, path);
    if (statSync(path).isDirectory()) {
      if (!/^[0-9a-f]{2}$/.test(name)) problems.push(`unexpected folder results/${name}`);
      continue;
    }
    const match = /^[0-9a-f]{2}\/([0-9a-f]{64})\.json$/.exec(name);
    if (match === null) {
      problems.push(`not a cache entry: results/${name}`);
      continue;
    }
    try {
      const entry = jsonOf(path) as {
        version?: unknown;
        key?: unknown;
        tests?: Array<{ status?: unknown }>;
      };
      if (entry.version !== 1) problems.push(`results/${name}: version ${String(entry.version)}`);
      if (entry.key !== match[1]) problems.push(`results/${name}: holds key ${String(entry.key)}`);
      if (!Array.isArray(entry.tests)) problems.push(`results/${name}: no tests array`);
      else if (entry.tests.some((t) => t.status === 'failed'))
        problems.push(`results/${name}: a cached pass holds a failed test`);
    } catch (error) {
      problems.push(`results/${name}: ${(error as Error).message}`);
    }
  }
  const history = join(cacheDir, 'history', 'files.json');
  if (existsSync(history)) {
    try {
      const parsed = jsonOf(history) as { version?: unknown };
      if (parsed.version !== 1)
        problems.push(`history/files.json: version ${String(parsed.version)}`);
    } catch (error) {
      problems.push(`history/files.json: ${(error as Error).message}`);
    }
  }
  const runLog = join(cacheDir, 'history', 'runs.jsonl');
  if (existsSync(runLog)) {
    const text = readFileSync(runLog, 'utf8');
    if (text !== '' && !text.endsWith('\n'))
      problems.push('history/runs.jsonl: a half-written line');
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      try {
        // A line may end with a tab and its checksum (history/run-history.ts).
        JSON.parse(line.replace(/\t[0-9a-f]+$/, ''));
      } catch {
        problems.push(`history/runs.jsonl: not JSON: ${line.slice(0, 80)}`);
      }
    }
  }
  for (const path of walk(join(cacheDir, 'history'))) {
    if (!/(files\.json|runs\.jsonl)$/.test(path))
      problems.push(`left in history/: ${relative(cacheDir, path)}`);
  }
  const scratch = join(cacheDir, 'tmp');
  if (existsSync(scratch) && readdirSync(scratch).length > 0)
    problems.push(`run scratch folders left: ${readdirSync(scratch).join(', ')}`);
  for (const path of walk(cacheDir))
    if (path.endsWith('.lock')) problems.push(`lock left: ${relative(cacheDir, path)}`);
  return problems;
}

/** Keys of the complete result entries in a cache folder. */
export function cacheKeys(cacheDir: string): string[] {
  return walk(join(cacheDir, 'results'))
    .map((path) => /([0-9a-f]{64})\.json$/.exec(path)?.[1])
    .filter((key): key is string => key !== undefined)
    .sort();
}
