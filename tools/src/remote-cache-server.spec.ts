import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformFileSync } from '@swc/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { start } from './remote-cache-server';
import type { RemoteCacheServer, RemoteCacheServerOptions } from './remote-cache-server';

const servers: RemoteCacheServer[] = [];
const dirs: string[] = [];

async function server(options: RemoteCacheServerOptions = {}): Promise<RemoteCacheServer> {
  const started = await start(options);
  servers.push(started);
  return started;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'remote-cache-spec-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function put(base: string, hash: string, body: Buffer, token?: string): Promise<Response> {
  return fetch(`${base}/v1/cache/${hash}`, {
    method: 'PUT',
    body,
    headers: {
      'content-type': 'application/octet-stream',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
  });
}

function get(base: string, hash: string, token?: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}/v1/cache/${hash}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal,
  });
}

describe.each([
  ['memory', (): string | undefined => undefined],
  ['folder', (): string | undefined => tempDir()],
])('remote cache server (%s storage)', (_name, dir) => {
  it('stores an entry once, serves it, and answers 404 on a miss and 409 on a second put', async () => {
    const s = await server({ dir: dir() });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const body = Buffer.from('tar archive bytes \u0000\u0001');

    expect((await get(s.url, '123')).status).toBe(404);
    const stored = await put(s.url, '123', body);
    expect(stored.status).toBe(200);
    const hit = await get(s.url, '123');
    expect(hit.status).toBe(200);
    expect(hit.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await hit.arrayBuffer())).toEqual(body);

    const again = await put(s.url, '123', Buffer.from('other'));
    expect(again.status).toBe(409);
    // The first entry stays: entries are immutable.
    expect(Buffer.from(await (await get(s.url, '123')).arrayBuffer())).toEqual(body);

    expect(s.stats()).toMatchObject({ hits: 2, misses: 1, puts: 1, conflicts: 1, keys: ['123'] });
    const viaHttp = (await (await fetch(`${s.url}/stats`)).json()) as Record<string, unknown>;
    expect(viaHttp).toMatchObject({ hits: 2, misses: 1, puts: 1, mode: 'ok' });
  });
});

describe('remote cache server', () => {
  it('keeps folder entries across restarts and leaves no temporary files', async () => {
    const dir = tempDir();
    const first = await server({ dir });
    await Promise.all(
      ['a1', 'b2', 'c3'].map((hash) => put(first.url, hash, Buffer.from(hash.repeat(1000)))),
    );
    await first.close();
    const second = await server({ dir });
    expect(await (await get(second.url, 'b2')).text()).toBe('b2'.repeat(1000));
    expect(readdirSync(dir).sort()).toEqual(['a1', 'b2', 'c3']);
  });

  it('gives one 200 and one 409 when two agents race on one key', async () => {
    const s = await server({ dir: tempDir() });
    const statuses = await Promise.all(
      Array.from({ length: 4 }, (_, i) => put(s.url, 'race', Buffer.from(`agent ${i}`))),
    ).then((responses) => responses.map((r) => r.status).sort());
    expect(statuses).toEqual([200, 409, 409, 409]);
  });

  it('rejects bad hashes and unknown routes', async () => {
    const s = await server();
    expect((await get(s.url, '..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await fetch(`${s.url}/v2/cache/1`)).status).toBe(404);
    expect((await fetch(`${s.url}/v1/cache/1`, { method: 'DELETE' })).status).toBe(405);
  });

  it('checks the bearer token: 401 without or with a wrong one, 403 for a read-only write', async () => {
    const s = await server({ token: 'secret', readOnlyToken: 'reader' });
    const noToken = await put(s.url, 'h1', Buffer.from('x'));
    expect(noToken.status).toBe(401);
    // Nx's client prints the body of a 401, so it is plain text.
    expect(noToken.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await get(s.url, 'h1', 'wrong')).status).toBe(401);
    expect((await put(s.url, 'h1', Buffer.from('x'), 'reader')).status).toBe(403);
    expect((await put(s.url, 'h1', Buffer.from('x'), 'secret')).status).toBe(200);
    expect((await get(s.url, 'h1', 'reader')).status).toBe(200);
    expect(s.stats()).toMatchObject({ unauthorized: 2, forbidden: 1, puts: 1, hits: 1 });
  });

  it('answers 500 in error500 mode and recovers when set back to ok', async () => {
    const s = await server({ mode: 'error500' });
    expect((await put(s.url, 'h', Buffer.from('x'))).status).toBe(500);
    expect((await get(s.url, 'h')).status).toBe(500);
    s.setMode('ok');
    expect((await put(s.url, 'h', Buffer.from('x'))).status).toBe(200);
    expect(s.stats()).toMatchObject({ faults: 2, puts: 1 });
  });

  it('serves a non-archive body in garbage mode', async () => {
    const s = await server();
    await put(s.url, 'h', Buffer.from('real'));
    s.setMode('garbage');
    const response = await get(s.url, 'h');
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(512);
    expect(body.toString()).not.toBe('real');
    expect(s.stats().faults).toBe(1);
  });

  it('drops the connection in reset mode', async () => {
    const s = await server({ mode: 'reset' });
    const outcome = await get(s.url, 'h').then(
      (response) => `answered ${response.status}`,
      () => 'dropped',
    );
    expect(outcome).toBe('dropped');
    expect(s.stats().faults).toBeGreaterThanOrEqual(1);
  });

  it('never answers in hang mode, and close() still ends promptly', async () => {
    const s = await server({ mode: 'hang' });
    const aborted = await get(s.url, 'h', undefined, AbortSignal.timeout(300)).then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.name : 'error'),
    );
    expect(aborted).toBe('TimeoutError');
    const pending = get(s.url, 'h').catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await s.close();
    expect(await pending).toBe('closed');
    expect(s.stats().faults).toBe(2);
  });

  it('runs as a CLI that prints its URL and stops on SIGTERM', async () => {
    const dir = tempDir();
    // The module imports only Node built-ins: one file compiled to CommonJS runs on its own.
    const script = join(tempDir(), 'remote-cache-server.js');
    const { code } = transformFileSync(join(__dirname, 'remote-cache-server.ts'), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    writeFileSync(script, code);
    const child = spawn(process.execPath, [script, '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      expect((await put(url, 'cli', Buffer.from('x'))).status).toBe(200);
      expect(readdirSync(dir)).toEqual(['cli']);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
