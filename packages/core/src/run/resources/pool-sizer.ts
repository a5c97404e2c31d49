/**
 * The adaptive pool controller: from a stream of resource samples and the number of busy slots it
 * moves the target size one slot at a time between `min` and `cap`. It grows while the CPU idles
 * with every slot busy (I/O-bound tests waiting on disks, sockets, databases) and shrinks under CPU
 * or memory pressure. Every decision needs `stableSamples` agreeing samples and waits `cooldownMs`
 * after the previous change, so a single spike never moves it and it does not oscillate.
 */
import type { ResourceSample } from './resource-sampler';

export interface PoolSizerOptions {
  initial: number;
  cap: number;
  /** Default 1. */
  min?: number;
  /** Milliseconds, any origin; injected so tests are exact. */
  clock: () => number;
  /** Default 0.6: below this the CPU has room for another runner process. */
  growWhenCpuBelow?: number;
  /** Default 0.92: above this runners queue for CPU and every test slows down. */
  shrinkWhenCpuAbove?: number;
  /** Default 0.9: above this the next runner risks swapping or the OOM killer. */
  shrinkWhenMemoryAbove?: number;
  /** Default 2: consecutive samples that must agree before a change. */
  stableSamples?: number;
  /** Default 2000: wait after a change (and after start) before the next one. */
  cooldownMs?: number;
  /** `--workers N` or resource monitoring off: the target never changes. */
  fixed?: boolean;
  /** When set, growth also needs this much available memory in every sample considered. */
  memoryPerWorkerMb?: number;
}

export interface PoolSizeChange {
  atMs: number;
  from: number;
  to: number;
  /** For the verbose log: "cpu 95% > 92%", "cpu 40% < 60% with all 4 slots busy". */
  reason: string;
}

interface Observation {
  cpu: number;
  memory: number;
  availableMemoryMb: number;
  allSlotsBusy: boolean;
}

const percent = (value: number): string => `${Math.round(value * 100)}%`;

export class PoolSizer {
  private readonly min: number;
  private readonly cpuFloor: number;
  private readonly cap: number;
  private readonly clock: () => number;
  private readonly growWhenCpuBelow: number;
  private readonly shrinkWhenCpuAbove: number;
  private readonly shrinkWhenMemoryAbove: number;
  private readonly stableSamples: number;
  private readonly cooldownMs: number;
  private readonly fixed: boolean;
  private readonly memoryPerWorkerMb: number | undefined;
  private readonly window: Observation[] = [];
  private size: number;
  private lastChangeAtMs: number;
  private change: PoolSizeChange | undefined;

  constructor(options: PoolSizerOptions) {
    this.min = Math.max(1, Math.floor(options.min ?? 1));
    this.cap = Math.max(this.min, Math.floor(options.cap));
    this.clock = options.clock;
    this.growWhenCpuBelow = options.growWhenCpuBelow ?? 0.6;
    this.shrinkWhenCpuAbove = options.shrinkWhenCpuAbove ?? 0.92;
    this.shrinkWhenMemoryAbove = options.shrinkWhenMemoryAbove ?? 0.9;
    this.stableSamples = Math.max(1, Math.floor(options.stableSamples ?? 2));
    this.cooldownMs = options.cooldownMs ?? 2000;
    this.fixed = options.fixed ?? false;
    this.memoryPerWorkerMb = options.memoryPerWorkerMb;
    this.size = Math.min(this.cap, Math.max(this.min, Math.floor(options.initial)));
    this.cpuFloor = this.size;
    // Starting the pool counts as a change: its first samples show runners booting, not the load.
    this.lastChangeAtMs = this.clock();
  }

  get target(): number {
    return this.size;
  }

  /** The most recent change, or undefined while the target is still the initial size. */
  get lastChange(): PoolSizeChange | undefined {
    return this.change;
  }

  /** Records one sample and the slots busy when it was taken; returns the (possibly new) target. */
  observe(sample: ResourceSample, busySlots: number): number {
    if (this.fixed) return this.size;
    const now = this.clock();
    // Samples inside the cool-down describe the pool mid-change (a slot starting or draining).
    if (now - this.lastChangeAtMs < this.cooldownMs) return this.size;

    this.window.push({
      cpu: sample.cpu,
      memory: sample.memory,
      availableMemoryMb: sample.availableMemoryMb,
      allSlotsBusy: busySlots >= this.size,
    });
    if (this.window.length > this.stableSamples) this.window.shift();
    if (this.window.length < this.stableSamples) return this.size;

    const last = this.window[this.window.length - 1] as Observation;
    const cpuHot = this.window.every((o) => o.cpu > this.shrinkWhenCpuAbove);
    const memoryHot = this.window.every((o) => o.memory > this.shrinkWhenMemoryAbove);
    const overloaded = this.window.every(
      (o) => o.cpu > this.shrinkWhenCpuAbove || o.memory > this.shrinkWhenMemoryAbove,
    );
    // A busy CPU with one slot per core is the goal, not overload: CPU pressure only takes back
    // the slots grown beyond the start size. Memory pressure shrinks down to `min`.
    const memoryPressure = this.window.some((o) => o.memory > this.shrinkWhenMemoryAbove);
    const floor = memoryPressure ? this.min : Math.max(this.min, this.cpuFloor);
    if (overloaded && this.size > floor) {
      const reason = memoryHot
        ? `memory ${percent(last.memory)} > ${percent(this.shrinkWhenMemoryAbove)}`
        : cpuHot
          ? `cpu ${percent(last.cpu)} > ${percent(this.shrinkWhenCpuAbove)}`
          : `cpu or memory above ${percent(this.shrinkWhenCpuAbove)} / ${percent(this.shrinkWhenMemoryAbove)}`;
      this.resize(now, this.size - 1, reason);
      return this.size;
    }

    const roomToGrow = this.window.every(
      (o) =>
        o.allSlotsBusy &&
        o.cpu < this.growWhenCpuBelow &&
        o.memory < this.shrinkWhenMemoryAbove &&
        (this.memoryPerWorkerMb === undefined || o.availableMemoryMb >= this.memoryPerWorkerMb),
    );
    if (roomToGrow && this.size < this.cap) {
      // Each busy slot costs about cpu/size; grow to what the CPU headroom affords, at most
      // doubling per step, so an I/O-bound suite reaches its cap in a few seconds.
      const peakCpu = Math.max(...this.window.map((o) => o.cpu), 0.01);
      const affordable = Math.floor((this.size * this.growWhenCpuBelow) / peakCpu);
      const to = Math.min(this.cap, 2 * this.size, Math.max(this.size + 1, affordable));
      const reason = `cpu ${percent(last.cpu)} < ${percent(this.growWhenCpuBelow)} with all ${this.size} slots busy`;
      this.resize(now, to, reason);
    }
    return this.size;
  }

  private resize(now: number, to: number, reason: string): void {
    this.change = { atMs: now, from: this.size, to, reason };
    this.size = to;
    this.lastChangeAtMs = now;
    // Samples taken at the old size say nothing about the new one.
    this.window.length = 0;
  }
}
