import { describe, expect, it } from 'vitest';
import type { ContainerUsage } from './container-limits';
import { createSystemSampler, type SystemReadings } from './resource-sampler';

const MIB = 1024 * 1024;
const NO_LIMITS = { cpuQuota: undefined, memoryLimitMb: undefined };

function readings(overrides: Partial<SystemReadings> = {}): SystemReadings {
  return {
    currentLoad: async () => ({ currentLoad: 25 }),
    mem: async () => ({ total: 8000 * MIB, available: 2000 * MIB }),
    fsStats: async () => ({ rx_sec: 1000, wx_sec: 500 }),
    networkStats: async () => [
      { iface: 'lo', rx_sec: 9_000, tx_sec: 9_000 },
      { iface: 'eth0', rx_sec: 300, tx_sec: 100 },
      { iface: 'eth1', rx_sec: 20, tx_sec: 5 },
    ],
    loadAverage: () => 1.5,
    cores: () => 4,
    ...overrides,
  };
}

function fakeClock(startMs: number): { clock: () => number; advance: (ms: number) => void } {
  let now = startMs;
  return { clock: () => now, advance: (ms) => (now += ms) };
}

describe('createSystemSampler', () => {
  it('maps systeminformation readings to a sample, t counted from the sampler start', async () => {
    const { clock, advance } = fakeClock(50_000);
    const sampler = createSystemSampler(clock, { readings: readings(), limits: NO_LIMITS });
    advance(1_250);
    expect(await sampler.sample()).toEqual({
      t: 1_250,
      cpu: 0.25,
      memory: 0.75,
      availableMemoryMb: 2000,
      load: 1.5,
      disk: { readBytesPerSec: 1000, writeBytesPerSec: 500 },
      // Loopback left out: it is the machine talking to itself.
      network: { rxBytesPerSec: 320, txBytesPerSec: 105 },
    });
  });

  it('reports no network throughput on the first call (null rates) or without interfaces', async () => {
    const first = createSystemSampler(() => 0, {
      limits: NO_LIMITS,
      readings: readings({
        networkStats: async () => [{ iface: 'eth0', rx_sec: null, tx_sec: null }],
      }),
    });
    expect((await first.sample()).network).toBeUndefined();
    const none = createSystemSampler(() => 0, {
      limits: NO_LIMITS,
      readings: readings({ networkStats: () => Promise.reject(new Error('no /proc/net/dev')) }),
    });
    expect((await none.sample()).network).toBeUndefined();
  });

  it('counts t from an explicit run start', async () => {
    const { clock } = fakeClock(10_000);
    const sampler = createSystemSampler(clock, {
      startMs: 7_000,
      readings: readings(),
      limits: NO_LIMITS,
    });
    expect((await sampler.sample()).t).toBe(3_000);
  });

  it('tolerates unsupported readings: disk undefined, CPU from the load average', async () => {
    const sampler = createSystemSampler(() => 0, {
      limits: NO_LIMITS,
      readings: readings({
        currentLoad: () => Promise.reject(new Error('not in this container')),
        fsStats: async () => ({ rx_sec: null, wx_sec: 10 }),
      }),
    });
    const sample = await sampler.sample();
    expect(sample.cpu).toBe(1.5 / 4);
    expect(sample.disk).toBeUndefined();
  });

  it('treats a null fsStats (Windows) and NaN load as missing', async () => {
    const sampler = createSystemSampler(() => 0, {
      limits: NO_LIMITS,
      readings: readings({
        currentLoad: async () => ({ currentLoad: Number.NaN }),
        fsStats: async () => null,
        loadAverage: () => 0,
      }),
    });
    const sample = await sampler.sample();
    expect(sample.cpu).toBe(0);
    expect(sample.disk).toBeUndefined();
  });

  it('falls back to os memory figures when mem() fails', async () => {
    const sampler = createSystemSampler(() => 0, {
      limits: NO_LIMITS,
      readings: readings({ mem: async () => null }),
    });
    const sample = await sampler.sample();
    expect(sample.memory).toBeGreaterThanOrEqual(0);
    expect(sample.memory).toBeLessThanOrEqual(1);
    expect(sample.availableMemoryMb).toBeGreaterThan(0);
  });

  it('measures CPU against the container quota and memory against its limit', async () => {
    const { clock, advance } = fakeClock(0);
    const usage: ContainerUsage[] = [
      { cpuMicros: 10_000_000, memoryUsedMb: 700 },
      { cpuMicros: 11_500_000, memoryUsedMb: 950 },
    ];
    const sampler = createSystemSampler(clock, {
      limits: { cpuQuota: 2, memoryLimitMb: 1000 },
      // The host looks idle: 10% busy, 6 GB of 8 free.
      readings: readings({ currentLoad: async () => ({ currentLoad: 10 }) }),
      containerUsage: () => usage.shift() ?? { cpuMicros: undefined, memoryUsedMb: undefined },
    });
    const first = await sampler.sample();
    expect(first).toMatchObject({ cpu: 0.1, memory: 0.75, availableMemoryMb: 300 });
    advance(1_000);
    // 1.5 s of CPU in 1 s on a 2-core quota: 75% busy.
    const second = await sampler.sample();
    expect(second).toMatchObject({ cpu: 0.75, memory: 0.95, availableMemoryMb: 50 });
  });

  it('reads the live system', async () => {
    const sampler = createSystemSampler(() => performance.now());
    const sample = await sampler.sample();
    expect(sample.cpu).toBeGreaterThanOrEqual(0);
    expect(sample.cpu).toBeLessThanOrEqual(1);
    expect(sample.memory).toBeGreaterThan(0);
    expect(sample.memory).toBeLessThanOrEqual(1);
    expect(sample.availableMemoryMb).toBeGreaterThan(0);
    expect(sample.load).toBeGreaterThanOrEqual(0);
  });
});
