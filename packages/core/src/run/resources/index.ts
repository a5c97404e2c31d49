/** Resource readings, pool sizing and the machine-wide slot table. */
export {
  createContainerUsageReader,
  parseCpuMax,
  parseMemoryLimit,
  readContainerLimits,
  type ContainerLimits,
  type ContainerUsage,
} from './container-limits';
export {
  createSystemSampler,
  systemReadings,
  type ResourceSample,
  type ResourceSampler,
  type SystemReadings,
  type SystemSamplerOptions,
} from './resource-sampler';
export {
  findBottleneck,
  formatResourceLines,
  withResourceLines,
  type Bottleneck,
  type BottleneckVerdict,
} from './bottleneck';
export {
  computePoolCapacity,
  DEFAULT_MEMORY_PER_WORKER_MB,
  type PoolCapacity,
  type PoolCapacityInput,
} from './pool-capacity';
export { PoolSizer, type PoolSizeChange, type PoolSizerOptions } from './pool-sizer';
export {
  defaultSlotDir,
  isProcessAlive,
  SLOT_DIR_ENV,
  SlotTable,
  STALE_LOCK_MS,
  type AcquireOptions,
  type SlotEntry,
  type SlotTableOptions,
} from './slot-table';
