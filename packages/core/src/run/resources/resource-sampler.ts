/**
 * Resource readings for pool sizing and the report's `samples[]`: CPU busy fraction, memory, load,
 * disk and network throughput, from systeminformation (network from /proc/net/dev on Linux),
 * corrected by the container's cgroup where a CPU quota or memory limit applies (systeminformation
 * sees the host, not the container).
 */
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import * as si from 'systeminformation';
import { createProcNetDevReader, type InterfaceThroughput } from './linux-network';
import {
  createContainerUsageReader,
  readContainerLimits,
  type ContainerLimits,
  type ContainerUsage,
} from './container-limits';

export interface ResourceSample {
  /** ms since run start. */
  t: number;
  /** 0..1 busy fraction of the machine (of the CPU quota inside a limited container). */
  cpu: number;
  /** 0..1 used fraction (of the memory limit inside a limited container). */
  memory: number;
  availableMemoryMb: number;
  /** 1-minute load average (0 where the platform has none, e.g. Windows). */
  load: number;
  /** undefined where the platform or container does not report disk throughput. */
  disk: { readBytesPerSec: number; writeBytesPerSec: number } | undefined;
  /** Summed over every interface but loopback; undefined where unsupported or on the first call. */
  network?: { rxBytesPerSec: number; txBytesPerSec: number } | undefined;
}

export interface ResourceSampler {
  sample(): Promise<ResourceSample>;
}

/** The subset of systeminformation read here; tests substitute scripted values. */
export interface SystemReadings {
  /** `currentLoad` is percent busy since the previous call. */
  currentLoad(): Promise<{ currentLoad: number } | null>;
  mem(): Promise<{ total: number; available: number } | null>;
  /** Bytes per second since the previous call; null on the first call or where unsupported. */
  fsStats(): Promise<{ rx_sec: number | null; wx_sec: number | null } | null>;
  /** Per interface, bytes per second since the previous call (null on the first call). */
  networkStats(): Promise<Array<{
    iface: string;
    rx_sec: number | null;
    tx_sec: number | null;
  }> | null>;
  loadAverage(): number;
  cores(): number;
}

export interface SystemSamplerOptions {
  /** Clock reading at run start; `t` counts from here. Default: the clock when the sampler is made. */
  startMs?: number;
  /** Default: `readContainerLimits(fsRoot)`. */
  limits?: ContainerLimits;
  fsRoot?: string;
  readings?: SystemReadings;
  containerUsage?: () => ContainerUsage;
}

const MIB = 1024 * 1024;

let procNetDev: (() => InterfaceThroughput[]) | undefined;

/** /proc/net/dev on Linux (one file read); systeminformation elsewhere, or if that fails. */
async function networkStatsOfThisMachine(): ReturnType<SystemReadings['networkStats']> {
  if (process.platform === 'linux') {
    try {
      procNetDev ??= createProcNetDevReader();
      return procNetDev();
    } catch {
      // Unreadable (a restricted /proc): ask systeminformation.
    }
  }
  return si.networkStats('*');
}

export const systemReadings: SystemReadings = {
  currentLoad: () => si.currentLoad(),
  mem: () => si.mem(),
  // Typed non-null, but resolves null on Windows and the BSDs.
  fsStats: () => si.fsStats(),
  networkStats: () => networkStatsOfThisMachine(),
  loadAverage: () => loadavg()[0] ?? 0,
  cores: () => availableParallelism(),
};

function finite(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function fraction(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** A reading that throws or rejects (a missing tool in a slim container) counts as unsupported. */
async function settle<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** Loopback traffic is this machine talking to itself (a test database): CPU, not network. */
function networkThroughput(
  interfaces: Array<{ iface: string; rx_sec: number | null; tx_sec: number | null }> | undefined,
): ResourceSample['network'] {
  const external = (interfaces ?? []).filter((i) => i.iface !== 'lo' && !i.iface.startsWith('lo'));
  const rx = external.map((i) => finite(i.rx_sec));
  const tx = external.map((i) => finite(i.tx_sec));
  if (external.length === 0 || rx.includes(undefined) || tx.includes(undefined)) return undefined;
  const sum = (values: Array<number | undefined>) =>
    values.reduce<number>((a, b) => a + (b ?? 0), 0);
  return { rxBytesPerSec: sum(rx), txBytesPerSec: sum(tx) };
}

/**
 * A sampler over the live system. `clock` returns milliseconds (any origin); samples carry
 * `t = clock() - startMs`. The first call takes about 0.5 s: systeminformation measures CPU over
 * an interval the first time; later calls report the interval since the previous one.
 */
export function createSystemSampler(
  clock: () => number,
  options: SystemSamplerOptions = {},
): ResourceSampler {
  const startMs = options.startMs ?? clock();
  const readings = options.readings ?? systemReadings;
  const limits = options.limits ?? readContainerLimits(options.fsRoot);
  const limited = limits.cpuQuota !== undefined || limits.memoryLimitMb !== undefined;
  const containerUsage = limited
    ? (options.containerUsage ?? createContainerUsageReader(options.fsRoot))
    : undefined;
  let previousCpu: { atMs: number; cpuMicros: number } | undefined;

  return {
    async sample(): Promise<ResourceSample> {
      const [load, mem, fs, net] = await Promise.all([
        settle(readings.currentLoad),
        settle(readings.mem),
        settle(readings.fsStats),
        settle(readings.networkStats),
      ]);
      const now = clock();
      const loadAverage = readings.loadAverage();

      // No CPU reading: the load average per core is the nearest stand-in.
      let cpu = fraction(
        (finite(load?.currentLoad) ?? (loadAverage / Math.max(1, readings.cores())) * 100) / 100,
      );
      const totalBytes = finite(mem?.total) ?? totalmem();
      const availableBytes = finite(mem?.available) ?? freemem();
      let availableMemoryMb = availableBytes / MIB;
      let memory = fraction(1 - availableBytes / totalBytes);

      const usage = containerUsage?.();
      if (limits.cpuQuota !== undefined && usage?.cpuMicros !== undefined) {
        // Busy fraction of the quota since the previous sample: a throttled container can sit at
        // 100% of its quota while the host looks idle.
        if (previousCpu && now > previousCpu.atMs) {
          const busyMs = (usage.cpuMicros - previousCpu.cpuMicros) / 1000;
          cpu = Math.max(cpu, fraction(busyMs / (now - previousCpu.atMs) / limits.cpuQuota));
        }
        previousCpu = { atMs: now, cpuMicros: usage.cpuMicros };
      }
      if (limits.memoryLimitMb !== undefined && usage?.memoryUsedMb !== undefined) {
        const containerFreeMb = Math.max(0, limits.memoryLimitMb - usage.memoryUsedMb);
        availableMemoryMb = Math.min(availableMemoryMb, containerFreeMb);
        memory = Math.max(memory, fraction(usage.memoryUsedMb / limits.memoryLimitMb));
      }

      const readBytesPerSec = finite(fs?.rx_sec);
      const writeBytesPerSec = finite(fs?.wx_sec);
      return {
        t: Math.round(now - startMs),
        cpu,
        memory,
        availableMemoryMb: Math.floor(availableMemoryMb),
        load: loadAverage,
        disk:
          readBytesPerSec === undefined || writeBytesPerSec === undefined
            ? undefined
            : { readBytesPerSec, writeBytesPerSec },
        network: networkThroughput(net ?? undefined),
      };
    },
  };
}
