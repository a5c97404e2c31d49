/**
 * What the HTML report adds to a run's JSON: trends from the recorded history, recommendations,
 * and the time and cost saved. Shared by `run` (which writes report.html at the end of every run),
 * `report` and `report --merge`.
 */
import type { WorkspacePlan } from '../api/plan-workspace';
import type { ShardwiseConfig } from '../config/schema';
import { estimateCost, savingsOf } from '../history/business-metrics';
import { closureWidths } from '../history/closure-widths';
import { recommend, type Recommendation } from '../history/recommendations';
import { historyEntryOf, type HistoryRead } from '../history/run-history';
import type { HtmlReportContext } from './html-report';
import type { RunReport } from './report-schema';

export interface InsightInputs {
  report: RunReport;
  /** The recorded runs (this run included if it was recorded). */
  history: HistoryRead;
  config: Pick<ShardwiseConfig, 'categories' | 'costs'>;
  /** For the widest closures; without it that recommendation is left out. */
  plan?: WorkspacePlan;
}

export function recommendationsFor(inputs: Omit<InsightInputs, 'report'>): Recommendation[] {
  const widths = inputs.plan === undefined ? undefined : closureWidths(inputs.plan);
  return recommend({
    runs: inputs.history.runs,
    categories: inputs.config.categories.map((c) => ({
      name: c.name,
      targetDuration: c.targetDuration,
      shards: c.shards,
    })),
    closureWidths: widths?.widths,
    testFiles: widths?.testFiles,
  });
}

export function htmlContextFor(inputs: InsightInputs): HtmlReportContext {
  const rates = inputs.config.costs;
  const thisRun = savingsOf([historyEntryOf(inputs.report)]);
  const allRuns = savingsOf(inputs.history.runs);
  return {
    history: inputs.history.runs,
    skippedHistoryLines: inputs.history.skippedLines,
    recommendations: recommendationsFor(inputs),
    thisRun: { savings: thisRun, cost: estimateCost(thisRun, rates) },
    allRuns:
      inputs.history.runs.length === 0
        ? undefined
        : { savings: allRuns, cost: estimateCost(allRuns, rates) },
  };
}
