/**
 * @shardwise/db benchmark. Writes the `db` section of BENCHMARKS.md and tools/results/db.json.
 *
 *   npm run bench:db [-- --iterations 60 --restores 5 --rounds 3]
 *
 * 1. PGlite start per slot: a slot's lazy host (worker thread) from start until a `pg` client's
 *    first answer, median of `--restores` starts.
 * 2. Per-test clean-state cost of each strategy, on the example API's schema, through the same
 *    API the tests use (TestDatabase.beforeEach + the first query + afterEach, a test's writes in
 *    between): rollback and truncate on PGlite; rollback, truncate and template on a real
 *    PostgreSQL server; against the usual baseline of dropping and migrating the schema again.
 *    PGlite's own whole-instance strategies (snapshot restore from a data-dir dump, clone()) are
 *    timed in-process. Median and p90 of `--iterations` tests (`--restores` for the slow ones).
 * 3. The example's integration category through Shardwise (`--no-cache --workers 2`): with
 *    @shardwise/db on the slots' PGlite, with @shardwise/db on the real server, and the same
 *    tests re-creating their schema before every test on the real server
 *    (EXAMPLE_DB_RECREATE_PER_TEST=1). Rounds alternate the three; median wall time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import {
  applySchema,
  readSchemaSource,
  startDatabaseHost,
  startPostgresServer,
  TestDatabase,
  wipeDatabase,
  type Isolation,
  type PostgresServer,
} from '@shardwise/db';
import pg from 'pg';
import {
  machineLine,
  median,
  repoRoot,
  runBenchmark,
  writeBenchmarkSection,
  writeResultJson,
} from './bench-support';

const example = join(repoRoot, 'example');
const migrations = join(example, 'apps', 'api', 'db', 'migrations');
const ensureScript = join(repoRoot, 'scripts', 'ensure-postgres.sh');
const shardwiseCli = join(repoRoot, 'packages', 'core', 'dist', 'cli', 'main.js');

interface Figure {
  backend: 'PGlite' | 'PostgreSQL';
  strategy: string;
  samples: number;
  medianMs: number;
  p90Ms: number;
  note: string;
}

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

function figure(
  backend: Figure['backend'],
  strategy: string,
  samples: number[],
  note: string,
): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    backend,
    strategy,
    samples: samples.length,
    medianMs: round1(median(samples)),
    p90Ms: round1(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))] ?? 0),
    note,
  };
}

/** What a test does between two resets: an order, a stock change, a read. */
async function testWrites(query: (text: string) => Promise<unknown>, i: number): Promise<void> {
  await query(
    `INSERT INTO customer_order (id, status, body, created_at) VALUES ('ord_${i}', 'placed', '{}', now())`,
  );
  await query("UPDATE product SET stock = stock - 1 WHERE sku = 'KB-01'");
  await query('SELECT count(*) FROM customer_order');
}

/** Clean-state cost per test through TestDatabase: beforeEach + first query + afterEach. */
async function isolationCost(
  isolation: Isolation,
  iterations: number,
  adminUrl?: string,
): Promise<number[]> {
  const db = new TestDatabase({ schema: migrations, isolation, adminUrl });
  await db.start();
  const costs: number[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const began = performance.now();
      await db.beforeEach();
      await db.query('SELECT 1');
      const ready = performance.now();
      await testWrites((text) => db.query(text), i);
      const written = performance.now();
      await db.afterEach();
      costs.push(ready - began + (performance.now() - written));
    }
  } finally {
    await db.stop();
  }
  return costs;
}

/** The baseline: drop the schema and run every migration again before each test. */
async function recreateCost(url: string, iterations: number): Promise<number[]> {
  const source = readSchemaSource(migrations);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const costs: number[] = [];
  try {
    await wipeDatabase(client);
    await applySchema(client, source);
    for (let i = 0; i < iterations; i++) {
      await testWrites((text) => client.query(text), i);
      const began = performance.now();
      await wipeDatabase(client);
      await applySchema(client, source);
      costs.push(performance.now() - began);
    }
  } finally {
    await client.end();
  }
  return costs;
}

async function pgliteHostStarts(count: number): Promise<{ ready: number[]; pglite: number[] }> {
  const ready: number[] = [];
  const pglite: number[] = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const host = await startDatabaseHost();
    const client = new pg.Client({ connectionString: host.url });
    await client.connect();
    await client.query('SELECT 1');
    ready.push(performance.now() - began);
    await client.end();
    const startMs = await host.stop();
    if (startMs !== undefined) pglite.push(startMs);
  }
  return { ready, pglite };
}

