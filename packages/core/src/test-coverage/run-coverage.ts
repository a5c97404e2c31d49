/**
 * A run's coverage: what each test file contributes (its fresh coverage when it ran, its stored
 * coverage when the result cache served it) and the merged report in the run's report folder.
 * Because both come from the same per-file coverage, a warm run's report equals a cold run's.
 */
import { join } from 'node:path';
import type { RunnerKind } from '../run/scheduler';
import { CoverageMapStore, type StoredCoverage } from '../cache/coverage-maps';
import type { CoverageData, FileArtifact } from './file-artifacts';
import { mergeCoverage, type MergedCoverage } from './merge-coverage';

/** Runners whose own provider Shardwise drives per test file. node:test and commands: none. */
export function collectsCoverage(runner: RunnerKind): boolean {
  return runner === 'jest' || runner === 'vitest';
}

export class RunCoverage {
  /** By test file: merged in path order, so the result never depends on finishing order. */
  private readonly inputs = new Map<string, CoverageData>();
  private readonly unsupported = new Set<string>();

  private readonly maps: CoverageMapStore;
  /** Fresh coverage already split for the cache (see `toStored`), by the artifact's object. */
  private readonly storedForm = new WeakMap<CoverageData, StoredCoverage>();

  constructor(
    private readonly workspaceRoot: string,
    cacheDir: string,
  ) {
    this.maps = new CoverageMapStore(cacheDir);
  }

  /** A cached pass's coverage rebuilt from the cache; undefined when its maps are gone. */
  restore(stored: StoredCoverage): CoverageData | undefined {
    return this.maps.restore(stored, this.workspaceRoot);
  }

  /** A cached pass's coverage, as `restore` returned it. */
  addRestored(testPath: string, coverage: CoverageData): void {
    this.inputs.set(testPath, coverage);
  }

  /**
   * A file that ran: its artifact's coverage, if the child wrote one. When it was stored in the
   * cache this run, the records rebuilt from the store share their maps, so the sum adds counts
   * without comparing maps; the same coverage either way.
   */
  addFresh(testPath: string, artifact: FileArtifact | undefined): void {
    if (artifact?.coverage === undefined) return;
    const stored = this.storedForm.get(artifact.coverage);
    const shared = stored === undefined ? undefined : this.maps.restore(stored, this.workspaceRoot);
    this.inputs.set(testPath, shared ?? artifact.coverage);
  }

  /** A selected file whose runner collects no coverage (reported once in the summary). */
  addUnsupported(runner: string): void {
    this.unsupported.add(runner);
  }

  get unsupportedRunners(): string[] {
    return [...this.unsupported].sort();
  }

  /** The form stored with a pass in the result cache (maps written to the map store). */
  toStored(coverage: CoverageData): StoredCoverage {
    const stored = this.maps.store(coverage, this.workspaceRoot);
    this.storedForm.set(coverage, stored);
    return stored;
  }

  /** Writes `<reportRunDir>/coverage/` (lcov, json-summary, json, text-summary). */
  write(reportRunDir: string): MergedCoverage {
    // Order matters when two providers (Jest's babel, Vitest's v8) cover one source file: istanbul
    // keeps the first map's structure. Path order makes a warm run's merge the cold run's.
    const ordered = [...this.inputs.keys()].sort().map((path) => this.inputs.get(path)!);
    return mergeCoverage(ordered, join(reportRunDir, 'coverage'), {
      projectRoot: this.workspaceRoot,
    });
  }
}
