import { describe, expect, it } from 'vitest';
import { PoolSizer, type PoolSizerOptions } from './pool-sizer';
import type { ResourceSample } from './resource-sampler';

interface Step {
  cpu: number;
  memory?: number;
  availableMemoryMb?: number;
  /** Busy slots; 'all' means as many as the current target. */
  busy?: number | 'all';
}

/**
 * Feeds one step per simulated second (the first at t = 1000, the sizer made at t = 0) and
 * returns the target after each.
 */
function run(options: Omit<PoolSizerOptions, 'clock'>, steps: Step[]): number[] {
  let now = 0;
  const sizer = new PoolSizer({ ...options, clock: () => now });
  return steps.map((step) => {
    now += 1_000;
    const sample: ResourceSample = {
      t: now,
      cpu: step.cpu,
      memory: step.memory ?? 0.5,
      availableMemoryMb: step.availableMemoryMb ?? 8_000,
      load: 1,
      disk: undefined,
    };
    const busy = step.busy === undefined || step.busy === 'all' ? sizer.target : step.busy;
    return sizer.observe(sample, busy);
  });
}

const idle: Step = { cpu: 0.3 };
const hot: Step = { cpu: 0.97 };
const steady: Step = { cpu: 0.75 };

describe('PoolSizer', () => {
  it('grows to what the CPU headroom affords, at most doubling per step, up to the cap', () => {
    // t=1000 falls in the start-up cool-down; 2000 and 3000 agree → grow; 4000 cools down; ...
    // At 30% CPU with 2 slots, 60% affords 4: one step to the cap.
    expect(run({ initial: 2, cap: 4 }, Array(10).fill(idle))).toEqual([
      2, 2, 4, 4, 4, 4, 4, 4, 4, 4,
    ]);
    expect(run({ initial: 2, cap: 16 }, Array(10).fill({ cpu: 0.1 }))).toEqual([
      2, 2, 4, 4, 4, 8, 8, 8, 16, 16,
    ]);
    // At 45% with 2 slots, 60% affords only 2.67 slots: one more.
    expect(run({ initial: 2, cap: 8 }, Array(4).fill({ cpu: 0.45 }))).toEqual([2, 2, 3, 3]);
  });

  it('does not grow while some slots are idle', () => {
    expect(run({ initial: 2, cap: 4 }, Array(6).fill({ cpu: 0.1, busy: 1 }))).toEqual([
      2, 2, 2, 2, 2, 2,
    ]);
  });

  it('does not grow at exactly the threshold, nor while CPU sits between the thresholds', () => {
    expect(run({ initial: 2, cap: 4 }, Array(4).fill({ cpu: 0.6 }))).toEqual([2, 2, 2, 2]);
    expect(run({ initial: 2, cap: 4 }, Array(4).fill(steady))).toEqual([2, 2, 2, 2]);
  });

  it('under CPU pressure takes back grown slots, never going below the start size', () => {
    // A busy CPU at the start size is full use of the cores, not overload.
    expect(run({ initial: 3, cap: 4, min: 2 }, Array(8).fill(hot))).toEqual([
      3, 3, 3, 3, 3, 3, 3, 3,
    ]);
    expect(
      run({ initial: 2, cap: 8 }, [idle, idle, idle, hot, hot, hot, hot, hot, hot, hot]),
    ).toEqual([2, 2, 4, 4, 4, 3, 3, 3, 2, 2]);
  });

  it('ignores a single spike: changes need stableSamples agreeing samples in a row', () => {
    expect(run({ initial: 3, cap: 6 }, [idle, hot, idle, hot, idle, hot, steady])).toEqual([
      3, 3, 3, 3, 3, 3, 3,
    ]);
    expect(run({ initial: 3, cap: 6, stableSamples: 3 }, [idle, idle, idle, idle])).toEqual([
      3, 3, 3, 6,
    ]);
  });

  it('shrinks under memory pressure even while the CPU idles with every slot busy', () => {
    const swapping: Step = { cpu: 0.2, memory: 0.95 };
    expect(run({ initial: 4, cap: 8 }, Array(6).fill(swapping))).toEqual([4, 4, 3, 3, 3, 2]);
    expect(run({ initial: 4, cap: 8 }, [idle, { cpu: 0.2, memory: 0.9 }, idle])).toEqual([4, 4, 4]);
  });

  it('shrinks when samples alternate between CPU and memory pressure', () => {
    expect(run({ initial: 4, cap: 8 }, [hot, hot, { cpu: 0.2, memory: 0.95 }])).toEqual([4, 4, 3]);
  });

  it('does not grow without memory for another worker', () => {
    const tight: Step = { cpu: 0.2, availableMemoryMb: 900 };
    expect(run({ initial: 2, cap: 4, memoryPerWorkerMb: 1024 }, Array(4).fill(tight))).toEqual([
      2, 2, 2, 2,
    ]);
    expect(run({ initial: 2, cap: 4 }, Array(4).fill(tight))).toEqual([2, 2, 4, 4]);
  });

  it('waits the cool-down after a change, counted on the injected clock', () => {
    expect(run({ initial: 1, cap: 8, cooldownMs: 0 }, Array(5).fill(idle))).toEqual([
      1, 2, 2, 4, 4,
    ]);
    expect(run({ initial: 1, cap: 8, cooldownMs: 4_000 }, Array(10).fill(idle))).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2, 2, 4,
    ]);
  });

  it('follows a load that rises and falls', () => {
    const steps = [idle, idle, idle, hot, hot, hot, steady, steady, idle, idle, idle];
    expect(run({ initial: 2, cap: 4 }, steps)).toEqual([2, 2, 4, 4, 4, 3, 3, 3, 3, 4, 4]);
  });

  it('never changes in fixed mode', () => {
    expect(run({ initial: 3, cap: 3, fixed: true }, [idle, idle, idle, hot, hot, hot])).toEqual([
      3, 3, 3, 3, 3, 3,
    ]);
  });

  it('clamps the initial size into [min, cap] and explains the last change', () => {
    let now = 0;
    const sizer = new PoolSizer({ initial: 9, cap: 4, clock: () => now, cooldownMs: 0 });
    expect(sizer.target).toBe(4);
    expect(sizer.lastChange).toBeUndefined();
    const sample = (memory: number): ResourceSample => ({
      t: now,
      cpu: 0.5,
      memory,
      availableMemoryMb: 4_000,
      load: 3,
      disk: undefined,
    });
    now = 1_000;
    sizer.observe(sample(0.95), 4);
    now = 2_000;
    expect(sizer.observe(sample(0.97), 4)).toBe(3);
    expect(sizer.lastChange).toEqual({ atMs: 2_000, from: 4, to: 3, reason: 'memory 97% > 90%' });
    expect(new PoolSizer({ initial: 0, cap: 4, min: 2, clock: () => 0 }).target).toBe(2);
  });
});
