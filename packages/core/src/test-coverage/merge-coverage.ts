/**
 * Merges coverage maps (one per test file, or one per shard) into one report folder with
 * istanbul's own libraries: `lcov.info`, `coverage-summary.json` (json-summary),
 * `coverage-final.json` (the merged map, istanbul JSON) and `coverage-summary.txt`
 * (text-summary). Hit counts add up, as when one runner process ran every file.
 *
 * The folder is built aside and renamed into place, so a crash never leaves a half-written one.
 */
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type libCoverage from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';
import { ShardwiseError } from '../errors';
import { CoverageAccumulator } from './coverage-accumulator';
import { coverageDataSchema, type CoverageData } from './file-artifacts';

export const COVERAGE_FILES = {
  lcov: 'lcov.info',
  summary: 'coverage-summary.json',
  final: 'coverage-final.json',
  text: 'coverage-summary.txt',
} as const;

export interface CoverageTotals {
  lines: { total: number; covered: number; pct: number };
  statements: { total: number; covered: number; pct: number };
  functions: { total: number; covered: number; pct: number };
  branches: { total: number; covered: number; pct: number };
}

export interface MergedCoverage {
  dir: string;
  /** Source files in the merged map. */
  files: number;
  totals: CoverageTotals;
  /** istanbul's text-summary block. */
  text: string;
}

/**
 * Merges `inputs` and writes the report folder `outDir` (replacing what was there). `lcov.info`
 * names sources relative to `projectRoot` (the workspace root), as CI coverage services expect.
 */
export function mergeCoverage(
  inputs: Iterable<CoverageData>,
  outDir: string,
  options: { projectRoot?: string } = {},
): MergedCoverage {
  const accumulator = new CoverageAccumulator();
  for (const input of inputs) accumulator.add(input);
  return writeCoverageReport(
    accumulator.toCoverageMap(),
    outDir,
    options.projectRoot ?? process.cwd(),
  );
}

/** Writes the report folder for coverage already summed (see CoverageAccumulator). */
export function writeAccumulatedCoverage(
  accumulator: CoverageAccumulator,
  outDir: string,
  options: { projectRoot?: string } = {},
): MergedCoverage {
  return writeCoverageReport(
    accumulator.toCoverageMap(),
    outDir,
    options.projectRoot ?? process.cwd(),
  );
}

/** Reads a `coverage-final.json` (istanbul JSON) written by `mergeCoverage` or a runner. */
export function readCoverageFile(file: string): CoverageData {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (cause) {
    throw new ShardwiseError('SHARDWISE_COVERAGE', `cannot read coverage ${file}`, { cause });
  }
  const parsed = coverageDataSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ShardwiseError(
      'SHARDWISE_COVERAGE',
      `${file} is not istanbul coverage JSON (path → {statementMap, s, fnMap, f, branchMap, b}): ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsed.data;
}

function writeCoverageReport(
  map: libCoverage.CoverageMap,
  outDir: string,
  projectRoot: string,
): MergedCoverage {
  const building = join(
    dirname(outDir),
    `.${Math.random().toString(36).slice(2)}.${process.pid}.coverage-tmp`,
  );
  try {
    const context = libReport.createContext({
      dir: building,
      coverageMap: map,
      defaultSummarizer: 'flat',
    });
    reports.create('lcovonly', { file: COVERAGE_FILES.lcov, projectRoot }).execute(context);
    reports.create('json-summary', { file: COVERAGE_FILES.summary }).execute(context);
    reports.create('json', { file: COVERAGE_FILES.final }).execute(context);
    reports.create('text-summary', { file: COVERAGE_FILES.text }).execute(context);
    const text = readFileSync(join(building, COVERAGE_FILES.text), 'utf8').trim();
    rmSync(outDir, { recursive: true, force: true });
    renameSync(building, outDir);
    const summary = map.getCoverageSummary();
    const totals = {
      lines: pick(summary.lines),
      statements: pick(summary.statements),
      functions: pick(summary.functions),
      branches: pick(summary.branches),
    };
    return { dir: outDir, files: map.files().length, totals, text };
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

function pick(metric: libCoverage.CoverageSummaryData['lines']): {
  total: number;
  covered: number;
  pct: number;
} {
  return {
    total: metric.total,
    covered: metric.covered,
    pct: typeof metric.pct === 'number' ? metric.pct : 100,
  };
}

/** One line for the run summary: `coverage: lines 82.1% (410/499), … → <dir>`. */
export function formatCoverageLine(merged: MergedCoverage): string {
  const part = (name: string, m: { covered: number; total: number; pct: number }) =>
    `${name} ${m.pct}% (${m.covered}/${m.total})`;
  const { lines, statements, functions, branches } = merged.totals;
  return `coverage: ${part('lines', lines)}, ${part('statements', statements)}, ${part('functions', functions)}, ${part('branches', branches)} in ${merged.files} source file(s) → ${merged.dir}`;
}
