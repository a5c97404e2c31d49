/**
 * The lines printed after a run's summary for coverage and snapshots: the merged coverage
 * totals and where the report is, runners that collect none, and obsolete snapshots as the
 * runners report them (with the command that removes them).
 */
import type { RunTestsResult } from '../run/run-tests';
import { formatCoverageLine } from './merge-coverage';

const MAX_LISTED = 10;

export function formatEverydayNotes(
  result: Pick<RunTestsResult, 'coverage' | 'coverageUnsupported' | 'obsoleteSnapshots'>,
  options: { updateSnapshots?: boolean | undefined } = {},
): string[] {
  const lines: string[] = [];
  if (result.coverage !== undefined) lines.push(formatCoverageLine(result.coverage));
  if (result.coverageUnsupported !== undefined && result.coverageUnsupported.length > 0) {
    lines.push(
      `coverage: not collected for ${result.coverageUnsupported.join(', ')} test files (no provider Shardwise drives per file)`,
    );
  }
  const obsolete = result.obsoleteSnapshots;
  if (obsolete.length > 0) {
    const count = obsolete.reduce((sum, file) => sum + Math.max(1, file.keys.length), 0);
    lines.push(
      options.updateSnapshots === true
        ? `snapshots: ${count} obsolete removed from ${obsolete.length} test file(s) by the update`
        : `snapshots: ${count} obsolete in ${obsolete.length} test file(s); \`shardwise run -u\` removes them`,
    );
    for (const file of obsolete.slice(0, MAX_LISTED))
      lines.push(`  ${file.path}: ${file.keys.join(', ') || '(obsolete snapshot file)'}`);
    if (obsolete.length > MAX_LISTED) lines.push(`  … and ${obsolete.length - MAX_LISTED} more`);
  }
  return lines;
}
