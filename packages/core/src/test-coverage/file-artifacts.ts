/**
 * Per-test-file artifacts that runner children write beside their result lines: the file's own
 * coverage (istanbul JSON, as the runner's provider produced it) and its snapshot counts.
 *
 * One JSON file per test file in a run-level folder, named by a hash of the test file's absolute
 * path, written atomically by the child; a retry of the file overwrites its first attempt. The
 * child side (jest-reporter, vitest-driver) writes these with Node built-ins only, following
 * `artifactFileName`; this module reads them back and maps paths to workspace-relative ones.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { toPosix } from '../util/paths';

/** Istanbul's per-file coverage record, kept as the runner wrote it (validated loosely). */
export const fileCoverageSchema = z
  .object({
    path: z.string(),
    statementMap: z.record(z.string(), z.unknown()),
    fnMap: z.record(z.string(), z.unknown()),
    branchMap: z.record(z.string(), z.unknown()),
    s: z.record(z.string(), z.number()),
    f: z.record(z.string(), z.number()),
    b: z.record(z.string(), z.array(z.number())),
  })
  .passthrough();
export const coverageDataSchema = z.record(z.string(), fileCoverageSchema);
/** Istanbul coverage-map JSON: source path → file coverage. */
export type CoverageData = z.infer<typeof coverageDataSchema>;

export const snapshotCountsSchema = z.strictObject({
  /** Snapshots the runner reports as obsolete (written but no longer checked by any test). */
  obsolete: z.number().int().nonnegative(),
  /** Their names, as the runner reports them. */
  obsoleteKeys: z.array(z.string()),
});
export type SnapshotCounts = z.infer<typeof snapshotCountsSchema>;

const artifactSchema = z.strictObject({
  /** Absolute path of the test file, as the runner reported it. */
  path: z.string().min(1),
  coverage: coverageDataSchema.optional(),
  snapshots: snapshotCountsSchema.optional(),
});
export type FileArtifact = z.infer<typeof artifactSchema>;

/** The child's file name for a test file's artifact; the child computes the same with node:crypto. */
export function artifactFileName(absoluteTestPath: string): string {
  return `${createHash('sha1').update(absoluteTestPath).digest('hex')}.json`;
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Reads every artifact in `dir`, keyed by workspace-relative POSIX test path. An artifact that
 * does not parse is skipped with a message (the test file then has no coverage, never wrong one).
 */
export function readFileArtifacts(
  dir: string,
  workspaceRoot: string,
  warn: (message: string) => void = () => undefined,
): Map<string, FileArtifact> {
  const artifacts = new Map<string, FileArtifact>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return artifacts;
  }
  const root = resolve(workspaceRoot);
  const realRoot = realpathOrSelf(root);
  for (const name of names) {
    let parsed;
    try {
      parsed = artifactSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
    } catch (error) {
      warn(`ignoring ${join(dir, name)}: ${(error as Error).message}`);
      continue;
    }
    if (!parsed.success) {
      warn(`ignoring ${join(dir, name)}: not a test file artifact (${parsed.error.message})`);
      continue;
    }
    const absolute = resolve(parsed.data.path);
    const base =
      absolute.startsWith(realRoot + '/') && !absolute.startsWith(root + '/') ? realRoot : root;
    artifacts.set(toPosix(relative(base, absolute)), parsed.data);
  }
  return artifacts;
}

/**
 * Coverage with workspace-relative source paths, for storage in the result cache (so a cache
 * entry stays valid when the workspace is checked out elsewhere). Sources outside the workspace
 * keep their absolute path.
 */
export function relativizeCoverage(data: CoverageData, workspaceRoot: string): CoverageData {
  return mapCoveragePaths(data, (path) => {
    if (!isAbsolute(path)) return path;
    const rel = toPosix(relative(workspaceRoot, path));
    return rel.startsWith('../') ? path : rel;
  });
}

/** The inverse of `relativizeCoverage`: absolute source paths under `workspaceRoot`. */
export function absolutizeCoverage(data: CoverageData, workspaceRoot: string): CoverageData {
  return mapCoveragePaths(data, (path) => (isAbsolute(path) ? path : join(workspaceRoot, path)));
}

function mapCoveragePaths(data: CoverageData, map: (path: string) => string): CoverageData {
  const out: CoverageData = {};
  for (const [key, file] of Object.entries(data)) {
    const path = map(file.path || key);
    out[path] = { ...file, path };
  }
  return out;
}
