import { describe, expect, it } from 'vitest';
import { categorizeFailure } from './categorize-failure';
import { CircuitBreaker } from './circuit-breaker';
import { retryDelayMs } from './retry-backoff';

describe('categorizeFailure', () => {
  it.each([
    ['AssertionError [ERR_ASSERTION]: 1 == 2', 'assertion'],
    ['expect(received).toBe(expected)', 'assertion'],
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'infrastructure'],
    ['getaddrinfo ENOTFOUND db.internal', 'infrastructure'],
    ['Exceeded timeout of 5000 ms for a test.', 'timeout'],
    ['Error: Test timed out in 200ms.', 'timeout'],
    ["SyntaxError: Unexpected token ')'", 'compile'],
    ["Cannot find module './missing' from 'a.test.js'", 'compile'],
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'crash'],
    ['something odd', 'unknown'],
  ])('%s → %s', (message, category) => {
    expect(categorizeFailure({ message })).toBe(category);
  });

  it('trusts what the orchestrator saw over the message', () => {
    expect(categorizeFailure({ message: 'expect(x)', timedOut: true })).toBe('timeout');
    expect(categorizeFailure({ message: 'expect(x)', crashed: true })).toBe('crash');
  });
});

describe('retryDelayMs', () => {
  it('doubles per attempt, caps, and jitters between half and all of the delay', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, { baseMs: 100, random: () => 1 }))).toEqual([
      100, 200, 400, 800,
    ]);
    expect(retryDelayMs(1, { baseMs: 100, random: () => 0 })).toBe(50);
    expect(retryDelayMs(20, { baseMs: 100, maxMs: 1000, random: () => 1 })).toBe(1000);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold, allows one probe after the cool-down, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 2, coolDownMs: 1000, now: () => now });
    breaker.recordInfrastructureFailure('ECONNREFUSED');
    expect(breaker.permits()).toBe('any');
    breaker.recordInfrastructureFailure('ECONNREFUSED');
    expect(breaker.current).toBe('open');
    expect(breaker.permits()).toBe('none');
    now = 999;
    expect(breaker.waitMs()).toBe(1);
    now = 1000;
    expect(breaker.permits()).toBe('probe');
    expect(breaker.permits()).toBe('none');
    breaker.recordSuccess();
    expect(breaker.permits()).toBe('any');
  });

  it('trips for good when the probe fails too, and a success between failures resets the count', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 2, coolDownMs: 10, now: () => now });
    breaker.recordInfrastructureFailure('x');
    breaker.recordSuccess();
    breaker.recordInfrastructureFailure('x');
    expect(breaker.current).toBe('closed');
    breaker.recordInfrastructureFailure('ENOTFOUND');
    now = 10;
    expect(breaker.permits()).toBe('probe');
    breaker.recordInfrastructureFailure('ENOTFOUND again');
    expect(breaker.current).toBe('tripped');
    expect(breaker.reason()).toBe(
      'circuit breaker open after 2 infrastructure failures in a row (last: ENOTFOUND again)',
    );
  });
});