/** PGlite's whole-instance strategies, in-process: restore from a dump, and clone(). */
async function pgliteInstanceCosts(count: number): Promise<{ restore: number[]; clone: number[] }> {
  const source = readSchemaSource(migrations);
  const db = await PGlite.create();
  const restore: number[] = [];
  const clone: number[] = [];
  try {
    await applySchema(db, source);
    const dump = await db.dumpDataDir('none');
    for (let i = 0; i < count; i++) {
      let began = performance.now();
      const restored = await PGlite.create({ loadDataDir: dump });
      await restored.query('SELECT 1');
      restore.push(performance.now() - began);
      await restored.close();
      began = performance.now();
      const cloned = await db.clone();
      await cloned.query('SELECT 1');
      clone.push(performance.now() - began);
      await cloned.close();
    }
  } finally {
    await db.close();
  }
  return { restore, clone };
}

interface SuiteRun {
  variant: string;
  wallMs: number;
  passed: number;
  failed: number;
}

function runIntegrationSuite(variant: string, env: NodeJS.ProcessEnv): SuiteRun {
  const began = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      shardwiseCli,
      'run',
      '--cwd',
      example,
      '--category',
      'integration',
      '--no-cache',
      '--workers',
      '2',
      '--json',
    ],
    { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = performance.now() - began;
  let summary: { passed: number; failed: number };
  try {
    summary = (JSON.parse(result.stdout) as { summary: { passed: number; failed: number } })
      .summary;
  } catch {
    throw new Error(
      `${variant}: no JSON report (exit ${result.status}):\n${result.stderr.slice(-3000)}`,
    );
  }
  if (result.status !== 0 || summary.failed > 0)
    throw new Error(
      `${variant}: the suite failed (exit ${result.status}):\n${result.stderr.slice(-3000)}`,
    );
  return { variant, wallMs: Math.round(wallMs), passed: summary.passed, failed: summary.failed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '60' },
      restores: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const iterations = Number(values.iterations);
  const restores = Number(values.restores);
  const rounds = Number(values.rounds);
  const log = (message: string) => process.stderr.write(`bench-db: ${message}\n`);

  const installBegan = performance.now();
  const ensure = spawnSync('bash', [ensureScript], { encoding: 'utf8' });
  if (ensure.status !== 0) throw new Error(`ensure-postgres failed: ${ensure.stderr}`);
  const ensureMs = performance.now() - installBegan;
  log(ensure.stdout.trim());

  let server: PostgresServer | undefined;
  const figures: Figure[] = [];
  const suite: SuiteRun[] = [];
  let starts: { ready: number[]; pglite: number[] };
  try {
    log(`PGlite host starts ×${restores}`);
    starts = await pgliteHostStarts(restores);

    const host = await startDatabaseHost();
    process.env.SHARDWISE_DATABASE_URL = host.url;
    try {
      for (const isolation of ['rollback', 'truncate'] as const) {
        log(`PGlite ${isolation} ×${iterations}`);
        figures.push(
          figure('PGlite', isolation, await isolationCost(isolation, iterations), 'TestDatabase'),
        );
      }
      log(`PGlite re-create schema ×${iterations}`);
      figures.push(
        figure(
          'PGlite',
          're-create schema (baseline)',
          await recreateCost(host.url, iterations),
          'drop schema, run migrations',
        ),
      );
    } finally {
      delete process.env.SHARDWISE_DATABASE_URL;
      await host.stop();
    }
    log(`PGlite snapshot restore and clone ×${restores}`);
    const instance = await pgliteInstanceCosts(restores);
    figures.push(
      figure('PGlite', 'snapshot restore', instance.restore, 'PGlite.create({ loadDataDir })'),
    );
    figures.push(figure('PGlite', 'clone', instance.clone, 'PGlite.clone()'));

    server = await startPostgresServer();
    const adminUrl = server.adminUrl;
    for (const isolation of ['rollback', 'truncate', 'template'] as const) {
      log(`PostgreSQL ${isolation} ×${iterations}`);
      figures.push(
        figure(
          'PostgreSQL',
          isolation,
          await isolationCost(isolation, iterations, adminUrl),
          'TestDatabase',
        ),
      );
    }
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE bench_recreate');
    await admin.end();
    const recreateUrl = new URL(adminUrl);
    recreateUrl.pathname = '/bench_recreate';
    log(`PostgreSQL re-create schema ×${iterations}`);
    figures.push(
      figure(
        'PostgreSQL',
        're-create schema (baseline)',
        await recreateCost(recreateUrl.toString(), iterations),
        'drop schema, run migrations',
      ),
    );

    const variants: Array<[string, NodeJS.ProcessEnv]> = [
      ['@shardwise/db, PGlite per slot', {}],
      ['@shardwise/db, PostgreSQL (truncate)', { SHARDWISE_PG_ADMIN_URL: adminUrl }],
      [
        'schema re-created per test, PostgreSQL',
        { SHARDWISE_PG_ADMIN_URL: adminUrl, EXAMPLE_DB_RECREATE_PER_TEST: '1' },
      ],
    ];
    log('integration suite warm-up');
    runIntegrationSuite('warm-up', {});
    for (let round = 0; round < rounds; round++)
      for (const [variant, env] of variants) {
        log(`integration suite, round ${round + 1}: ${variant}`);
        suite.push(runIntegrationSuite(variant, env));
      }
    const initdb = server.timings;
    log('stopping the PostgreSQL server');
    await server.stop();
    server = undefined;
    log('writing results');

    const suiteMedians = variants.map(([variant]) => ({
      variant,
      medianWallMs: median(suite.filter((r) => r.variant === variant).map((r) => r.wallMs)),
      passed: suite.find((r) => r.variant === variant)?.passed ?? 0,
    }));
    const baseline = suiteMedians[2]!.medianWallMs;
    const result = {
      machine: machineLine(),
      method: {
        iterations,
        restores,
        rounds,
        costPerTest:
          'TestDatabase.beforeEach + first query + afterEach around a test of three statements (insert, update, count); re-create = drop schema + migrations; restore/clone = a new PGlite instance until its first answer',
        suite:
          'shardwise run --cwd example --category integration --no-cache --workers 2; rounds alternate the variants after one warm-up run; median wall time',
      },
      pgliteStart: {
        readyMedianMs: Math.round(median(starts.ready)),
        pgliteMedianMs: Math.round(median(starts.pglite)),
        samples: starts.ready.map(Math.round),
      },
      postgres: {
        ensureScriptMs: Math.round(ensureMs),
        initdbMs: Math.round(initdb.initdbMs),
        startMs: Math.round(initdb.startMs),
      },
      figures,
      suite,
      suiteMedians: suiteMedians.map((m) => ({
        ...m,
        speedupOverRecreate: Math.round((baseline / m.medianWallMs) * 100) / 100,
      })),
    };
    writeResultJson('db', result);
    writeBenchmarkSection('db', renderSection(result));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await server?.stop();
  }
}

