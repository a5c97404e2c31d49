/**
 * Recommendations drawn from the recorded runs, each with the figures behind it, so a reader can
 * check the arithmetic: shard counts for a category's targetDuration, files too slow for their
 * category, tests to quarantine, a worker count from measured utilisation, and the files whose
 * closures reach the most test files.
 */
import { median } from './trends';
import type { RunHistoryEntry } from './run-history';

export type RecommendationKind = 'shards' | 'move-file' | 'quarantine' | 'workers' | 'wide-closure';

export interface Recommendation {
  kind: RecommendationKind;
  /** What it is about: a category, a file, a test. */
  subject: string;
  advice: string;
  figures: Record<string, number | string>;
}

export interface CategorySettings {
  name: string;
  /** Seconds; undefined when not configured. */
  targetDuration: number | undefined;
  shards: number;
}

export interface ClosureWidth {
  path: string;
  /** Test files whose closure holds this file. */
  dependents: number;
}

export interface RecommendOptions {
  runs: readonly RunHistoryEntry[];
  categories: readonly CategorySettings[];
  /** Source files by how many test files reach them (widest first), from the plan. */
  closureWidths?: readonly ClosureWidth[];
  testFiles?: number;
}

/** Only this many newest runs count: old timings describe old code. */
export const RECENT_RUNS = 30;
/** A file this many times its category's median file time (and at least SLOW_FILE_MIN_MS) is slow. */
export const SLOW_FILE_FACTOR = 10;
export const SLOW_FILE_MIN_MS = 2_000;
/** Quarantine a test flaky on at least this many of the recent runs that ran it… */
export const QUARANTINE_MIN_FLAKY_RUNS = 2;
/** …and at least this share of them. */
export const QUARANTINE_MIN_RATE = 0.05;
/** Slots busy less than this share of the run: fewer would do. */
export const IDLE_SLOT_FRACTION = 0.5;
/** Slots busy at least this share and CPU below HEADROOM_CPU: more would fit. */
export const BUSY_SLOT_FRACTION = 0.85;
export const HEADROOM_CPU = 0.6;
/** The busy fraction a recommended worker count aims at. */
export const TARGET_SLOT_FRACTION = 0.8;
export const WIDE_CLOSURES_SHOWN = 5;

const seconds = (ms: number) => Number((ms / 1000).toFixed(1));
const percent = (r: number) => `${Math.round(r * 100)}%`;

/** Per file, the run times of its recent runs (newest last), with its project and category. */
function fileDurations(
  runs: readonly RunHistoryEntry[],
): Map<string, { category: string; durations: number[] }> {
  const files = new Map<string, { category: string; durations: number[] }>();
  for (const run of runs) {
    for (const f of run.files) {
      if (f.status === 'notRun') continue;
      const entry = files.get(f.path);
      // A file that moved category counts in its newest one.
      if (entry === undefined)
        files.set(f.path, { category: f.category, durations: [f.durationMs] });
      else {
        entry.category = f.category;
        entry.durations.push(f.durationMs);
      }
    }
  }
  return files;
}

function shardAdvice(
  runs: readonly RunHistoryEntry[],
  categories: readonly CategorySettings[],
  durations: ReturnType<typeof fileDurations>,
): Recommendation[] {
  // The parallelism a shard gets: measured on runs with enough files to fill every slot.
  const full = runs.filter(
    (r) => Object.values(r.categories).reduce((n, c) => n + c.ranFiles, 0) >= r.maxSlots,
  );
  const parallelism =
    full.length > 0
      ? Math.max(1, median(full.map((r) => r.parallelEfficiency)))
      : Math.max(1, median(runs.map((r) => r.maxSlots)));
  const basis =
    full.length > 0
      ? `median parallel efficiency of ${full.length} run(s) that filled their slots`
      : 'median slot count (no run filled its slots yet)';
  const out: Recommendation[] = [];
  for (const category of categories) {
    if (category.targetDuration === undefined) continue;
    const files = [...durations.values()].filter((f) => f.category === category.name);
    if (files.length === 0) continue;
    // Each file at its latest measured time: the category's serial time today.
    const serialMs = files.reduce((sum, f) => sum + f.durations.at(-1)!, 0);
    const targetMs = category.targetDuration * 1000;
    const recommended = Math.max(1, Math.ceil(serialMs / parallelism / targetMs));
    if (recommended === category.shards) continue;
    out.push({
      kind: 'shards',
      subject: category.name,
      advice: `set "shards": ${recommended} for category "${category.name}" (now ${category.shards}) to meet its targetDuration of ${category.targetDuration}s`,
      figures: {
        files: files.length,
        serialSeconds: seconds(serialMs),
        parallelism: Number(parallelism.toFixed(2)),
        parallelismBasis: basis,
        targetSeconds: category.targetDuration,
        configuredShards: category.shards,
        recommendedShards: recommended,
        estimatedShardSeconds: seconds(serialMs / parallelism / recommended),
        estimatedShardSecondsNow: seconds(serialMs / parallelism / category.shards),
      },
    });
  }
  return out;
}

