/**
 * The run report: one zod schema, the single source of the JSON report's shape. `docs/report.schema.json`
 * is generated from it (`npm run docs:schema`) and a test checks the two agree.
 */
import { z } from 'zod';

export const REPORT_SCHEMA_VERSION = 1;

export const failureCategorySchema = z.enum([
  'assertion',
  'timeout',
  'infrastructure',
  'crash',
  'compile',
  'unknown',
]);
export type FailureCategory = z.infer<typeof failureCategorySchema>;

export const testStatusSchema = z.enum(['passed', 'failed', 'skipped', 'todo']);

export const reportTestSchema = z.strictObject({
  name: z.string(),
  status: testStatusSchema,
  durationMs: z.number().nonnegative(),
  failure: z
    .strictObject({
      message: z.string(),
      stack: z.string().nullable(),
      category: failureCategorySchema,
    })
    .nullable(),
});
export type ReportTest = z.infer<typeof reportTestSchema>;

/**
 * passed/failed/skipped: what the runner said. flaky: failed, then passed on a retry. notRun: never
 * ran (fail-fast, a failed dependency category, an open circuit breaker, an interrupt).
 * quarantined: failed, but listed in the category's quarantine, so it does not fail the run.
 */
export const fileStatusSchema = z.enum([
  'passed',
  'failed',
  'skipped',
  'flaky',
  'notRun',
  'quarantined',
]);
export type FileStatus = z.infer<typeof fileStatusSchema>;

export const reportFileSchema = z.strictObject({
  path: z.string(),
  project: z.string(),
  category: z.string(),
  shard: z.number().int().min(1),
  workerId: z.number().int().min(1).nullable(),
  startMs: z.number().nonnegative().nullable(),
  endMs: z.number().nonnegative().nullable(),
  attempts: z.number().int().nonnegative(),
  /** The file's own run time as its runner measured it (the recorded time for cached files). */
  durationMs: z.number().nonnegative(),
  cached: z.boolean(),
  closureHash: z.string(),
  status: fileStatusSchema,
  failureCategory: failureCategorySchema.nullable(),
  /** Why a file did not run, or the file-level error message. */
  reason: z.string().nullable(),
  tests: z.array(reportTestSchema),
  /**
   * Tests that failed on an earlier attempt of this file before it passed (status `flaky`).
   * Optional: reports written before it was added have none.
   */
  flakyTests: z.array(z.string()).optional(),
});
export type ReportFile = z.infer<typeof reportFileSchema>;

export const resourceSampleSchema = z.strictObject({
  t: z.number().nonnegative(),
  cpu: z.number().min(0).max(1),
  memory: z.number().min(0).max(1),
  load: z.number().nonnegative(),
  disk: z.strictObject({ readBytesPerSec: z.number(), writeBytesPerSec: z.number() }).nullable(),
  /** Every interface but loopback. Optional: reports written before it was added have none. */
  network: z
    .strictObject({ rxBytesPerSec: z.number(), txBytesPerSec: z.number() })
    .nullable()
    .optional(),
  busySlots: z.number().int().nonnegative(),
});
export type ReportSample = z.infer<typeof resourceSampleSchema>;

export const runReportSchema = z.strictObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  workspaceRoot: z.string(),
  command: z.array(z.string()),
  summary: z.strictObject({
    passed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    todo: z.number().int().nonnegative(),
    flaky: z.number().int().nonnegative(),
    files: z.number().int().nonnegative(),
    cachedFiles: z.number().int().nonnegative(),
    notRunFiles: z.number().int().nonnegative(),
    failedFiles: z.number().int().nonnegative(),
    wallMs: z.number().nonnegative(),
    cpuMs: z.number().nonnegative(),
    status: z.enum(['complete', 'interrupted', 'partial']),
  }),
  pool: z.strictObject({
    initialSlots: z.number().int().min(1),
    maxSlots: z.number().int().min(1),
    reason: z.string(),
    /** What the pool was sized from (optional: older reports have none). */
    cores: z.number().int().min(1).optional(),
    /** The container's CPU quota in cores; null when unlimited. */
    cpuQuota: z.number().positive().nullable().optional(),
    memoryLimitMb: z.number().positive().nullable().optional(),
  }),
  files: z.array(reportFileSchema),
  samples: z.array(resourceSampleSchema),
  utilisation: z.strictObject({
    parallelEfficiency: z.number().nonnegative(),
    busySlotFraction: z.number().min(0).max(1),
  }),
  /** Set on a report merged from shard reports (`shardwise report --merge`): where each came from. */
  mergedFrom: z
    .array(
      z.strictObject({
        runId: z.string(),
        dir: z.string(),
        startedAt: z.string(),
        wallMs: z.number().nonnegative(),
        files: z.number().int().nonnegative(),
        /** Added to this shard's `workerId`s and `startMs`/`endMs` in the merged report. */
        workerOffset: z.number().int().nonnegative(),
        timeOffsetMs: z.number().nonnegative(),
      }),
    )
    .optional(),
});
export type RunReport = z.infer<typeof runReportSchema>;
