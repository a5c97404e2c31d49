/**
 * Trends over recorded runs, per category: time spent running its files, cache hit rate, flaky
 * rate and failure rate, run by run, for `shardwise report --history` and the HTML report.
 */
import type { RunHistoryEntry } from './run-history';

export interface TrendPoint {
  runId: string;
  startedAt: string;
  /** Time spent running the category's files (sum of their run times). */
  ranMs: number;
  /** The same files run serially without the cache: ran plus the recorded time of cached files. */
  baselineMs: number;
  files: number;
  /** Cached files / files. */
  cacheHitRate: number;
  /** Flaky files / files that ran (0 when none ran). */
  flakyRate: number;
  /** Failed files / files that ran (0 when none ran). */
  failureRate: number;
}

export interface CategoryTrend {
  category: string;
  points: TrendPoint[];
}

export interface RunTrendPoint {
  runId: string;
  startedAt: string;
  wallMs: number;
  status: RunHistoryEntry['status'];
  cacheHitRate: number;
  flakyRate: number;
}

export interface Trends {
  runs: RunTrendPoint[];
  categories: CategoryTrend[];
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

export function computeTrends(runs: readonly RunHistoryEntry[]): Trends {
  const byCategory = new Map<string, TrendPoint[]>();
  const runPoints: RunTrendPoint[] = [];
  for (const run of runs) {
    let files = 0;
    let cached = 0;
    let ran = 0;
    let flaky = 0;
    for (const [category, c] of Object.entries(run.categories)) {
      files += c.files;
      cached += c.cachedFiles;
      ran += c.ranFiles;
      flaky += c.flakyFiles;
      let points = byCategory.get(category);
      if (points === undefined) byCategory.set(category, (points = []));
      points.push({
        runId: run.runId,
        startedAt: run.startedAt,
        ranMs: c.ranMs,
        baselineMs: c.ranMs + c.cachedMs,
        files: c.files,
        cacheHitRate: rate(c.cachedFiles, c.files),
        flakyRate: rate(c.flakyFiles, c.ranFiles),
        failureRate: rate(c.failedFiles, c.ranFiles),
      });
    }
    runPoints.push({
      runId: run.runId,
      startedAt: run.startedAt,
      wallMs: run.wallMs,
      status: run.status,
      cacheHitRate: rate(cached, files),
      flakyRate: rate(flaky, ran),
    });
  }
  return {
    runs: runPoints,
    categories: [...byCategory.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([category, points]) => ({ category, points })),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of values, scaled between their minimum and maximum. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values
    .map((v) =>
      high === low ? BARS[0] : BARS[Math.round(((v - low) / (high - low)) * (BARS.length - 1))],
    )
    .join('');
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

const percent = (r: number) => `${Math.round(r * 100)}%`;

/** The `--history` text: per category, the last `limit` runs. */
export function formatTrends(trends: Trends, limit = 20): string {
  if (trends.runs.length === 0) return 'No recorded runs yet: run `shardwise run` first.';
  const recent = trends.runs.slice(-limit);
  const lines = [
    `Last ${recent.length} of ${trends.runs.length} recorded run(s), oldest first`,
    '',
    `all        wall ${sparkline(recent.map((r) => r.wallMs))}  median ${duration(median(recent.map((r) => r.wallMs)))}, last ${duration(recent.at(-1)!.wallMs)} · cache hits ${percent(median(recent.map((r) => r.cacheHitRate)))} median · flaky ${percent(median(recent.map((r) => r.flakyRate)))} median`,
  ];
  for (const { category, points } of trends.categories) {
    const last = points.slice(-limit);
    const latest = last.at(-1)!;
    lines.push(
      `${category.padEnd(10)} ran  ${sparkline(last.map((p) => p.ranMs))}  median ${duration(median(last.map((p) => p.ranMs)))}, last ${duration(latest.ranMs)} (uncached ${duration(latest.baselineMs)}) · cache hits ${sparkline(last.map((p) => p.cacheHitRate))} last ${percent(latest.cacheHitRate)} · flaky ${percent(median(last.map((p) => p.flakyRate)))} median, last ${percent(latest.flakyRate)} · ${last.length} run(s)`,
    );
  }
  return lines.join('\n');
}
