/**
 * One fault case: `fault(name, body)` is an `it` that gives the body a context (a tag for its
 * processes, workspaces to create, cache folders to check) and, whatever the body did, then
 * checks that no tagged process is left and that every registered cache folder holds only
 * complete entries. It writes one record to `test-results/faults/<slug>.json`, which
 * tools/src/test-all.ts totals into the closing fault line.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { cacheProblems } from './cache-check';
import { repoRoot, slotDirOf } from './cli';
import { orphansOf, type TaggedProcess } from './processes';

export const RECORDS_DIR = join(repoRoot, 'test-results', 'faults');

export interface FaultRecord {
  name: string;
  /** Faults this case injected: 1, or the number of inputs of a fuzzing case. */
  tried: number;
  /** Of those, the ones whose every assertion held (outcome, report, exit code, cache, processes). */
  outcomesCorrect: number;
  /** Tests reported passed (ran or cached) that a no-cache run of the same tree fails. */
  stalePasses: number;
  /** Processes of the case still alive after the grace period. */
  orphanedProcesses: number;
  /** Cache files found half-written or inconsistent. */
  cacheProblems: number;
  ms: number;
  notes: string[];
  error?: string;
}

export interface FaultContext {
  /** Put in the environment of every process the case starts (see support/cli.ts). */
  tag: string;
  /** Cache folders checked for half-written entries at the end of the case. */
  cacheDirs: string[];
  stalePasses: number;
  notes: string[];
  /** For a case that injects many faults (fuzzing): how many it tried and how many were right. */
  inputs: { tried: number; correct: number } | undefined;
  /** A new workspace with these files, under the repository's tmp/ (runners resolve) or not. */
  workspace(files: Record<string, string>, where?: 'repo' | 'outside'): string;
  /** A copy of a workspace made earlier. */
  copy(source: string): string;
  /** A folder that is deleted at the end of the case. */
  tempDir(): string;
  /** Asserts (and records) that no process of the case outlives the grace period now. */
  expectNoOrphans(): Promise<void>;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

function describeOrphans(left: TaggedProcess[]): string {
  return left.map((p) => `${p.pid} ${p.command}`).join('\n');
}

export function fault(
  name: string,
  body: (ctx: FaultContext) => Promise<void>,
  timeoutMs = 300_000,
): void {
  it(
    name,
    async () => {
      const started = Date.now();
      const temps: string[] = [];
      const orphans: TaggedProcess[] = [];
      const tempDir = (where: 'repo' | 'outside' = 'repo') => {
        const parent = where === 'repo' ? join(repoRoot, 'tmp', 'faults') : tmpdir();
        mkdirSync(parent, { recursive: true });
        const dir = mkdtempSync(join(parent, `${slug(name).slice(0, 24)}-`));
        temps.push(dir);
        return dir;
      };
      const ctx: FaultContext = {
        tag: `${slug(name).slice(0, 40)}-${randomBytes(4).toString('hex')}`,
        cacheDirs: [],
        stalePasses: 0,
        notes: [],
        inputs: undefined,
        workspace(files, where = 'repo') {
          const root = tempDir(where);
          writeFiles(root, files);
          ctx.cacheDirs.push(join(root, '.shardwise', 'cache'));
          return root;
        },
        copy(source) {
          const root = tempDir();
          cpSync(source, root, { recursive: true });
          ctx.cacheDirs.push(join(root, '.shardwise', 'cache'));
          return root;
        },
        tempDir: () => tempDir(),
        async expectNoOrphans() {
          const left = await orphansOf(ctx.tag);
          orphans.push(...left);
          expect(left, `processes left behind:\n${describeOrphans(left)}`).toEqual([]);
        },
      };
      let error: unknown;
      try {
        await body(ctx);
      } catch (caught) {
        error = caught;
      }
      orphans.push(...(await orphansOf(ctx.tag)));
      const problems = ctx.cacheDirs.flatMap((dir) =>
        cacheProblems(dir).map((p) => `${dir}: ${p}`),
      );
      const clean =
        error === undefined &&
        orphans.length === 0 &&
        problems.length === 0 &&
        ctx.stalePasses === 0;
      const tried = ctx.inputs?.tried ?? 1;
      const record: FaultRecord = {
        name,
        tried,
        outcomesCorrect:
          ctx.inputs === undefined ? Number(clean) : clean ? tried : ctx.inputs.correct,
        stalePasses: ctx.stalePasses,
        orphanedProcesses: new Set(orphans.map((p) => p.pid)).size,
        cacheProblems: problems.length,
        ms: Date.now() - started,
        notes: ctx.notes,
        ...(error === undefined ? {} : { error: String((error as Error).message ?? error) }),
      };
      mkdirSync(RECORDS_DIR, { recursive: true });
      writeFileSync(
        join(RECORDS_DIR, `${slug(name)}.json`),
        `${JSON.stringify(record, null, 2)}\n`,
      );
      for (const dir of [...temps, slotDirOf(ctx.tag)])
        rmSync(dir, { recursive: true, force: true });
      if (error !== undefined) throw error;
      expect(orphans, `processes left behind:\n${describeOrphans(orphans)}`).toEqual([]);
      expect(problems, 'cache folders hold half-written or inconsistent files').toEqual([]);
      expect(ctx.stalePasses, 'stale passes').toBe(0);
    },
    timeoutMs,
  );
}
