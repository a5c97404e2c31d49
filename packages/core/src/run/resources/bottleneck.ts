/**
 * Which resource limited a run, from its report: the resource samples (CPU, memory, disk,
 * network, busy slots), the pool (cap, cores, container CPU quota) and the files that ran. The
 * answer names the resource and the figures behind it, for the summary's `Limit` line.
 *
 * The rules, first match wins:
 * 1. memory: the machine (or container) reached MEMORY_FULL of its memory;
 * 2. cpu: the CPU (or the container's quota) was CPU_BUSY busy on average;
 * 3. files: fewer files ran than the pool had slots;
 * 4. disk / network: throughput averaged at least DISK_BUSY / NETWORK_BUSY while the CPU had
 *    headroom and the slots were busy (the tests waited on I/O);
 * 5. slots: the slots were SLOTS_BUSY busy while the CPU had headroom (the pool's cap bound);
 * 6. files: otherwise the slots sat idle: too few files, or one long file, for the pool.
 * The thresholds are round figures, not measurements of this machine's disks or network.
 */
import type { RunReport } from '../../report/report-schema';

export type Bottleneck = 'cpu' | 'memory' | 'disk' | 'network' | 'slots' | 'files';

export interface BottleneckVerdict {
  resource: Bottleneck;
  /** The resource and the figures behind it, one line. */
  reason: string;
}

export const MEMORY_FULL = 0.9;
export const CPU_BUSY = 0.8;
export const SLOTS_BUSY = 0.8;
/** Bytes per second, read plus write. */
export const DISK_BUSY = 50 * 1024 * 1024;
/** Bytes per second, received plus sent. */
export const NETWORK_BUSY = 10 * 1024 * 1024;
/** Below this CPU average a busy pool was waiting on something else. */
const CPU_HEADROOM = 0.6;

const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;

export function formatRate(bytesPerSec: number): string {
  const mb = bytesPerSec / (1024 * 1024);
  if (mb >= 1) return `${mb.toFixed(mb >= 10 ? 0 : 1)} MB/s`;
  return `${Math.round(bytesPerSec / 1024)} KB/s`;
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

interface Figures {
  cpuMean: number | undefined;
  cpuP90: number;
  memoryPeak: number | undefined;
  diskMean: number | undefined;
  diskPeak: number;
  networkMean: number | undefined;
  networkPeak: number;
}

function figuresOf(report: RunReport): Figures {
  const samples = report.samples;
  const cpu = samples.map((s) => s.cpu);
  const disk = samples.flatMap((s) =>
    s.disk === null ? [] : [s.disk.readBytesPerSec + s.disk.writeBytesPerSec],
  );
  const network = samples.flatMap((s) =>
    s.network === null || s.network === undefined
      ? []
      : [s.network.rxBytesPerSec + s.network.txBytesPerSec],
  );
  return {
    cpuMean: mean(cpu),
    cpuP90: percentile(cpu, 0.9),
    memoryPeak: samples.length === 0 ? undefined : Math.max(...samples.map((s) => s.memory)),
    diskMean: mean(disk),
    diskPeak: Math.max(0, ...disk),
    networkMean: mean(network),
    networkPeak: Math.max(0, ...network),
  };
}

function coresText(report: RunReport): string {
  const { cores, cpuQuota } = report.pool;
  if (cores === undefined) return '';
  return cpuQuota === null || cpuQuota === undefined || cpuQuota >= cores
    ? ` of ${cores} core(s)`
    : ` of a ${Number(cpuQuota.toFixed(2))}-core container quota (${cores} cores visible)`;
}

export function findBottleneck(report: RunReport): BottleneckVerdict {
  const f = figuresOf(report);
  const cap = report.pool.maxSlots;
  const ran = report.files.filter((file) => !file.cached && file.startMs !== null);
  const busy = report.utilisation.busySlotFraction;
  if (ran.length === 0)
    return { resource: 'files', reason: 'files: nothing ran (every file came from the cache)' };

  if (f.memoryPeak !== undefined && f.memoryPeak >= MEMORY_FULL) {
    const limit = report.pool.memoryLimitMb;
    return {
      resource: 'memory',
      reason: `memory: peaked at ${pct(f.memoryPeak)}${limit === null || limit === undefined ? '' : ` of the ${Math.round(limit)} MB container limit`}; ${report.pool.reason}`,
    };
  }
  if (f.cpuMean !== undefined && f.cpuMean >= CPU_BUSY) {
    return {
      resource: 'cpu',
      reason: `cpu: ${pct(f.cpuMean)} busy on average (p90 ${pct(f.cpuP90)})${coresText(report)} with ${cap} slot(s)`,
    };
  }
  const cpuText = f.cpuMean === undefined ? 'CPU not sampled' : `CPU averaged ${pct(f.cpuMean)}`;
  if (ran.length < cap) {
    return {
      resource: 'files',
      reason: `too few files: ${ran.length} file(s) ran on a pool of ${cap} slot(s); ${cpuText}`,
    };
  }
  const waitingOnIo = (f.cpuMean ?? 1) < CPU_HEADROOM && busy >= SLOTS_BUSY / 2;
  if (waitingOnIo && f.diskMean !== undefined && f.diskMean >= DISK_BUSY) {
    return {
      resource: 'disk',
      reason: `disk: ${formatRate(f.diskMean)} read+write on average (peak ${formatRate(f.diskPeak)}) while ${cpuText} and slots were ${pct(busy)} busy`,
    };
  }
  if (waitingOnIo && f.networkMean !== undefined && f.networkMean >= NETWORK_BUSY) {
    return {
      resource: 'network',
      reason: `network: ${formatRate(f.networkMean)} in+out on average (peak ${formatRate(f.networkPeak)}) while ${cpuText} and slots were ${pct(busy)} busy`,
    };
  }
  if (busy >= SLOTS_BUSY) {
    return {
      resource: 'slots',
      reason: `slots: ${cap} slot(s) ${pct(busy)} busy while ${cpuText}; the pool's cap bound (${report.pool.reason}); --max-workers raises it`,
    };
  }
  const longest = [...ran].sort((a, b) => b.durationMs - a.durationMs)[0]!;
  const share = report.summary.wallMs > 0 ? longest.durationMs / report.summary.wallMs : 0;
  return {
    resource: 'files',
    reason: `too few files: slots ${pct(busy)} busy; the longest file, ${longest.path}, took ${pct(Math.min(1, share))} of the wall time; ${cpuText}`,
  };
}

/** The summary's resource lines: I/O throughput (when sampled) and the limiting resource. */
export function formatResourceLines(report: RunReport): string[] {
  const f = figuresOf(report);
  const lines: string[] = [];
  const io: string[] = [];
  if (f.diskMean !== undefined)
    io.push(`disk ${formatRate(f.diskMean)} avg, peak ${formatRate(f.diskPeak)}`);
  if (f.networkMean !== undefined)
    io.push(`network ${formatRate(f.networkMean)} avg, peak ${formatRate(f.networkPeak)}`);
  const quota = report.pool.cpuQuota;
  if (quota !== null && quota !== undefined)
    io.push(`CPU quota ${Number(quota.toFixed(2))} core(s)`);
  if (io.length > 0) lines.push(`I/O    ${io.join(' · ')}`);
  lines.push(`Limit  ${findBottleneck(report).reason}`);
  return lines;
}

/** The run summary with the resource lines placed just above its closing PASSED/FAILED line. */
export function withResourceLines(summary: string, report: RunReport): string {
  const lines = summary.split('\n');
  const verdict = lines.pop() ?? '';
  return [...lines, ...formatResourceLines(report), verdict].join('\n');
}
