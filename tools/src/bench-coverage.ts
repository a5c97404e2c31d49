/**
 * Coverage merge benchmark (issue 10): how long `shardwise run --coverage` takes to sum the
 * per-test-file coverage of a whole run and write its report, at the synthetic `nx` size
 * (50 projects, 25,000 source files, 5,000 test files), and `report --merge` to sum shard maps.
 *
 * Inputs, built as a run would receive them:
 * - which sources each test file's coverage holds: the test file's import closure as Shardwise
 *   computes it (`planWorkspace`), i.e. every workspace module its runner loads;
 * - each source's statement, function and branch maps: istanbul-lib-instrument (the instrumenter
 *   behind Jest's babel provider) on a sample of the generated sources, each source taking one
 *   sample's maps (the generator writes every source from the same templates);
 * - hit counts: seeded pseudo-random, 0 to 3.
 * Records built in memory share their maps, which lets the sum skip comparing them; records parsed
 * from JSON (the result cache, the runners' artifacts) are compared first. The second cost is
 * measured on a sample of test files parsed from JSON and scaled to the run.
 *
 *   npm run bench:coverage [-- --size nx --sample 200 --parsed 100]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CODE_FILE,
  CoverageAccumulator,
  CoverageMapStore,
  closeParsePool,
  collectClosure,
  loadConfig,
  planWorkspace,
  writeAccumulatedCoverage,
  type CoverageData,
} from '@shardwise/core';
import { generateWorkspace, type SizeName } from './generate-workspace';
import { createRng } from './prng';
import {
  machineLine,
  median,
  runBenchmark,
  workspaceFigures,
  writeBenchmarkSection,
  writeResultJson,
} from './bench-support';

type FileCoverage = CoverageData[string];

interface Instrumenter {
  instrumentSync(code: string, filename: string): string;
  lastFileCoverage(): FileCoverage;
}

/** istanbul-lib-instrument, as Jest's babel coverage uses it (installed with Jest). */
function createInstrumenter(): Instrumenter {
  const lib = createRequire(__filename)('istanbul-lib-instrument') as {
    createInstrumenter(options: Record<string, unknown>): Instrumenter;
  };
  return lib.createInstrumenter({ esModules: true, parserPlugins: ['typescript'] });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'nx' },
      sample: { type: 'string', default: '200' },
      parsed: { type: 'string', default: '100' },
    },
  });
  const size = values.size as SizeName;
  const sampleSize = Math.max(1, Number(values.sample));
  const parsedTests = Math.max(1, Number(values.parsed));
  const workspace = mkdtempSync(join(tmpdir(), 'shardwise-bench-coverage-'));
  const out = mkdtempSync(join(tmpdir(), 'shardwise-bench-coverage-out-'));
  try {
    const summary = generateWorkspace({ outDir: workspace, size, seed: 1 });
    process.stderr.write(`generated ${size}: ${summary.testFiles} test files; planning…\n`);
    const { config } = loadConfig({ workspaceRoot: workspace });
    const plan = await planWorkspace({ workspaceRoot: workspace, config });
    await closeParsePool();

    const tests = plan.projects.flatMap((p) =>
      p.categories.flatMap((c) =>
        c.shards.flatMap((s) => s.files.map((f) => ({ project: p.name, path: f.path }))),
      ),
    );
    const isTest = new Set(tests.map((t) => t.path));
    const closures = tests.map((t) =>
      [...collectClosure(plan.graph.nodes, t.path)].filter(
        (f) => CODE_FILE.test(f) && !isTest.has(f),
      ),
    );
    const sources = [...new Set(closures.flat())].sort();
    const records = closures.reduce((sum, c) => sum + c.length, 0);
    const perTest = closures.map((c) => c.length).sort((a, b) => a - b);

    // Real maps for a sample of the sources; every source takes one of them.
    const instrumenter = createInstrumenter();
    const rng = createRng(7);
    const sample = rng
      .shuffle([...sources])
      .slice(0, sampleSize)
      .map((source) => {
        const absolute = join(workspace, source);
        instrumenter.instrumentSync(readFileSync(absolute, 'utf8'), absolute);
        return instrumenter.lastFileCoverage();
      });
    const structureOf = new Map(sources.map((s, i) => [s, sample[i % sample.length]!]));
    const meanStatements =
      sample.reduce((sum, r) => sum + Object.keys(r.statementMap).length, 0) / sample.length;

    /** One test file's coverage, as its child would write it (maps shared across records). */
    const coverageOf = (index: number): CoverageData => {
      const hits = createRng(index + 1);
      const count = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, hits.int(0, 3)]));
      const data: CoverageData = {};
      for (const source of closures[index] ?? []) {
        const absolute = join(workspace, source);
        const structure = structureOf.get(source)!;
        data[absolute] = {
          ...structure,
          path: absolute,
          s: count(Object.keys(structure.statementMap)),
          f: count(Object.keys(structure.fnMap)),
          b: Object.fromEntries(
            Object.entries(structure.b).map(([k, arms]) => [k, arms.map(() => hits.int(0, 3))]),
          ),
        };
      }
      return data;
    };

    // 1. The run: every test file's coverage summed, then the four report files written.
    const run = new CoverageAccumulator();
    let sumMs = 0;
    const perProject = new Map<string, CoverageAccumulator>();
    for (let i = 0; i < tests.length; i++) {
      const input = coverageOf(i);
      const started = performance.now();
      run.add(input);
      sumMs += performance.now() - started;
      const project = tests[i]!.project;
      if (!perProject.has(project)) perProject.set(project, new CoverageAccumulator());
      perProject.get(project)!.add(input);
      if (i % 500 === 499) process.stderr.write(`summed ${i + 1}/${tests.length}\n`);
    }
    const writeStarted = performance.now();
    const merged = writeAccumulatedCoverage(run, join(out, 'run'), { projectRoot: workspace });
    const writeMs = performance.now() - writeStarted;
    const finalBytes = readFileSync(join(out, 'run/coverage-final.json')).length;

    // 2. report --merge: one map per shard (here per project) summed.
    const shardStarted = performance.now();
    const shards = new CoverageAccumulator();
    for (const accumulator of perProject.values()) shards.add(accumulator.toData());
    const shardSumMs = performance.now() - shardStarted;
    const shardStatements = shards.toCoverageMap().getCoverageSummary().statements.total;
    if (shardStatements !== merged.totals.statements.total)
      throw new Error('the shard sum and the run sum disagree on the statement count');

    // 3. Records parsed from JSON, as read back from the cache and the artifacts.
    const parsedAccumulator = new CoverageAccumulator();
    // A passing file's coverage is stored in the cache (maps once, by hash) and summed from it.
    const mapStore = new CoverageMapStore(join(out, 'cache'));
    const storedAccumulator = new CoverageAccumulator();
    let storeSumMs = 0;
    let parseMs = 0;
    let parsedSumMs = 0;
    let parsedRecords = 0;
    let parsedBytes = 0;
    for (let i = 0; i < Math.min(parsedTests, tests.length); i++) {
      const json = JSON.stringify(coverageOf(i));
      parsedBytes += json.length;
      let started = performance.now();
      const input = JSON.parse(json) as CoverageData;
      parseMs += performance.now() - started;
      started = performance.now();
      parsedAccumulator.add(input);
      parsedSumMs += performance.now() - started;
      started = performance.now();
      storedAccumulator.add(mapStore.restore(mapStore.store(input, workspace), workspace)!);
      storeSumMs += performance.now() - started;
      parsedRecords += closures[i]!.length;
    }
    const perRecordUs = (ms: number) => (ms * 1000) / parsedRecords;
    const scaledParsedSumMs = (parsedSumMs / parsedRecords) * records;
    const scaledParseMs = (parseMs / parsedRecords) * records;
    const scaledStoreSumMs = (storeSumMs / parsedRecords) * records;

    const result = {
      workspace: workspaceFigures(size, summary),
      machine: machineLine(),
      testFiles: tests.length,
      sources: sources.length,
      records,
      sourcesPerTestFile: { median: median(perTest), max: perTest.at(-1) ?? 0 },
      structureSample: sample.length,
      meanStatementsPerSource: Math.round(meanStatements),
      run: {
        sumMs: Math.round(sumMs),
        writeMs: Math.round(writeMs),
        totalMs: Math.round(sumMs + writeMs),
        mergedSources: merged.files,
        statements: merged.totals.statements.total,
        coverageFinalMb: Number((finalBytes / 2 ** 20).toFixed(1)),
      },
      shardMerge: { shards: perProject.size, sumMs: Math.round(shardSumMs) },
      parsed: {
        testFiles: Math.min(parsedTests, tests.length),
        records: parsedRecords,
        mbPerTestFile: Number(
          (parsedBytes / Math.min(parsedTests, tests.length) / 2 ** 20).toFixed(1),
        ),
        sumUsPerRecord: Number(perRecordUs(parsedSumMs).toFixed(1)),
        storeAndSumUsPerRecord: Number(perRecordUs(storeSumMs).toFixed(1)),
        scaledStoreAndSumMs: Math.round(scaledStoreSumMs),
        parseUsPerRecord: Number(perRecordUs(parseMs).toFixed(1)),
        scaledSumMs: Math.round(scaledParsedSumMs),
        scaledParseMs: Math.round(scaledParseMs),
      },
    };
    writeResultJson('bench-coverage', result);
    const n = (value: number) => value.toLocaleString('en');
    writeBenchmarkSection(
      'coverage',
      `## Coverage merge (\`npm run bench:coverage\`)

Synthetic \`${size}\` workspace: ${summary.projects} projects, ${n(summary.sourceFiles)} source files, ${n(tests.length)} test files. ${result.machine}. One round.

Each test file's coverage holds every source its import closure reaches: median ${result.sourcesPerTestFile.median} sources (max ${result.sourcesPerTestFile.max}), ${n(records)} file records over the run, ${result.parsed.mbPerTestFile} MB of istanbul JSON per test file (about ${result.meanStatementsPerSource} statements per source).

| step | measured | time |
| --- | --- | --- |
| warm run: sum the ${n(tests.length)} per-test-file maps as restored from the result cache (counts on shared maps; reading the entries not included) | ${n(records)} records → ${n(merged.files)} sources, ${n(merged.totals.statements.total)} statements | ${seconds(sumMs)} |
| write lcov.info, coverage-summary.json, coverage-final.json (${result.run.coverageFinalMb} MB), text summary | | ${seconds(writeMs)} |
| \`report --merge\`: sum ${perProject.size} shard maps (one per project; reading the files not included) | same totals as the run | ${seconds(shardSumMs)} |
| cold run, passing files: records parsed from the runners' artifacts, stored in the cache (maps once, by hash) and summed on the stored maps | ${n(parsedRecords)} records of ${result.parsed.testFiles} test files: ${result.parsed.storeAndSumUsPerRecord} µs per record, JSON.parse ${result.parsed.parseUsPerRecord} µs per record | scaled to the run: ${seconds(scaledStoreSumMs)} store and sum + ${seconds(scaledParseMs)} parse |
| cold run, failing files (not stored): each record's maps compared before its counts are added | the same records: ${result.parsed.sumUsPerRecord} µs per record | scaled to the run: ${seconds(scaledParsedSumMs)} |

Method: \`tools/src/bench-coverage.ts\`. Which sources a test file's coverage holds is its import closure as Shardwise computes it (the modules its runner loads). Statement, function and branch maps come from istanbul-lib-instrument (the instrumenter behind Jest's babel provider) on ${sample.length} generated sources, each source taking one of them; hit counts are seeded pseudo-random (0–3). A real coverage run of ${n(tests.length)} generated test files is beyond this machine, so the structure is real and the counts synthetic; the sum (Shardwise's CoverageAccumulator, istanbul's merge when maps differ) and the report writing (istanbul-reports) do the same work either way. The cold-run rows are measured on a sample and scaled linearly by record count. At this size the volume is the cost: a runner writes ${result.parsed.mbPerTestFile} MB of coverage per test file; the result cache keeps only its counts, each source's maps being stored once (\`<cacheDir>/coverage-maps/\`).`,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

runBenchmark(main);
