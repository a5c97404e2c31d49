/**
 * Sums coverage maps. Records of one source with the same statement, function and branch maps
 * (the same instrumentation of the same file: by far the common case, one record per test file
 * that loads the source) are added count by count; any other pair goes through istanbul's own
 * location-keyed merge. Istanbul's merge alone keys every location by string for every record,
 * which at thousands of test files times hundreds of sources takes minutes; the sum is the same.
 */
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageData } from './file-artifacts';

type FileRecord = CoverageData[string];

/** Structural equality of JSON values (the maps are plain parsed JSON). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys)
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  return true;
}

function sameStructure(a: FileRecord, b: FileRecord): boolean {
  return (
    a['all'] !== true &&
    b['all'] !== true &&
    sameJson(a.statementMap, b.statementMap) &&
    sameJson(a.fnMap, b.fnMap) &&
    sameJson(a.branchMap, b.branchMap)
  );
}

/**
 * A copy whose counts this accumulator may change (the maps are shared, never changed), with its
 * keys in one order: a record rebuilt from the cache and one fresh from a runner write the same
 * JSON.
 */
function owned(record: FileRecord): FileRecord {
  const { path, statementMap, fnMap, branchMap, s, f, b, ...rest } = record;
  return {
    path,
    statementMap,
    fnMap,
    branchMap,
    s: { ...s },
    f: { ...f },
    b: Object.fromEntries(Object.entries(b).map(([k, arms]) => [k, [...arms]])),
    ...Object.fromEntries(Object.entries(rest).sort(([a], [c]) => a.localeCompare(c))),
  };
}

function addCounts(into: FileRecord, from: FileRecord): void {
  for (const [k, n] of Object.entries(from.s)) into.s[k] = (into.s[k] ?? 0) + n;
  for (const [k, n] of Object.entries(from.f)) into.f[k] = (into.f[k] ?? 0) + n;
  for (const [k, arms] of Object.entries(from.b)) {
    const target = (into.b[k] ??= arms.map(() => 0));
    arms.forEach((n, i) => (target[i] = (target[i] ?? 0) + n));
  }
}

export class CoverageAccumulator {
  private readonly files = new Map<string, FileRecord>();

  add(data: CoverageData): void {
    for (const [key, record] of Object.entries(data)) {
      const path = record.path || key;
      const current = this.files.get(path);
      if (current === undefined) this.files.set(path, owned({ ...record, path }));
      else if (sameStructure(current, record)) addCounts(current, record);
      else {
        const merged = libCoverage.createFileCoverage(
          current as unknown as libCoverage.FileCoverageData,
        );
        merged.merge(record as unknown as libCoverage.FileCoverageData);
        this.files.set(path, merged.toJSON() as unknown as FileRecord);
      }
    }
  }

  /** The summed records (owned by the accumulator: read, do not change). */
  toData(): CoverageData {
    return Object.fromEntries(this.files);
  }

  toCoverageMap(): libCoverage.CoverageMap {
    return libCoverage.createCoverageMap(
      Object.fromEntries(this.files) as unknown as libCoverage.CoverageMapData,
    );
  }
}
