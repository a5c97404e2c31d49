/**
 * The container's CPU quota and memory limit, read from the cgroup files. systeminformation reports
 * the host's cores and memory, so inside `docker run --cpus 2 --memory 4g` on a 64-core host the
 * pool would otherwise size itself for 64 cores and be throttled or OOM-killed.
 *
 * Both cgroup v2 (`cpu.max`, `memory.max`) and v1 (`cpu.cfs_quota_us`, `memory.limit_in_bytes`)
 * are read. Limits are hierarchical, so the process's own cgroup and every ancestor up to the mount
 * root are consulted and the smallest limit wins.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ContainerLimits {
  /** Cores the cgroup may use (quota / period, may be fractional); undefined when unlimited. */
  cpuQuota: number | undefined;
  /** undefined when unlimited or unreadable. */
  memoryLimitMb: number | undefined;
}

/** What the cgroup has used so far: CPU time (cumulative) and memory (now). */
export interface ContainerUsage {
  cpuMicros: number | undefined;
  /** Working set: usage minus inactive page cache, which the kernel reclaims before it OOM-kills. */
  memoryUsedMb: number | undefined;
}

const MIB = 1024 * 1024;
/** v1 spells "no limit" as 2^63 rounded down to a page; anything from 1 PiB up is no real limit. */
const UNLIMITED_BYTES = 2 ** 50;
const DEFAULT_CFS_PERIOD_US = 100_000;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function minDefined(values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : Math.min(...defined);
}

interface Membership {
  /** The v2 path ("0::/path"), if the process is in the unified hierarchy. */
  unified: string | undefined;
  /** v1 paths by controller name ("4:memory:/path", "2:cpu,cpuacct:/path"). */
  byController: Map<string, string>;
}

function readMembership(fsRoot: string): Membership {
  const membership: Membership = { unified: undefined, byController: new Map() };
  for (const line of (readText(join(fsRoot, 'proc/self/cgroup')) ?? '').split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, hierarchy, controllers = '', path = '/'] = match;
    if (hierarchy === '0' && controllers === '') membership.unified = path;
    else for (const name of controllers.split(',')) membership.byController.set(name, path);
  }
  return membership;
}

/**
 * The folders to look in, most specific first: the process's cgroup and its ancestors below
 * `mountDir`, then `mountDir` itself (where a container with its own cgroup namespace, or Docker
 * without one, shows its limits).
 */
function candidateDirs(mountDir: string, cgroupPath: string | undefined): string[] {
  const dirs: string[] = [];
  const segments = (cgroupPath ?? '/').split('/').filter((s) => s !== '' && s !== '..');
  for (let n = segments.length; n > 0; n--) dirs.push(join(mountDir, ...segments.slice(0, n)));
  dirs.push(mountDir);
  return dirs;
}

function v2Dirs(fsRoot: string, membership: Membership): string[] {
  return candidateDirs(join(fsRoot, 'sys/fs/cgroup'), membership.unified);
}

/** v1 mounts a controller alone (`cpu`) or joined with its sibling (`cpu,cpuacct`). */
const V1_MOUNTS: Readonly<Record<string, readonly string[]>> = {
  cpu: ['cpu', 'cpu,cpuacct', 'cpuacct,cpu'],
  cpuacct: ['cpuacct', 'cpu,cpuacct', 'cpuacct,cpu'],
  memory: ['memory'],
};

function v1Dirs(fsRoot: string, membership: Membership, controller: string): string[] {
  return (V1_MOUNTS[controller] ?? [controller]).flatMap((mount) =>
    candidateDirs(join(fsRoot, 'sys/fs/cgroup', mount), membership.byController.get(controller)),
  );
}

/** cgroup v2 `cpu.max`: "max 100000" (no quota) or "200000 100000" (2 cores). */
export function parseCpuMax(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const [quotaText, periodText] = text.split(/\s+/);
  const quota = parseNumber(quotaText);
  const period = parseNumber(periodText) ?? DEFAULT_CFS_PERIOD_US;
  if (quota === undefined || quota <= 0 || period <= 0) return undefined;
  return quota / period;
}

