/**
 * The self-hosted remote cache misbehaving under real Nx 24 (contracts §8): the local server
 * (tools/src/remote-cache-server.ts) answers 500, hangs, returns garbage or drops the connection
 * while Nx's own client (NX_SELF_HOSTED_REMOTE_CACHE_SERVER) runs the unit shards of a small
 * workspace with @shardwise/nx, from an empty clone (so every task asks the remote cache first).
 *
 * Each case first records what Nx does on its own, within a bound: exit code, whether it ended,
 * what it printed. Where Nx misbehaves (a hang, a failed run although every test passed), the
 * case then applies the documented workaround (probe the server first, run without it when it
 * misbehaves) and asserts what must hold: the run ends within the bound, exits 0, and every
 * shard's report equals the healthy run's. Results reported by any run are never wrong.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  PROJECTS,
  cloneWorkspace,
  commitAll,
  createNxWorkspace,
  killRunning,
  nx,
  type CommandResult,
} from '../../e2e/src/nx-workspace';
import { start, type FaultMode, type RemoteCacheServer } from '../../tools/src/remote-cache-server';
import { cleanup } from '../../e2e/src/packed';
import { repoRoot } from './support/cli';
import { fault } from './support/fault';
import { probeRemoteCache } from './support/remote-probe';

const TOKEN = 'faults-secret-token';
const SHARD = /^(.+):(test-unit--shard-\d+)$/;
const RUN_MANY = ['run-many', '-t', 'test-unit', '--output-style=static'];

interface ShardReport {
  summary: { failed: number; status: string };
  files: Array<{ path: string; status: string; tests: Array<{ name: string; status: string }> }>;
}

/** Every unit shard's outcome (file → test statuses), read from the reports a run left. */
function shardOutcomes(root: string, shardIds: string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const id of shardIds) {
    const [, project, target] = SHARD.exec(id) ?? [];
    const dir = join(root, '.shardwise/reports', project ?? '', target ?? '');
    try {
      const runId = readFileSync(join(dir, 'latest'), 'utf8').trim();
      const report = JSON.parse(
        readFileSync(join(dir, runId, 'report.json'), 'utf8'),
      ) as ShardReport;
      out.set(
        id,
        JSON.stringify(
          report.files
            .map((f) => [f.path, f.status, f.tests.map((t) => `${t.status} ${t.name}`).sort()])
            .sort(),
        ),
      );
    } catch {
      out.set(id, undefined);
    }
  }
  return out;
}

function warningLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /remote cache|Misconfigured|Failed to|error sending|cache/i.test(line))
    .filter((line) => !/Nx read the output from the cache/.test(line))
    .map((line) => line.trim())
    .slice(0, 4);
}

