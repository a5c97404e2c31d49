import { describe, expect, it } from 'vitest';
import { PRESETS, type Preset } from '../../config/presets';
import { computePoolCapacity, type PoolCapacityInput } from './pool-capacity';

/** A fixed preset for the arithmetic, so these tests do not move when presets are tuned. */
const onePerCoreTwiceForIo: Preset = {
  slotsPerCore: 1,
  ioOversubscription: 2,
  retries: 1,
  failFast: undefined,
  resultCache: true,
};

const base: PoolCapacityInput = {
  cores: 4,
  availableMemoryMb: 64_000,
  preset: onePerCoreTwiceForIo,
  parallelFactor: 1,
};

describe('computePoolCapacity', () => {
  it('is bound by cores × I/O oversubscription when memory is plentiful', () => {
    expect(computePoolCapacity(base)).toEqual({
      initial: 4,
      cap: 8,
      reason: 'cpu: 4 cores × 2 I/O oversubscription',
    });
  });

  it('uses the CPU quota when it is below the core count', () => {
    expect(computePoolCapacity({ ...base, cores: 16, cpuQuota: 2 })).toEqual({
      initial: 2,
      cap: 4,
      reason: 'cpu: 2 cores (cpu quota) × 2 I/O oversubscription',
    });
  });

  it('ignores a quota above the core count', () => {
    expect(computePoolCapacity({ ...base, cpuQuota: 8 })).toMatchObject({ initial: 4, cap: 8 });
  });

  it('rounds a fractional quota: initial to nearest, cap up', () => {
    expect(computePoolCapacity({ ...base, cores: 8, cpuQuota: 1.5 })).toEqual({
      initial: 2,
      cap: 3,
      reason: 'cpu: 1.5 cores (cpu quota) × 2 I/O oversubscription',
    });
  });

  it('is bound by memory: available / per-worker budget, default 1024 MB', () => {
    expect(computePoolCapacity({ ...base, availableMemoryMb: 3_500 })).toEqual({
      initial: 3,
      cap: 3,
      reason: 'memory: 3 × 1024 MB',
    });
    expect(
      computePoolCapacity({ ...base, availableMemoryMb: 3_500, memoryPerWorkerMb: 512 }),
    ).toEqual({ initial: 4, cap: 6, reason: 'memory: 6 × 512 MB' });
  });

  it('keeps one slot when memory cannot hold even one worker', () => {
    expect(computePoolCapacity({ ...base, availableMemoryMb: 700 })).toEqual({
      initial: 1,
      cap: 1,
      reason: 'memory: 700 MB available, under 1024 MB per worker',
    });
  });

  it('is bound by max-workers, which wins a tie', () => {
    expect(computePoolCapacity({ ...base, maxWorkers: 3 })).toEqual({
      initial: 3,
      cap: 3,
      reason: 'max-workers 3',
    });
    expect(computePoolCapacity({ ...base, maxWorkers: 8 })).toMatchObject({
      cap: 8,
      reason: 'max-workers 8',
    });
  });

  it('fixes the size with --workers, whatever the other bounds say', () => {
    expect(
      computePoolCapacity({ ...base, workers: 6, availableMemoryMb: 1_000, maxWorkers: 2 }),
    ).toEqual({ initial: 6, cap: 6, reason: 'workers 6 (fixed)' });
  });

  it('scales initial and cap by the parallel factor', () => {
    expect(computePoolCapacity({ ...base, cores: 2, parallelFactor: 2 })).toEqual({
      initial: 4,
      cap: 8,
      reason: 'cpu: 2 cores × 2 I/O oversubscription × parallel factor 2',
    });
  });

  it('follows the preset: conservative starts at half a slot per core, no oversubscription', () => {
    expect(computePoolCapacity({ ...base, cores: 3, preset: PRESETS.conservative })).toEqual({
      initial: 2,
      cap: 3,
      reason: 'cpu: 3 cores × 1 I/O oversubscription',
    });
    expect(computePoolCapacity({ ...base, preset: PRESETS.ultra_fast })).toMatchObject({
      initial: 4 * PRESETS.ultra_fast.slotsPerCore,
      cap: 4 * PRESETS.ultra_fast.ioOversubscription,
    });
  });

  it('never starts below one slot', () => {
    expect(
      computePoolCapacity({ ...base, cores: 1, cpuQuota: 0.2, preset: PRESETS.conservative }),
    ).toMatchObject({ initial: 1, cap: 1 });
  });
});