/** Bytes to MB, or undefined for "max", garbage, or a number too large to be a real limit. */
export function parseMemoryLimit(text: string | undefined): number | undefined {
  const bytes = parseNumber(text);
  if (bytes === undefined || bytes <= 0 || bytes >= UNLIMITED_BYTES) return undefined;
  return Math.floor(bytes / MIB);
}

function cpuQuotaV1(dir: string): number | undefined {
  const quota = parseNumber(readText(join(dir, 'cpu.cfs_quota_us')));
  if (quota === undefined || quota <= 0) return undefined;
  const period = parseNumber(readText(join(dir, 'cpu.cfs_period_us'))) ?? DEFAULT_CFS_PERIOD_US;
  return period > 0 ? quota / period : undefined;
}

/**
 * The CPU quota (cores) and memory limit (MB) that apply to this process, or undefined for each
 * that is unlimited or unreadable (not Linux, no cgroup mount). `fsRoot` lets tests point at a
 * fake tree holding `sys/fs/cgroup/...` and `proc/self/cgroup`.
 */
export function readContainerLimits(fsRoot = '/'): ContainerLimits {
  const membership = readMembership(fsRoot);
  const unified = v2Dirs(fsRoot, membership);
  const cpuQuota =
    minDefined(unified.map((dir) => parseCpuMax(readText(join(dir, 'cpu.max'))))) ??
    minDefined(v1Dirs(fsRoot, membership, 'cpu').map(cpuQuotaV1));
  const memoryLimitMb =
    minDefined(unified.map((dir) => parseMemoryLimit(readText(join(dir, 'memory.max'))))) ??
    minDefined(
      v1Dirs(fsRoot, membership, 'memory').map((dir) =>
        parseMemoryLimit(readText(join(dir, 'memory.limit_in_bytes'))),
      ),
    );
  return { cpuQuota, memoryLimitMb };
}

function statField(text: string | undefined, field: string): number | undefined {
  const match = new RegExp(`^${field} (\\d+)$`, 'm').exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

function firstExisting(dirs: string[], file: string): string | undefined {
  return dirs.map((dir) => join(dir, file)).find((path) => readText(path) !== undefined);
}

/**
 * A reader of the cgroup's CPU time and working set. Paths are resolved once here, so each call
 * is a few small file reads, cheap enough for every sample.
 */
export function createContainerUsageReader(fsRoot = '/'): () => ContainerUsage {
  const membership = readMembership(fsRoot);
  const unified = v2Dirs(fsRoot, membership);
  const cpuStatV2 = firstExisting(unified, 'cpu.stat');
  const cpuUsageV1 = firstExisting(v1Dirs(fsRoot, membership, 'cpuacct'), 'cpuacct.usage');
  const memoryCurrentV2 = firstExisting(unified, 'memory.current');
  const memoryDirV1 = firstExisting(v1Dirs(fsRoot, membership, 'memory'), 'memory.usage_in_bytes');

  const readCpuMicros = (): number | undefined => {
    if (cpuStatV2) return statField(readText(cpuStatV2), 'usage_usec');
    // v1 counts nanoseconds.
    const nanos = cpuUsageV1 ? parseNumber(readText(cpuUsageV1)) : undefined;
    return nanos === undefined ? undefined : nanos / 1000;
  };
  const readMemoryUsedMb = (): number | undefined => {
    let usage: number | undefined;
    let inactiveFile: number | undefined;
    if (memoryCurrentV2) {
      usage = parseNumber(readText(memoryCurrentV2));
      inactiveFile = statField(readText(join(memoryCurrentV2, '../memory.stat')), 'inactive_file');
    } else if (memoryDirV1) {
      usage = parseNumber(readText(memoryDirV1));
      const stat = readText(join(memoryDirV1, '../memory.stat'));
      inactiveFile = statField(stat, 'total_inactive_file') ?? statField(stat, 'inactive_file');
    }
    if (usage === undefined) return undefined;
    return (usage - Math.min(inactiveFile ?? 0, usage)) / MIB;
  };
  return () => ({ cpuMicros: readCpuMicros(), memoryUsedMb: readMemoryUsedMb() });
}