describe('the remote cache misbehaving under real Nx 24', () => {
  let root: string;
  let server: RemoteCacheServer;
  let shardIds: string[] = [];
  let reference = new Map<string, string | undefined>();
  let boundMs = 30_000;
  const temps: string[] = [];

  function clone(): string {
    const path = cloneWorkspace(root);
    temps.push(path);
    return path;
  }

  beforeAll(async () => {
    const workspace = createNxWorkspace();
    root = workspace.root;
    temps.push(root);
    const generated = await nx(root, ['g', '@shardwise/nx:init', '--no-interactive']);
    expect(generated.code, generated.output).toBe(0);
    const nxJsonPath = join(root, 'nx.json');
    const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8')) as {
      plugins: Array<
        string | { plugin: string; options?: { categories?: Record<string, object> } }
      >;
    };
    for (const entry of nxJson.plugins)
      if (
        typeof entry !== 'string' &&
        entry.plugin === '@shardwise/nx' &&
        entry.options?.categories
      )
        entry.options.categories['unit'] = { ...entry.options.categories['unit'], shards: 2 };
    writeFileSync(nxJsonPath, `${JSON.stringify(nxJson, null, 2)}\n`);
    commitAll(root, 'add shardwise');
    mkdirSync(join(repoRoot, 'tmp', 'faults'), { recursive: true });
    const store = mkdtempSync(join(repoRoot, 'tmp', 'faults', 'remote-'));
    temps.push(store);
    server = await start({ dir: store, token: TOKEN });
    // A healthy run seeds the remote cache and gives the reference outcomes.
    const started = Date.now();
    const seed = await nx(root, RUN_MANY, remoteEnv(''));
    expect(seed.code, seed.output.slice(-4000)).toBe(0);
    // A hang is waited out to this bound: three healthy runs, at least 30 s.
    boundMs = Math.max(30_000, 3 * (Date.now() - started));
    shardIds = PROJECTS.flatMap((p) => [1, 2].map((k) => `${p}:test-unit--shard-${k}`));
    reference = shardOutcomes(root, shardIds);
    expect([...reference.values()].every((v) => v !== undefined)).toBe(true);
    expect(server.stats().puts).toBeGreaterThanOrEqual(shardIds.length);
  }, 900_000);

  afterAll(async () => {
    killRunning();
    await server?.close();
    cleanup(...temps);
  });

  function remoteEnv(tag: string): Record<string, string> {
    return {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: TOKEN,
      SHARDWISE_FAULT_CASE: tag,
    };
  }

  /** Shards whose report disagrees with the healthy run's (a missing report is not a wrong one). */
  function wrongShards(cwd: string): string[] {
    const got = shardOutcomes(cwd, shardIds);
    return shardIds.filter((id) => got.get(id) !== undefined && got.get(id) !== reference.get(id));
  }

  const MODES: FaultMode[] = ['error500', 'hang', 'garbage', 'reset'];
  for (const mode of MODES) {
    fault(
      `remote cache in ${mode} mode under nx run-many`,
      async (ctx) => {
        const agent = clone();
        server.setMode(mode);
        server.resetStats();
        const started = Date.now();
        const raw: CommandResult = await nx(agent, RUN_MANY, remoteEnv(ctx.tag), boundMs);
        const rawMs = Date.now() - started;
        const ended = raw.code !== null;
        const complete = shardOutcomes(agent, shardIds);
        const rawCorrect =
          ended && raw.code === 0 && shardIds.every((id) => complete.get(id) === reference.get(id));
        const observed = `Nx 24 with the server in ${mode} mode (${server.stats().faults} faulty answers): ${
          ended
            ? `exit ${raw.code} after ${Math.round(rawMs / 1000)} s`
            : `no end within the ${Math.round(boundMs / 1000)} s bound (killed)`
        }; printed: ${JSON.stringify(warningLines(raw.output))}`;
        ctx.notes.push(observed);
        console.info(observed);
        // Whatever Nx did, no report it left holds a wrong result.
        expect(wrongShards(agent), raw.output.slice(-3000)).toEqual([]);
        await ctx.expectNoOrphans();
        if (rawCorrect) {
          ctx.notes.push('Nx handled it: every shard ran and passed');
          return;
        }
        // Nx misbehaved: the workaround, on a fresh clone with the server still faulty.
        ctx.notes.push(
          'Nx misbehaved: workaround applied (probe, then run without the remote cache)',
        );
        const probe = await probeRemoteCache(server.url, TOKEN, 5_000);
        expect(probe.healthy, probe.message).toBe(false);
        ctx.notes.push(probe.message);
        const fresh = clone();
        const env = probe.healthy ? remoteEnv(ctx.tag) : { SHARDWISE_FAULT_CASE: ctx.tag };
        const retryStarted = Date.now();
        const retried = await nx(fresh, RUN_MANY, env, boundMs);
        expect(retried.code, retried.output.slice(-3000)).toBe(0);
        expect(Date.now() - retryStarted).toBeLessThan(boundMs);
        const outcomes = shardOutcomes(fresh, shardIds);
        expect(shardIds.filter((id) => outcomes.get(id) !== reference.get(id))).toEqual([]);
        await ctx.expectNoOrphans();
      },
      900_000,
    );
  }
});