function slowFileAdvice(durations: ReturnType<typeof fileDurations>): Recommendation[] {
  const byCategory = new Map<string, Array<{ path: string; ms: number }>>();
  for (const [path, f] of durations) {
    let list = byCategory.get(f.category);
    if (list === undefined) byCategory.set(f.category, (list = []));
    list.push({ path, ms: median(f.durations) });
  }
  const typical = new Map(
    [...byCategory].map(([category, files]) => [category, median(files.map((f) => f.ms))]),
  );
  const out: Recommendation[] = [];
  for (const [category, files] of byCategory) {
    // With only a few files the category median says too little about what belongs in it.
    if (files.length < 4) continue;
    const categoryMs = typical.get(category)!;
    for (const file of files) {
      if (file.ms < Math.max(SLOW_FILE_MIN_MS, SLOW_FILE_FACTOR * categoryMs)) continue;
      const distance = (ms: number) => Math.abs(Math.log(file.ms / Math.max(1, ms)));
      let better: { category: string; ms: number } | undefined;
      for (const [other, ms] of typical) {
        if (other === category || (byCategory.get(other)?.length ?? 0) === 0) continue;
        if (
          distance(ms) < distance(categoryMs) &&
          (better === undefined || distance(ms) < distance(better.ms))
        )
          better = { category: other, ms };
      }
      out.push({
        kind: 'move-file',
        subject: file.path,
        advice:
          better === undefined
            ? `${file.path} takes ${Math.round(file.ms / Math.max(1, categoryMs))}× the typical "${category}" file; give slow tests a category of their own, or split the file`
            : `move ${file.path} from "${category}" to "${better.category}": its time is typical of "${better.category}"`,
        figures: {
          category,
          medianSeconds: seconds(file.ms),
          categoryMedianSeconds: seconds(categoryMs),
          timesCategoryMedian: Number((file.ms / Math.max(1, categoryMs)).toFixed(1)),
          ...(better === undefined
            ? {}
            : {
                suggestedCategory: better.category,
                suggestedCategoryMedianSeconds: seconds(better.ms),
              }),
        },
      });
    }
  }
  return out.sort(
    (a, b) => Number(b.figures['medianSeconds']) - Number(a.figures['medianSeconds']),
  );
}

function quarantineAdvice(runs: readonly RunHistoryEntry[]): Recommendation[] {
  const ranIn = new Map<string, number>();
  const flaky = new Map<string, { file: string; test: string; runs: number }>();
  const alreadyQuarantined = new Set<string>();
  for (const run of runs) {
    for (const f of run.files) {
      if (f.status === 'notRun') continue;
      ranIn.set(f.path, (ranIn.get(f.path) ?? 0) + 1);
      if (f.status === 'quarantined') alreadyQuarantined.add(f.path);
      else alreadyQuarantined.delete(f.path);
      // A flaky file whose runner named no failing test still counts, under the file's name.
      const tests = f.status === 'flaky' ? (f.flakyTests.length > 0 ? f.flakyTests : [f.path]) : [];
      for (const test of tests) {
        const key = `${f.path}\0${test}`;
        const entry = flaky.get(key) ?? { file: f.path, test, runs: 0 };
        entry.runs++;
        flaky.set(key, entry);
      }
    }
  }
  const out: Recommendation[] = [];
  for (const { file, test, runs: flakyRuns } of flaky.values()) {
    const ran = ranIn.get(file) ?? 0;
    const rate = ran > 0 ? flakyRuns / ran : 0;
    if (alreadyQuarantined.has(file)) continue;
    if (flakyRuns < QUARANTINE_MIN_FLAKY_RUNS || rate < QUARANTINE_MIN_RATE) continue;
    out.push({
      kind: 'quarantine',
      subject: test === file ? file : `${file} › ${test}`,
      advice: `quarantine ${file} (add it to its category's "quarantine") and fix "${test}": it failed then passed on a retry in ${flakyRuns} of ${ran} runs`,
      figures: { file, test, flakyRuns, runs: ran, flakyRate: percent(rate) },
    });
  }
  return out.sort((a, b) => Number(b.figures['flakyRuns']) - Number(a.figures['flakyRuns']));
}