function renderSection(result: {
  machine: string;
  method: { iterations: number; restores: number; rounds: number };
  pgliteStart: { readyMedianMs: number; pgliteMedianMs: number; samples: number[] };
  postgres: { ensureScriptMs: number; initdbMs: number; startMs: number };
  figures: Figure[];
  suiteMedians: Array<{
    variant: string;
    medianWallMs: number;
    passed: number;
    speedupOverRecreate: number;
  }>;
}): string {
  const rows = result.figures.map(
    (f) =>
      `| ${f.backend} | ${f.strategy} | ${f.medianMs} | ${f.p90Ms} | ${f.samples} | ${f.note} |`,
  );
  const suiteRows = result.suiteMedians.map(
    (m) =>
      `| ${m.variant} | ${(m.medianWallMs / 1000).toFixed(1)} s | ${m.passed} | ${m.speedupOverRecreate}x |`,
  );
  return [
    '## @shardwise/db: clean state per test (`npm run bench:db`)',
    '',
    `Machine: ${result.machine}. Schema: the example API's migrations (2 tables, 6 seeded rows).`,
    '',
    `**PGlite start per slot**: ${(result.pgliteStart.readyMedianMs / 1000).toFixed(2)} s from the slot starting its host to a \`pg\` client's first answer (PGlite itself ${(result.pgliteStart.pgliteMedianMs / 1000).toFixed(2)} s), median of ${result.method.restores}; paid once per slot, lazily on the first connection.`,
    '',
    `**Per-test clean-state cost** (ms): \`TestDatabase.beforeEach\` + the test's first query + \`afterEach\` around a test that inserts an order, updates stock and counts; median and p90 of ${result.method.iterations} tests (${result.method.restores} for restore and clone). The baseline drops the schema and runs the migrations again.`,
    '',
    '| backend | strategy | median | p90 | tests | measured through |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    `**The example's integration category** (\`shardwise run --category integration --no-cache --workers 2\`; 3 of its files use the database), median wall time of ${result.method.rounds} alternating rounds after a warm-up:`,
    '',
    '| variant | wall | tests passed | vs re-creating the schema per test |',
    '| --- | ---: | ---: | ---: |',
    ...suiteRows,
    '',
    `Real PostgreSQL for these runs: \`scripts/ensure-postgres.sh\` ${(result.postgres.ensureScriptMs / 1000).toFixed(1)} s (already installed here), initdb ${(result.postgres.initdbMs / 1000).toFixed(1)} s, server ready ${(result.postgres.startMs / 1000).toFixed(1)} s later.`,
  ].join('\n');
}

runBenchmark(main);
