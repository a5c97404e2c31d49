/**
 * Writes a run's report folder: `<reportDir>/<run-id>/report.json` and `junit.xml`, then points
 * `<reportDir>/latest` at it. Each file is written atomically, `latest` last, so a reader never
 * follows the pointer to a half-written report.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { toJUnitXml } from './junit';
import type { ReportTest, RunReport } from './report-schema';

export interface WrittenReport {
  dir: string;
  json: string;
  junit: string;
}

export function writeRunReport(
  reportDir: string,
  report: RunReport,
  failedAttempts: ReadonlyMap<string, ReportTest[][]>,
): WrittenReport {
  const dir = join(reportDir, report.runId);
  const json = join(dir, 'report.json');
  const junit = join(dir, 'junit.xml');
  writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(junit, toJUnitXml(report, failedAttempts));
  writeFileAtomic(join(reportDir, 'latest'), `${report.runId}\n`);
  return { dir, json, junit };
}
