/**
 * Planning benchmark (issue: cold `shardwise plan` ≤ 5 s, warm ≤ 1 s on 10,000 source files and
 * 2,000 test files). Generates the `plan` size workspace, then alternates cold runs (Shardwise's
 * cache folder removed) and warm runs of the real CLI as child processes, and reports medians.
 *
 *   npm run bench:plan [-- --rounds 5 --size plan]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorkspace, type SizeName } from './generate-workspace';
import {
  machineLine,
  measureNode,
  median,
  repoRoot,
  writeBenchmarkSection,
  writeResultJson,
  type ProcessMeasurement,
  runBenchmark,
  workspaceFigures,
} from './bench-support';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      size: { type: 'string', default: 'plan' },
    },
  });
  const rounds = Math.max(1, Number(values.rounds));
  const size = values.size as SizeName;
  const workspace = mkdtempSync(join(tmpdir(), 'shardwise-bench-plan-'));
  try {
    const summary = generateWorkspace({ outDir: workspace, size, seed: 1 });
    const cli = join(repoRoot, 'packages/core/dist/cli/main.js');
    const cacheDir = join(workspace, '.shardwise');
    const cold: ProcessMeasurement[] = [];
    const warm: ProcessMeasurement[] = [];
    for (let round = 0; round < rounds; round++) {
      rmSync(cacheDir, { recursive: true, force: true });
      cold.push(await measureNode(cli, ['plan', '--json'], workspace));
      warm.push(await measureNode(cli, ['plan', '--json'], workspace));
      process.stderr.write(
        `round ${round + 1}/${rounds}: cold ${cold.at(-1)?.wallMs.toFixed(0)} ms, warm ${warm.at(-1)?.wallMs.toFixed(0)} ms\n`,
      );
    }
    if ([...cold, ...warm].some((m) => m.exitCode !== 0)) throw new Error('a plan run failed');
    const row = (name: string, runs: ProcessMeasurement[], limit: number) => {
      const wall = median(runs.map((r) => r.wallMs));
      const cpu = median(runs.map((r) => r.cpuMs));
      return {
        name,
        wallMs: Math.round(wall),
        cpuMs: Math.round(cpu),
        cpuUtilisation: Number((cpu / wall).toFixed(2)),
        peakRssMb: Math.round(median(runs.map((r) => r.peakRssMb))),
        limitMs: limit,
        within: wall <= limit,
        runsWallMs: runs.map((r) => Math.round(r.wallMs)),
      };
    };
    const results = {
      date: new Date().toISOString().slice(0, 10),
      machine: machineLine(),
      workspace: workspaceFigures(size, summary),
      rounds,
      rows: [row('cold', cold, 5000), row('warm', warm, 1000)],
    };
    writeResultJson('plan', results);
    const table = results.rows
      .map(
        (r) =>
          `| ${r.name} | ${r.wallMs} | ${r.cpuMs} | ${r.cpuUtilisation} | ${r.peakRssMb} | ≤ ${r.limitMs} | ${r.within ? 'yes' : 'NO'} | ${r.runsWallMs.join(', ')} |`,
      )
      .join('\n');
    writeBenchmarkSection(
      'plan',
      `## Planning: \`shardwise plan\` at scale

Workspace: generated \`${size}\` size (seed 1): ${summary.projects} projects, ${summary.sourceFiles} source files, ${summary.testFiles} test files, ${summary.files} files in all.
Machine: ${results.machine}. Date: ${results.date}.
Method: \`npm run bench:plan\` (\`tools/src/bench-plan.ts\`). Each round runs the built CLI, \`node packages/core/dist/cli/main.js plan --json\`, as a fresh child process: once cold (the workspace's \`.shardwise\` folder removed, so every file is parsed) and then once warm (the import cache from the cold run). ${rounds} rounds, alternating; the table gives medians. Wall time is measured by the harness around the whole process (Node start-up included); CPU time and peak RSS are the child's own \`process.resourceUsage()\`. The OS file cache is warm in both cases.

| run | wall ms (median) | CPU ms | CPU / wall | peak RSS MB | target ms | within | every round, ms |
| --- | --- | --- | --- | --- | --- | --- | --- |
${table}

Reading: cold, the main thread reads, hashes and resolves while a two-thread piscina pool lexes files with es-module-lexer (an swc AST walk only for the few whose \`require\`/mock calls the text cannot read); warm time is reading and hashing every file plus resolution and closure hashing, with no parsing.`,
    );
    process.stdout.write(
      `bench-plan: cold=${results.rows[0]?.wallMs}ms warm=${results.rows[1]?.wallMs}ms\n`,
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

runBenchmark(main);
