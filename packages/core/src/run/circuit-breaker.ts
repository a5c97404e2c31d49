/**
 * Circuit breaker for infrastructure failures (a database or service that is down). After
 * `threshold` consecutive infrastructure failures it opens: nothing new is scheduled. After
 * `coolDownMs` it lets one probe through (half-open); a probe that passes closes it, one that
 * fails again trips it for good, and the scheduler reports the remaining files as not run with
 * the reason. Time comes from an injected clock.
 */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'tripped';

export interface CircuitBreakerOptions {
  threshold?: number;
  coolDownMs?: number;
  now: () => number;
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private lastError = '';
  private readonly threshold: number;
  private readonly coolDownMs: number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.threshold = options.threshold ?? 3;
    this.coolDownMs = options.coolDownMs ?? 5_000;
  }

  /** What the scheduler may do now: run anything, run one probe, or nothing. */
  permits(): 'any' | 'probe' | 'none' {
    if (this.state === 'closed') return 'any';
    if (this.state === 'open' && this.options.now() - this.openedAt >= this.coolDownMs) {
      this.state = 'half-open';
      return 'probe';
    }
    return 'none';
  }

  /** Milliseconds until a probe is allowed (0 when not waiting). */
  waitMs(): number {
    return this.state === 'open'
      ? Math.max(0, this.coolDownMs - (this.options.now() - this.openedAt))
      : 0;
  }

  recordSuccess(): void {
    if (this.state === 'tripped') return;
    this.state = 'closed';
    this.consecutive = 0;
  }

  recordInfrastructureFailure(message: string): void {
    this.lastError = message;
    if (this.state === 'half-open') {
      this.state = 'tripped';
      return;
    }
    if (this.state !== 'closed') return;
    this.consecutive++;
    if (this.consecutive >= this.threshold) {
      this.state = 'open';
      this.openedAt = this.options.now();
    }
  }

  /** Other failures neither trip nor reset the breaker. */
  get current(): BreakerState {
    return this.state;
  }

  reason(): string {
    return `circuit breaker open after ${this.threshold} infrastructure failures in a row (last: ${this.lastError.split('\n')[0] ?? ''})`;
  }
}
