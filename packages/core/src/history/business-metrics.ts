/**
 * Time saved and what it is worth, against the recorded baseline: the same files run one after
 * another without the cache (the sum of their recorded run times). The cache saves the recorded
 * time of every file it served; parallelism saves the rest of the files' run time beyond the
 * run's wall time. Money is an estimate from the configured rates; it says so wherever shown.
 */
import type { RunHistoryEntry } from './run-history';

export interface Savings {
  runs: number;
  /** Sum of the files' run times (ran plus the recorded time of cached files). */
  baselineMs: number;
  wallMs: number;
  /** Recorded run time of the files served from the cache. */
  cacheSavedMs: number;
  /** Run time of the files that ran, minus wall time (negative when overhead outweighed it). */
  parallelSavedMs: number;
  totalSavedMs: number;
}

export interface CostRates {
  ciMinute: number | undefined;
  developerHour: number | undefined;
  currency: string;
}

export interface CostEstimate {
  currency: string;
  /** Saved machine minutes × ciMinute; undefined without a rate. */
  ciSaved: number | undefined;
  /** Saved waiting hours × developerHour; undefined without a rate. */
  developerSaved: number | undefined;
}

export function savingsOf(runs: readonly RunHistoryEntry[]): Savings {
  let cacheSavedMs = 0;
  let ranMs = 0;
  let wallMs = 0;
  for (const run of runs) {
    wallMs += run.wallMs;
    for (const c of Object.values(run.categories)) {
      cacheSavedMs += c.cachedMs;
      ranMs += c.ranMs;
    }
  }
  const parallelSavedMs = ranMs - wallMs;
  return {
    runs: runs.length,
    baselineMs: ranMs + cacheSavedMs,
    wallMs,
    cacheSavedMs,
    parallelSavedMs,
    totalSavedMs: cacheSavedMs + parallelSavedMs,
  };
}

export function estimateCost(savings: Savings, rates: CostRates): CostEstimate {
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
    currency: rates.currency,
    ciSaved:
      rates.ciMinute === undefined
        ? undefined
        : round2((savings.totalSavedMs / 60_000) * rates.ciMinute),
    developerSaved:
      rates.developerHour === undefined
        ? undefined
        : round2((savings.totalSavedMs / 3_600_000) * rates.developerHour),
  };
}

function duration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)}s`;
  if (abs < 3_600_000)
    return `${sign}${Math.floor(abs / 60_000)}m${Math.round((abs % 60_000) / 1000)}s`;
  return `${sign}${Math.floor(abs / 3_600_000)}h${Math.round((abs % 3_600_000) / 60_000)}m`;
}

export function formatSavings(label: string, savings: Savings, cost: CostEstimate): string {
  const money = (value: number | undefined, what: string) =>
    value === undefined
      ? `${what}: no rate configured (costs.${what === 'CI' ? 'ciMinute' : 'developerHour'})`
      : `${what} ≈ ${value.toFixed(2)} ${cost.currency}`;
  return [
    `${label} (${savings.runs} run(s)): ${duration(savings.totalSavedMs)} saved of a ${duration(savings.baselineMs)} serial, uncached baseline (wall ${duration(savings.wallMs)})`,
    `  cache ${duration(savings.cacheSavedMs)}, parallelism ${duration(savings.parallelSavedMs)}`,
    `  estimate: ${money(cost.ciSaved, 'CI')}, ${money(cost.developerSaved, 'developer time')}`,
  ].join('\n');
}
