/**
 * Writes a run's report folder: `<reportDir>/<run-id>/report.json`, `junit.xml` and (when given)
 * `report.html`, then points
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
  /** undefined when no HTML was given. */
  html: string | undefined;
}

export function writeRunReport(
  reportDir: string,
  report: RunReport,
  failedAttempts: ReadonlyMap<string, ReportTest[][]>,
  renderHtml?: (report: RunReport) => string,
): WrittenReport {
  const dir = join(reportDir, report.runId);
  const json = join(dir, 'report.json');
  const junit = join(dir, 'junit.xml');
  writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(junit, toJUnitXml(report, failedAttempts));
  let html: string | undefined;
  if (renderHtml !== undefined) {
    // The HTML is for people; a fault in it must not cost the run its JSON, JUnit and pointer.
    try {
      const text = renderHtml(report);
      html = join(dir, 'report.html');
      writeFileAtomic(html, text);
    } catch (error) {
      process.stderr.write(
        `shardwise: report.html not written (${error instanceof Error ? error.message : String(error)}); report.json and junit.xml are complete\n`,
      );
    }
  }
  writeFileAtomic(join(reportDir, 'latest'), `${report.runId}\n`);
  return { dir, json, junit, html };
}
