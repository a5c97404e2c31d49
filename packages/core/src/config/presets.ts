/**
 * Optimization presets: concrete values behind `ultra_fast`, `aggressive`, `balanced` and
 * `conservative`. Precedence is flag > OPTIMIZED_TEST_* > category > preset > defaults; these
 * values are the "preset" layer. They are starting points: the executor's benchmarks
 * (BENCHMARKS.md) are where each value is justified or revised.
 */
import type { OptimizationLevel } from './schema';

export interface Preset {
  /** Slots per available core before I/O oversubscription. */
  slotsPerCore: number;
  /** How far the pool may grow beyond one slot per core while the CPU sits idle (I/O-bound tests). */
  ioOversubscription: number;
  /** Retries of a failed test file before it counts as failed (a pass on retry is "flaky"). */
  retries: number;
  /** Stop after this many failed files; undefined runs everything. */
  failFast: number | undefined;
  /** Skip files whose closure hash has a recorded pass. */
  resultCache: boolean;
}

export const PRESETS: Readonly<Record<OptimizationLevel, Preset>> = {
  ultra_fast: {
    slotsPerCore: 2,
    ioOversubscription: 8,
    retries: 0,
    failFast: 1,
    resultCache: true,
  },
  aggressive: {
    slotsPerCore: 1.5,
    ioOversubscription: 6,
    retries: 1,
    failFast: 5,
    resultCache: true,
  },
  balanced: {
    slotsPerCore: 1,
    ioOversubscription: 4,
    retries: 1,
    failFast: undefined,
    resultCache: true,
  },
  conservative: {
    slotsPerCore: 0.5,
    ioOversubscription: 1,
    retries: 2,
    failFast: undefined,
    resultCache: false,
  },
};
