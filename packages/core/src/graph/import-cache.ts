/**
 * Parsed imports keyed by file content hash, persisted in the cache folder so that a warm plan
 * parses nothing. The file is written atomically and is validated when read: a corrupt or foreign
 * file is discarded and rebuilt, never trusted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write';
import type { ImportKind, ParsedImports } from './parse-imports';

export type CachedParse = ParsedImports | { error: string };

const KIND_CODES: Record<ImportKind, number> = { static: 0, dynamic: 1, require: 2, mock: 3 };
const KINDS: ImportKind[] = ['static', 'dynamic', 'require', 'mock'];

// Compact on disk: [[specifier, kindCode], ...], nonLiteral | { e: message }.
const entrySchema = z.union([
  z.tuple([
    z.array(z.tuple([z.string(), z.number().int().min(0).max(3)])),
    z.number().int().min(0),
  ]),
  z.strictObject({ e: z.string() }),
]);
const fileSchema = z.strictObject({
  version: z.literal(1),
  parser: z.string(),
  entries: z.record(z.string(), entrySchema),
});

export class ImportCache {
  private readonly entries = new Map<string, CachedParse>();
  private dirty = false;
  private readonly path: string;

  /** `parserId` changes when the parser or its options change, which discards the old entries. */
  constructor(
    cacheDir: string,
    private readonly parserId: string,
  ) {
    this.path = join(cacheDir, 'graph', 'imports.json');
  }

  load(): void {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8')) as unknown;
    } catch {
      return; // Missing or unreadable: start empty.
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success || parsed.data.parser !== this.parserId) return;
    for (const [hash, entry] of Object.entries(parsed.data.entries)) {
      if (Array.isArray(entry)) {
        this.entries.set(hash, {
          imports: entry[0].map(([specifier, code]) => ({
            specifier,
            kind: KINDS[code] ?? 'static',
          })),
          nonLiteral: entry[1],
        });
      } else {
        this.entries.set(hash, { error: entry.e });
      }
    }
  }

  /** How many parses are cached (none: a cold start, nothing to look up). */
  get size(): number {
    return this.entries.size;
  }

  get(contentHash: string): CachedParse | undefined {
    return this.entries.get(contentHash);
  }

  set(contentHash: string, value: CachedParse): void {
    this.entries.set(contentHash, value);
    this.dirty = true;
  }

  /**
   * Writes the file if it changed. With `live` (the files that exist now, from a plan of the whole
   * workspace), keeps only those hashes; a plan of part of the workspace passes none and prunes
   * nothing, since it has not seen the other files.
   */
  save(live?: ReadonlySet<string>): void {
    const stale = (hash: string) => live !== undefined && !live.has(hash);
    // Nothing new and nothing to prune (a warm plan): leave the file alone, without encoding it.
    if (!this.dirty && ![...this.entries.keys()].some(stale)) return;
    const entries: Record<string, z.infer<typeof entrySchema>> = {};
    for (const [hash, value] of this.entries) {
      if (stale(hash)) continue;
      entries[hash] =
        'error' in value
          ? { e: value.error }
          : [
              value.imports.map((r) => [r.specifier, KIND_CODES[r.kind]] as [string, number]),
              value.nonLiteral,
            ];
    }
    writeFileAtomic(this.path, JSON.stringify({ version: 1, parser: this.parserId, entries }));
    this.dirty = false;
  }
}