function workerAdvice(runs: readonly RunHistoryEntry[]): Recommendation[] {
  // Only runs with work for every slot say anything about how many slots are useful.
  const full = runs.filter(
    (r) => Object.values(r.categories).reduce((n, c) => n + c.ranFiles, 0) >= r.maxSlots,
  );
  if (full.length < 3) return [];
  const slots = Math.round(median(full.map((r) => r.maxSlots)));
  const busy = median(full.map((r) => r.busySlotFraction));
  const cpuValues = full.flatMap((r) => (r.meanCpu === null ? [] : [r.meanCpu]));
  const cpu = cpuValues.length > 0 ? median(cpuValues) : undefined;
  const figures = {
    runs: full.length,
    slots,
    busySlotFraction: percent(busy),
    meanCpu: cpu === undefined ? 'not sampled' : percent(cpu),
  };
  if (busy < IDLE_SLOT_FRACTION) {
    const recommended = Math.max(1, Math.ceil((slots * busy) / TARGET_SLOT_FRACTION));
    if (recommended >= slots) return [];
    return [
      {
        kind: 'workers',
        subject: 'workers',
        advice: `use ${recommended} worker(s) instead of ${slots} ("maxWorkers": ${recommended}): slots were busy ${percent(busy)} of the time`,
        figures: { ...figures, recommendedWorkers: recommended },
      },
    ];
  }
  if (busy >= BUSY_SLOT_FRACTION && cpu !== undefined && cpu < HEADROOM_CPU) {
    const recommended = Math.min(
      slots * 2,
      Math.ceil((slots * TARGET_SLOT_FRACTION) / Math.max(0.05, cpu)),
    );
    if (recommended <= slots) return [];
    return [
      {
        kind: 'workers',
        subject: 'workers',
        advice: `allow ${recommended} worker(s) instead of ${slots} ("maxWorkers": ${recommended}): slots were busy ${percent(busy)} of the time while CPU averaged ${percent(cpu)}`,
        figures: { ...figures, recommendedWorkers: recommended },
      },
    ];
  }
  return [];
}

function closureAdvice(widths: readonly ClosureWidth[], testFiles: number): Recommendation[] {
  return widths
    .filter((w) => w.dependents >= 2)
    .slice(0, WIDE_CLOSURES_SHOWN)
    .map((w) => ({
      kind: 'wide-closure' as const,
      subject: w.path,
      advice: `a change to ${w.path} re-runs ${w.dependents} of ${testFiles} test files; splitting it (or narrowing its importers) keeps more results cached`,
      figures: {
        dependents: w.dependents,
        testFiles,
        share: percent(testFiles > 0 ? w.dependents / testFiles : 0),
      },
    }));
}

export function recommend(options: RecommendOptions): Recommendation[] {
  const runs = options.runs.slice(-RECENT_RUNS);
  const durations = fileDurations(runs);
  return [
    ...(runs.length === 0 ? [] : shardAdvice(runs, options.categories, durations)),
    ...slowFileAdvice(durations),
    ...quarantineAdvice(runs),
    ...workerAdvice(runs),
    ...closureAdvice(options.closureWidths ?? [], options.testFiles ?? 0),
  ];
}

export function formatRecommendations(recommendations: readonly Recommendation[]): string {
  if (recommendations.length === 0)
    return 'No recommendations: the recorded runs show nothing to change.';
  return recommendations
    .map(
      (r) =>
        `[${r.kind}] ${r.advice}\n    ${Object.entries(r.figures)
          .map(([k, v]) => `${k}=${v}`)
          .join(' · ')}`,
    )
    .join('\n');
}
