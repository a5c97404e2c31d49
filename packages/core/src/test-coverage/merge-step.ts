/**
 * The coverage part of `shardwise report --merge <dirs…>`: every shard run folder that holds a
 * merged coverage report (`coverage/coverage-final.json`, written by `run --coverage`) adds its
 * map to one report in the merged run's folder. Shards without coverage are named, not guessed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  COVERAGE_FILES,
  formatCoverageLine,
  mergeCoverage,
  readCoverageFile,
} from './merge-coverage';
import type { MergedCoverage } from './merge-coverage';

/** What the merge step reads from the report merge (see report/merge-reports.ts MergeContext). */
export interface CoverageMergeContext {
  sources: readonly { dir: string }[];
  outDir: string;
  /** lcov.info names sources relative to it (default: the current folder). */
  projectRoot?: string;
}

/** Merges the shards' coverage into `<outDir>/coverage`; undefined when no shard has any. */
export function mergeShardCoverage(
  context: CoverageMergeContext,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): MergedCoverage | undefined {
  const withCoverage: string[] = [];
  const without: string[] = [];
  for (const source of context.sources) {
    const file = join(source.dir, 'coverage', COVERAGE_FILES.final);
    (existsSync(file) ? withCoverage : without).push(source.dir);
  }
  if (withCoverage.length === 0) return undefined;
  if (without.length > 0)
    log(`coverage: ${without.length} shard report(s) have none: ${without.join(', ')}`);
  const merged = mergeCoverage(
    withCoverage.map((dir) => readCoverageFile(join(dir, 'coverage', COVERAGE_FILES.final))),
    join(context.outDir, 'coverage'),
    { projectRoot: context.projectRoot ?? process.cwd() },
  );
  log(formatCoverageLine(merged));
  return merged;
}

/** For `MERGE_STEPS` in cli/report-command.ts. */
export function coverageMergeStep(context: CoverageMergeContext): void {
  mergeShardCoverage(context);
}
