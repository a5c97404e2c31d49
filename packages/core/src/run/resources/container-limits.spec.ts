import { afterEach, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../../test-support/temp-workspace';
import {
  createContainerUsageReader,
  parseCpuMax,
  parseMemoryLimit,
  readContainerLimits,
} from './container-limits';

const GIB = 1024 ** 3;

afterEach(removeTempWorkspaces);

describe('readContainerLimits', () => {
  it('reports nothing when no cgroup files exist', () => {
    expect(readContainerLimits(tempWorkspace({}))).toEqual({
      cpuQuota: undefined,
      memoryLimitMb: undefined,
    });
  });

  it('reads cgroup v2 "max" as unlimited', () => {
    const root = tempWorkspace({
      'proc/self/cgroup': '0::/\n',
      'sys/fs/cgroup/cgroup.controllers': 'cpu memory',
      'sys/fs/cgroup/cpu.max': 'max 100000\n',
      'sys/fs/cgroup/memory.max': 'max\n',
    });
    expect(readContainerLimits(root)).toEqual({ cpuQuota: undefined, memoryLimitMb: undefined });
  });

  it('reads cgroup v2 quota and limit', () => {
    const root = tempWorkspace({
      'proc/self/cgroup': '0::/\n',
      'sys/fs/cgroup/cpu.max': '150000 100000\n',
      'sys/fs/cgroup/memory.max': `${4 * GIB}\n`,
    });
    expect(readContainerLimits(root)).toEqual({ cpuQuota: 1.5, memoryLimitMb: 4096 });
  });

  it('takes the smallest limit along the cgroup v2 path (limits are hierarchical)', () => {
    const root = tempWorkspace({
      'proc/self/cgroup': '0::/kubepods/pod1/container1\n',
      'sys/fs/cgroup/kubepods/pod1/cpu.max': '200000 100000',
      'sys/fs/cgroup/kubepods/pod1/memory.max': String(1 * GIB),
      'sys/fs/cgroup/kubepods/pod1/container1/cpu.max': 'max 100000',
      'sys/fs/cgroup/kubepods/pod1/container1/memory.max': String(2 * GIB),
    });
    expect(readContainerLimits(root)).toEqual({ cpuQuota: 2, memoryLimitMb: 1024 });
  });

  it('falls back to cgroup v1 files', () => {
    const root = tempWorkspace({
      'proc/self/cgroup': '4:memory:/\n2:cpu,cpuacct:/\n0::/\n',
      'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000\n',
      'sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      'sys/fs/cgroup/memory/memory.limit_in_bytes': `${512 * 1024 * 1024}\n`,
    });
    expect(readContainerLimits(root)).toEqual({ cpuQuota: 0.5, memoryLimitMb: 512 });
  });

  it('reads cgroup v1 from a joined cpu,cpuacct mount and the process cgroup path', () => {
    const root = tempWorkspace({
      'proc/self/cgroup': '4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n',
      'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '300000',
      'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000',
      'sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes': String(3 * GIB),
      'sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712',
    });
    expect(readContainerLimits(root)).toEqual({ cpuQuota: 3, memoryLimitMb: 3072 });
  });

  it('treats cgroup v1 "-1" quota and the huge "no limit" number as unlimited', () => {
    const root = tempWorkspace({
      'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1',
      'sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
      'sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712',
    });
    expect(readContainerLimits(root)).toEqual({ cpuQuota: undefined, memoryLimitMb: undefined });
  });

  it('does not throw on the real machine', () => {
    const limits = readContainerLimits();
    for (const value of [limits.cpuQuota, limits.memoryLimitMb]) {
      expect(value === undefined || value > 0).toBe(true);
    }
  });
});

describe('parsers', () => {
  it('parseCpuMax handles a missing period and garbage', () => {
    expect(parseCpuMax('250000')).toBe(2.5);
    expect(parseCpuMax('max')).toBeUndefined();
    expect(parseCpuMax('lots 100000')).toBeUndefined();
    expect(parseCpuMax(undefined)).toBeUndefined();
  });

  it('parseMemoryLimit rounds down to MB and rejects non-limits', () => {
    expect(parseMemoryLimit(String(1536 * 1024 * 1024 + 5))).toBe(1536);
    expect(parseMemoryLimit('max')).toBeUndefined();
    expect(parseMemoryLimit('0')).toBeUndefined();
    expect(parseMemoryLimit(String(2 ** 60))).toBeUndefined();
  });
});

describe('createContainerUsageReader', () => {
  it('reads cgroup v2 CPU time and working set (usage minus inactive file cache)', () => {
    const root = tempWorkspace({
      'proc/self/cgroup': '0::/\n',
      'sys/fs/cgroup/cpu.stat': 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n',
      'sys/fs/cgroup/memory.current': String(600 * 1024 * 1024),
      'sys/fs/cgroup/memory.stat': `anon 1\ninactive_file ${100 * 1024 * 1024}\nactive_file 2\n`,
    });
    expect(createContainerUsageReader(root)()).toEqual({ cpuMicros: 2_500_000, memoryUsedMb: 500 });
  });

  it('reads cgroup v1 cpuacct nanoseconds and total_inactive_file', () => {
    const root = tempWorkspace({
      'proc/self/cgroup': '4:memory:/\n2:cpuacct:/\n',
      'sys/fs/cgroup/cpuacct/cpuacct.usage': '7000000000',
      'sys/fs/cgroup/memory/memory.usage_in_bytes': String(300 * 1024 * 1024),
      'sys/fs/cgroup/memory/memory.stat': `inactive_file 1\ntotal_inactive_file ${44 * 1024 * 1024}\n`,
    });
    expect(createContainerUsageReader(root)()).toEqual({ cpuMicros: 7_000_000, memoryUsedMb: 256 });
  });

  it('reports undefined where nothing is readable', () => {
    expect(createContainerUsageReader(tempWorkspace({}))()).toEqual({
      cpuMicros: undefined,
      memoryUsedMb: undefined,
    });
  });
});
