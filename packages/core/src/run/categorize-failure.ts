/**
 * Sorts a failure into a category from its message and how the process ended. Order matters:
 * a crash or timeout seen by the orchestrator outranks what the message says.
 */
import type { FailureCategory } from '../report/report-schema';

const INFRASTRUCTURE =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE)\b|socket hang up|getaddrinfo|connection terminated unexpectedly|Connection refused|too many clients/i;
const TIMEOUT = /\btimed? ?out\b|Exceeded timeout|timeout of \d+ ?ms|Test timed out|test timeout/i;
const COMPILE =
  /SyntaxError|Cannot find module|Cannot use import statement|Unexpected token|Transform failed|ERR_MODULE_NOT_FOUND|Failed to load url|TS\d{4}:|is not a constructor|ReferenceError: \w+ is not defined at .*(import|require)/;
const CRASH =
  /heap out of memory|JavaScript heap|FATAL ERROR|Segmentation fault|process\.exit|exited with code|killed with signal|SIGKILL|SIGSEGV|SIGABRT/i;
const ASSERTION =
  /AssertionError|expect\(|Expected|toBe|toEqual|assert\.|ERR_ASSERTION|\bexpected\b.*\b(to|but)\b/;

export interface FailureEvidence {
  message: string;
  /** The orchestrator ended the file for exceeding its time. */
  timedOut?: boolean;
  /** The runner process died (signal, or exit without reporting this file). */
  crashed?: boolean;
}

export function categorizeFailure(evidence: FailureEvidence): FailureCategory {
  if (evidence.timedOut) return 'timeout';
  if (evidence.crashed) return 'crash';
  const message = evidence.message;
  if (INFRASTRUCTURE.test(message)) return 'infrastructure';
  if (CRASH.test(message)) return 'crash';
  if (COMPILE.test(message)) return 'compile';
  if (TIMEOUT.test(message)) return 'timeout';
  if (ASSERTION.test(message)) return 'assertion';
  return 'unknown';
}
