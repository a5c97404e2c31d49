/**
 * `OPTIMIZED_TEST_DEBUG_MODE=true` (config `debugMode`): the scheduling decisions of a run, one
 * line each on stderr — which files the cache served, how the pool was sized, which batch went to
 * which slot and why in that order, retries, and each file's end.
 */
import type { SchedulerEvent } from '../run/scheduler';

export type DebugLog = (line: string) => void;

export function stderrDebugLog(
  stream: { write(text: string): unknown } = process.stderr,
): DebugLog {
  return (line) => stream.write(`[shardwise debug] ${line}\n`);
}

/** One line per scheduler event. */
export function describeSchedulingEvent(event: SchedulerEvent): string {
  switch (event.type) {
    case 'batch-start': {
      const b = event.batch;
      const files = b.files
        .map(
          (f) =>
            `${f.path} (est ${Math.round(f.estimatedMs)}ms${f.previouslyFailed ? ', failed last time' : ''}${f.firstClass ? ', smoke first' : ''}${f.quarantined ? ', quarantined' : ''})`,
        )
        .join(', ');
      const estimate = b.files.reduce((n, f) => n + f.estimatedMs, 0);
      return `batch ${b.id} → slot ${b.slotId}: ${b.runner} in ${b.projectRoot || '.'}, ${b.files.length} file(s), est ${Math.round(estimate)}ms, budget ${b.timeoutMs}ms: ${files}`;
    }
    case 'file-done': {
      const o = event.outcome;
      return `done ${o.file.path}: ${o.status} after ${o.attempts} attempt(s), ${Math.round(o.durationMs)}ms (estimated ${Math.round(o.file.estimatedMs)}ms)${o.workerId === null ? '' : ` on slot ${o.workerId}`}${o.reason === null ? '' : ` — ${o.reason}`}`;
    }
    case 'retry':
      return `retry ${event.file.path}: attempt ${event.attempt} after ${event.delayMs}ms backoff, alone in its batch`;
    case 'fail-fast':
      return `fail-fast: ${event.failures} failed file(s) reached the threshold; cancelling the rest`;
    case 'breaker':
      return `circuit breaker ${event.state}: ${event.reason}`;
  }
}
