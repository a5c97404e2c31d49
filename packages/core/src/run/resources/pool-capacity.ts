/**
 * The pool's starting size and ceiling, from cores, the container's CPU quota, available memory,
 * the preset and the category's parallel factor. The adaptive sizer then moves between 1 and `cap`.
 */
import type { Preset } from '../../config/presets';

/**
 * Memory budgeted per slot when none is configured. A slot's runner child for a TypeScript backend
 * suite (Jest or Vitest, in band) usually peaks at 300–700 MB, plus the slot's PGlite instance
 * (100–200 MB); 1 GiB covers that with headroom. On common CI runners (4 cores, 16 GB) CPU, not
 * this figure, sets the cap; in a 2 GB container it keeps the pool at 1–2 slots instead of OOM.
 */
export const DEFAULT_MEMORY_PER_WORKER_MB = 1024;

export interface PoolCapacityInput {
  /** `os.availableParallelism()`: already honours the CPU affinity mask (cpuset). */
  cores: number;
  /** Cores allowed by the cgroup CPU quota; undefined when unlimited. */
  cpuQuota?: number | undefined;
  availableMemoryMb: number;
  memoryPerWorkerMb?: number | undefined;
  preset: Preset;
  parallelFactor: number;
  /** `--workers N`: the pool has exactly N slots. */
  workers?: number | undefined;
  /** `--max-workers` / `OPTIMIZED_TEST_MAX_WORKERS`. */
  maxWorkers?: number | undefined;
}

export interface PoolCapacity {
  initial: number;
  cap: number;
  /** What bound the cap, for logs: "memory: 3 × 1024 MB", "max-workers 4", ... */
  reason: string;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
}

export function computePoolCapacity(input: PoolCapacityInput): PoolCapacity {
  const memoryPerWorkerMb = input.memoryPerWorkerMb ?? DEFAULT_MEMORY_PER_WORKER_MB;
  if (input.workers !== undefined) {
    const workers = Math.max(1, Math.floor(input.workers));
    return { initial: workers, cap: workers, reason: `workers ${workers} (fixed)` };
  }

  const effectiveCores = Math.max(0, Math.min(input.cores, input.cpuQuota ?? Infinity));
  const quotaBinds = effectiveCores < input.cores;
  const factor = input.parallelFactor === 1 ? '' : ` × parallel factor ${input.parallelFactor}`;
  const coresText = `${formatNumber(effectiveCores)} ${quotaBinds ? 'cores (cpu quota)' : 'cores'}`;
  const memorySlots = Math.floor(input.availableMemoryMb / memoryPerWorkerMb);

  // In order of preference when two bounds are equal: the user's own setting names itself best.
  const bounds: Array<{ limit: number; reason: string }> = [];
  if (input.maxWorkers !== undefined) {
    bounds.push({ limit: input.maxWorkers, reason: `max-workers ${input.maxWorkers}` });
  }
  bounds.push({
    limit: memorySlots,
    reason:
      memorySlots < 1
        ? `memory: ${Math.floor(input.availableMemoryMb)} MB available, under ${memoryPerWorkerMb} MB per worker`
        : `memory: ${memorySlots} × ${memoryPerWorkerMb} MB`,
  });
  bounds.push({
    limit: Math.ceil(effectiveCores * input.preset.ioOversubscription * input.parallelFactor),
    reason: `cpu: ${coresText} × ${input.preset.ioOversubscription} I/O oversubscription${factor}`,
  });
  const binding = bounds.reduce((best, bound) => (bound.limit < best.limit ? bound : best));

  // One slot always runs: a starved machine runs slowly rather than not at all.
  const cap = Math.max(1, Math.floor(binding.limit));
  const perCore = Math.round(effectiveCores * input.preset.slotsPerCore * input.parallelFactor);
  const initial = Math.min(cap, Math.max(1, perCore));
  return { initial, cap, reason: binding.reason };
}
