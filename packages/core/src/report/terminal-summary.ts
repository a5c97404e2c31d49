/** The end-of-run summary printed on stderr: counts, cache hits, failures, slowest files. */
import type { RunReport } from './report-schema';

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatRunSummary(report: RunReport, reportPath: string | undefined): string {
  const s = report.summary;
  const lines: string[] = [];
  const problems = report.files.filter((f) => f.status === 'failed' || f.status === 'quarantined');
  for (const file of problems) {
    lines.push(
      `${file.status === 'failed' ? 'FAIL' : 'QUARANTINED'} ${file.path} (${file.failureCategory ?? 'unknown'}${file.attempts > 1 ? `, ${file.attempts} attempts` : ''})`,
    );
    for (const test of file.tests.filter((t) => t.status === 'failed').slice(0, 5)) {
      lines.push(`  ✕ ${test.name}`);
      const message = test.failure?.message.split('\n').slice(0, 6).join('\n    ') ?? '';
      if (message !== '') lines.push(`    ${message}`);
    }
    if (file.reason !== null && file.tests.every((t) => t.status !== 'failed'))
      lines.push(`  ${file.reason}`);
  }
  const flaky = report.files.filter((f) => f.status === 'flaky');
  for (const file of flaky) lines.push(`FLAKY ${file.path} (passed on attempt ${file.attempts})`);
  const notRun = report.files.filter((f) => f.status === 'notRun');
  if (notRun.length > 0) {
    const reasons = new Map<string, number>();
    for (const f of notRun)
      reasons.set(f.reason ?? 'not run', (reasons.get(f.reason ?? 'not run') ?? 0) + 1);
    for (const [reason, n] of reasons)
      lines.push(`NOT RUN ${n} file${n === 1 ? '' : 's'}: ${reason}`);
  }
  if (lines.length > 0) lines.push('');
  const ran = report.files.filter((f) => !f.cached && f.startMs !== null && f.endMs !== null);
  const slowest = [...ran].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3);
  lines.push(
    `Tests  ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.todo} todo${s.flaky > 0 ? `, ${s.flaky} flaky` : ''}`,
    `Files  ${s.files} (${s.cachedFiles} cached, ${ran.length} ran, ${s.notRunFiles} not run, ${s.failedFiles} failed)`,
    `Time   ${duration(s.wallMs)} wall, ${duration(s.cpuMs)} CPU · ${report.pool.initialSlots}→${report.pool.maxSlots} slots (${report.pool.reason}) · ${Math.round(report.utilisation.busySlotFraction * 100)}% slots busy`,
  );
  const peakCpu = Math.max(0, ...report.samples.map((x) => x.cpu));
  const peakMemory = Math.max(0, ...report.samples.map((x) => x.memory));
  if (report.samples.length > 0)
    lines.push(
      `Load   CPU peak ${Math.round(peakCpu * 100)}%, memory peak ${Math.round(peakMemory * 100)}%`,
    );
  if (slowest.length > 0)
    lines.push(`Slow   ${slowest.map((f) => `${f.path} ${duration(f.durationMs)}`).join(', ')}`);
  if (reportPath !== undefined) lines.push(`Report ${reportPath}`);
  lines.push(s.status === 'interrupted' ? 'INTERRUPTED' : s.failedFiles > 0 ? 'FAILED' : 'PASSED');
  return lines.join('\n');
}
