/**
 * @shardwise/db benchmark. Writes the `db` section of BENCHMARKS.md and tools/results/db.json.
 *
 *   npm run bench:db [-- --iterations 60 --restores 5 --rounds 3]
 *
 * 1. PGlite start per slot: a slot's lazy host (worker thread) from start until a `pg` client's
 *    first answer: once with no cached initial state (initdb runs), then the median of
 *    `--restores` starts from the cached state.
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
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
  schema: string;
  strategy: string;
  samples: number;
  medianMs: number;
  p90Ms: number;
  note: string;
}

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

function figure(
  backend: Figure['backend'],
  schema: Schema,
  strategy: string,
  samples: number[],
  note: string,
): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    backend,
    schema: schema.label,
    strategy,
    samples: samples.length,
    medianMs: round1(median(samples)),
    p90Ms: round1(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))] ?? 0),
    note,
  };
}

interface Schema {
  label: string;
  path: string;
}

/**
 * A larger schema for the same tests: the example's two tables plus `extra` tables in ten
 * migrations, each with a foreign key to the one before and an index, every other one seeded
 * with five rows.
 */
function generatedSchema(extra: number): Schema {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-bench-db-schema-'));
  for (const file of readdirSync(migrations))
    writeFileSync(join(dir, file), readFileSync(join(migrations, file)));
  const perFile = Math.ceil(extra / 10);
  for (let f = 0; f < 10; f++) {
    const tables: string[] = [];
    for (let t = f * perFile; t < Math.min(extra, (f + 1) * perFile); t++) {
      const ref = t === 0 ? '' : `, parent_id integer REFERENCES t${t - 1} (id)`;
      tables.push(
        `CREATE TABLE t${t} (id serial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()${ref});`,
        `CREATE INDEX t${t}_name ON t${t} (name);`,
      );
      if (t % 2 === 0)
        tables.push(
          `INSERT INTO t${t} (name) SELECT 'seed ' || g FROM generate_series(1, 5) AS g;`,
        );
    }
    writeFileSync(join(dir, `${String(f + 3).padStart(3, '0')}_generated.sql`), tables.join('\n'));
  }
  return { label: `generated (${extra + 2} tables)`, path: dir };
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
  schema: Schema,
  isolation: Isolation,
  iterations: number,
  adminUrl?: string,
): Promise<number[]> {
  const db = new TestDatabase({ schema: schema.path, isolation, adminUrl });
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
async function recreateCost(schema: Schema, url: string, iterations: number): Promise<number[]> {
  const source = readSchemaSource(schema.path);
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

interface HostStarts {
  /** The first start, with no cached initial state: PGlite runs initdb (and the state is saved). */
  coldReadyMs: number;
  /** Later starts from the cached initial state. */
  ready: number[];
  pglite: number[];
}

async function pgliteHostStarts(count: number): Promise<HostStarts> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'shardwise-bench-db-cache-'));
  const saved = process.env.SHARDWISE_DB_CACHE_DIR;
  process.env.SHARDWISE_DB_CACHE_DIR = cacheDir;
  try {
    const [cold] = await timeHostStarts(1);
    const cached = await timeHostStarts(count);
    return {
      coldReadyMs: cold!.ready,
      ready: cached.map((s) => s.ready),
      pglite: cached.map((s) => s.pglite),
    };
  } finally {
    if (saved === undefined) delete process.env.SHARDWISE_DB_CACHE_DIR;
    else process.env.SHARDWISE_DB_CACHE_DIR = saved;
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function timeHostStarts(count: number): Promise<Array<{ ready: number; pglite: number }>> {
  const starts: Array<{ ready: number; pglite: number }> = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const host = await startDatabaseHost();
    const client = new pg.Client({ connectionString: host.url });
    await client.connect();
    await client.query('SELECT 1');
    const ready = performance.now() - began;
    await client.end();
    starts.push({ ready, pglite: (await host.stop()) ?? Number.NaN });
  }
  return starts;
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
  // Other work on the machine moves these figures: the run states the load it ran under.
  const loadAtStart = loadavg()[0]!;

  const installBegan = performance.now();
  const ensure = spawnSync('bash', [ensureScript], { encoding: 'utf8' });
  if (ensure.status !== 0) throw new Error(`ensure-postgres failed: ${ensure.stderr}`);
  const ensureMs = performance.now() - installBegan;
  log(ensure.stdout.trim());

  let server: PostgresServer | undefined;
  const figures: Figure[] = [];
  const suite: SuiteRun[] = [];
  let starts: HostStarts;
  const schemas: Schema[] = [];
  try {
    log(`PGlite host starts ×${restores}`);
    starts = await pgliteHostStarts(restores);

    schemas.push({ label: 'example API (2 tables)', path: migrations }, generatedSchema(40));
    const host = await startDatabaseHost();
    process.env.SHARDWISE_DATABASE_URL = host.url;
    try {
      for (const schema of schemas) {
        for (const isolation of ['rollback', 'truncate'] as const) {
          log(`PGlite ${schema.label} ${isolation} ×${iterations}`);
          figures.push(
            figure(
              'PGlite',
              schema,
              isolation,
              await isolationCost(schema, isolation, iterations),
              'TestDatabase',
            ),
          );
        }
        log(`PGlite ${schema.label} re-create schema ×${iterations}`);
        figures.push(
          figure(
            'PGlite',
            schema,
            're-create schema (baseline)',
            await recreateCost(schema, host.url, iterations),
            'drop schema, run migrations',
          ),
        );
      }
    } finally {
      delete process.env.SHARDWISE_DATABASE_URL;
      await host.stop();
    }
    log(`PGlite snapshot restore and clone ×${restores}`);
    const instance = await pgliteInstanceCosts(restores);
    figures.push(
      figure(
        'PGlite',
        schemas[0]!,
        'snapshot restore',
        instance.restore,
        'PGlite.create({ loadDataDir })',
      ),
    );
    figures.push(figure('PGlite', schemas[0]!, 'clone', instance.clone, 'PGlite.clone()'));

    server = await startPostgresServer();
    const adminUrl = server.adminUrl;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE bench_recreate');
    await admin.end();
    const recreateUrl = new URL(adminUrl);
    recreateUrl.pathname = '/bench_recreate';
    for (const schema of schemas) {
      for (const isolation of ['rollback', 'truncate', 'template'] as const) {
        log(`PostgreSQL ${schema.label} ${isolation} ×${iterations}`);
        figures.push(
          figure(
            'PostgreSQL',
            schema,
            isolation,
            await isolationCost(schema, isolation, iterations, adminUrl),
            'TestDatabase',
          ),
        );
      }
      log(`PostgreSQL ${schema.label} re-create schema ×${iterations}`);
      figures.push(
        figure(
          'PostgreSQL',
          schema,
          're-create schema (baseline)',
          await recreateCost(schema, recreateUrl.toString(), iterations),
          'drop schema, run migrations',
        ),
      );
    }

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
      loadAverage: { start: round1(loadAtStart), end: round1(loadavg()[0]!) },
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
        coldReadyMs: Math.round(starts.coldReadyMs),
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
    for (const schema of schemas.slice(1)) rmSync(schema.path, { recursive: true, force: true });
  }
}

