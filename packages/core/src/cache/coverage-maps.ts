/**
 * Coverage in the result cache, stored apart from its counts. A source's statement, function and
 * branch maps are the same in every test file that loads it (same source, same instrumentation),
 * and they are most of a coverage record's size, so each distinct map set is written once, named
 * by its content hash, under `<cacheDir>/coverage-maps/`; a cache entry keeps only the counts and
 * that hash per source. Restored records share their maps, which also lets the run's sum add
 * counts without comparing maps.
 *
 * A map file that is missing or does not parse makes the entry's coverage unrestorable: the run
 * then runs the file again (a miss), never reports coverage it cannot rebuild.
 */
import { readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { relativizeCoverage, type CoverageData } from '../test-coverage/file-artifacts';
import { writeFileAtomic } from '../util/atomic-write';
import { hashContent } from '../util/hash';

type FileRecord = CoverageData[string];
/** A record without its path and counts. */
type Structure = Omit<FileRecord, 'path' | 's' | 'f' | 'b'>;

const countsSchema = z.strictObject({
  /** The content hash of the source's maps in the map store. */
  m: z.string().regex(/^[0-9a-f]{64}$/),
  s: z.record(z.string(), z.number()),
  f: z.record(z.string(), z.number()),
  b: z.record(z.string(), z.array(z.number())),
});
/** A test file's coverage as a cache entry holds it: workspace-relative source → counts. */
export const storedCoverageSchema = z.record(z.string(), countsSchema);
export type StoredCoverage = z.infer<typeof storedCoverageSchema>;

const structureSchema = z
  .object({
    statementMap: z.record(z.string(), z.unknown()),
    fnMap: z.record(z.string(), z.unknown()),
    branchMap: z.record(z.string(), z.unknown()),
  })
  .passthrough();

export class CoverageMapStore {
  readonly dir: string;
  /** By hash: the parsed maps, or null when the file is missing or unreadable. */
  private readonly known = new Map<string, Structure | null>();

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, 'coverage-maps');
  }

  private fileOf(hash: string): string {
    return join(this.dir, hash.slice(0, 2), `${hash}.json`);
  }

  /** Writes the record's maps if they are new; returns their hash. */
  put(record: FileRecord): string {
    const { path: _path, s: _s, f: _f, b: _b, ...structure } = record;
    const json = JSON.stringify(structure);
    const hash = hashContent(json);
    if (this.known.get(hash) == null) {
      writeFileAtomic(this.fileOf(hash), json);
      this.known.set(hash, structure);
    }
    return hash;
  }

  get(hash: string): Structure | undefined {
    const cached = this.known.get(hash);
    if (cached !== undefined) return cached ?? undefined;
    let structure: Structure | null = null;
    try {
      const text = readFileSync(this.fileOf(hash), 'utf8');
      const parsed = structureSchema.safeParse(JSON.parse(text));
      if (parsed.success && hashContent(text) === hash) structure = parsed.data as Structure;
    } catch {
      // Missing or torn: unrestorable.
    }
    this.known.set(hash, structure);
    return structure ?? undefined;
  }

  /** Splits coverage (absolute sources) into the stored form (workspace-relative sources). */
  store(data: CoverageData, workspaceRoot: string): StoredCoverage {
    const stored: StoredCoverage = {};
    for (const [relative, record] of Object.entries(relativizeCoverage(data, workspaceRoot)))
      stored[relative] = { m: this.put(record), s: record.s, f: record.f, b: record.b };
    return stored;
  }

  /** The inverse of `store`; undefined when a source's maps cannot be read. */
  restore(stored: StoredCoverage, workspaceRoot: string): CoverageData | undefined {
    const data: CoverageData = {};
    for (const [relative, counts] of Object.entries(stored)) {
      const structure = this.get(counts.m);
      if (structure === undefined) return undefined;
      const path = isAbsolute(relative) ? relative : join(workspaceRoot, relative);
      data[path] = { ...structure, path, s: counts.s, f: counts.f, b: counts.b } as FileRecord;
    }
    return data;
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    this.known.clear();
  }
}