function renderSection(result: {
  machine: string;
  loadAverage: { start: number; end: number };
  method: { iterations: number; restores: number; rounds: number };
  pgliteStart: {
    coldReadyMs: number;
    readyMedianMs: number;
    pgliteMedianMs: number;
    samples: number[];
  };
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
      `| ${f.backend} | ${f.schema} | ${f.strategy} | ${f.medianMs} | ${f.p90Ms} | ${f.samples} | ${f.note} |`,
  );
  const suiteRows = result.suiteMedians.map(
    (m) =>
      `| ${m.variant} | ${(m.medianWallMs / 1000).toFixed(1)} s | ${m.passed} | ${m.speedupOverRecreate}x |`,
  );
  return [
    '## @shardwise/db: clean state per test (`npm run bench:db`)',
    '',
    `Machine: ${result.machine}; 1-minute load average ${result.loadAverage.start} at the start and ${result.loadAverage.end} at the end (other work shared the machine). Schemas: the example API's migrations (2 tables, 6 seeded rows), and the same with 40 generated tables (foreign keys, indexes, 100 seeded rows) in ten more migrations.`,
    '',
    `**PGlite start per slot**: ${(result.pgliteStart.readyMedianMs / 1000).toFixed(2)} s from the slot starting its host to a \`pg\` client's first answer (PGlite itself ${(result.pgliteStart.pgliteMedianMs / 1000).toFixed(2)} s), median of ${result.method.restores}, starting from the cached initial data folder; the first start on a machine runs PGlite's initdb and saves that folder: ${(result.pgliteStart.coldReadyMs / 1000).toFixed(2)} s. Paid once per slot, lazily on the first connection.`,
    '',
    `**Per-test clean-state cost** (ms): \`TestDatabase.beforeEach\` + the test's first query + \`afterEach\` around a test that inserts an order, updates stock and counts; median and p90 of ${result.method.iterations} tests (${result.method.restores} for restore and clone). The baseline drops the schema and runs the migrations again.`,
    '',
    '| backend | schema | strategy | median | p90 | tests | measured through |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
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
