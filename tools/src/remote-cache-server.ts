/**
 * A small server for Nx's self-hosted remote cache API (Nx ≥ 20.8, used by Nx 24's native
 * `HttpRemoteCache` client when `NX_SELF_HOSTED_REMOTE_CACHE_SERVER` is set):
 *
 * - `GET /v1/cache/{hash}` → 200 with the tar archive (`application/octet-stream`), 404 on a miss;
 * - `PUT /v1/cache/{hash}` with the archive as body → 200, 409 when the key already exists
 *   (entries are immutable);
 * - `Authorization: Bearer <NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN>` when a token is configured:
 *   401 (`text/plain`, which Nx's client prints) for a missing or wrong token, 403 when a
 *   read-only token writes.
 *
 * Loopback only. `GET /stats` returns the counters as JSON. Fault modes (`error500`, `hang`,
 * `garbage`, `reset`: the connection dropped without an answer) let tests exercise Nx's client
 * against a misbehaving server.
 *
 *   node tools/dist/remote-cache-server.js --port 0 --dir /tmp/nx-remote [--token T] [--mode ok]
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export type FaultMode = 'ok' | 'error500' | 'hang' | 'garbage' | 'reset';
const FAULT_MODES: readonly FaultMode[] = ['ok', 'error500', 'hang', 'garbage', 'reset'];

export interface RemoteCacheServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Folder for the entries; without it they live in memory. */
  dir?: string;
  /** Read-write token; without it (and without `readOnlyToken`) every request is allowed. */
  token?: string;
  /** A token that may read but not write (403 on PUT), as in Nx's spec. */
  readOnlyToken?: string;
  mode?: FaultMode;
  /** Largest accepted body; bigger uploads get 413. */
  maxBodyBytes?: number;
}

export interface RemoteCacheStats {
  hits: number;
  misses: number;
  puts: number;
  conflicts: number;
  unauthorized: number;
  forbidden: number;
  /** Requests answered by a fault mode (500, garbage, a reset, or left hanging). */
  faults: number;
  /** Hashes stored, in the order they were stored. */
  keys: string[];
}

export interface RemoteCacheServer {
  url: string;
  port: number;
  stats(): RemoteCacheStats;
  resetStats(): void;
  setMode(mode: FaultMode): void;
  close(): Promise<void>;
}

// Nx's hashes are decimal or hex digits; anything else (notably `/` and `..`) never names a file.
const HASH = /^[A-Za-z0-9_-]{1,200}$/;
const DEFAULT_MAX_BODY = 512 * 1024 * 1024;

interface Store {
  get(hash: string): Promise<Buffer | undefined>;
  /** false when the key already exists (the write is atomic: readers never see half an entry). */
  putIfAbsent(hash: string, body: Buffer): Promise<boolean>;
}

function memoryStore(): Store {
  const entries = new Map<string, Buffer>();
  return {
    get: async (hash) => entries.get(hash),
    putIfAbsent: async (hash, body) => {
      if (entries.has(hash)) return false;
      entries.set(hash, body);
      return true;
    },
  };
}

function folderStore(dir: string): Store {
  mkdirSync(dir, { recursive: true });
  return {
    get: async (hash) => {
      try {
        return await readFile(join(dir, hash));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    putIfAbsent: async (hash, body) => {
      // Write a private temporary file, then link(2) it into place: link fails with EEXIST
      // atomically, so two agents racing on one key get one 200 and one 409.
      const temp = join(dir, `.tmp-${hash}-${randomBytes(6).toString('hex')}`);
      await writeFile(temp, body);
      try {
        await link(temp, join(dir, hash));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    },
  };
}

function emptyStats(): RemoteCacheStats {
  return {
    hits: 0,
    misses: 0,
    puts: 0,
    conflicts: 0,
    unauthorized: 0,
    forbidden: 0,
    faults: 0,
    keys: [],
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function start(options: RemoteCacheServerOptions = {}): Promise<RemoteCacheServer> {
  const store = options.dir === undefined ? memoryStore() : folderStore(options.dir);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let mode: FaultMode = options.mode ?? 'ok';
  let counters = emptyStats();

  /** undefined when allowed; otherwise the status to answer with. */
  function deny(req: IncomingMessage, write: boolean): 401 | 403 | undefined {
    if (options.token === undefined && options.readOnlyToken === undefined) return undefined;
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const given = match?.[1];
    if (given === undefined) return 401;
    if (options.token !== undefined && sameSecret(given, options.token)) return undefined;
    if (options.readOnlyToken !== undefined && sameSecret(given, options.readOnlyToken)) {
      return write ? 403 : undefined;
    }
    return 401;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...counters, mode }));
      return;
    }
    const match = /^\/v1\/cache\/([^/]+)$/.exec(path);
    if (match === null) return text(res, 404, 'Not found');
    const hash = match[1] ?? '';
    if (req.method !== 'GET' && req.method !== 'PUT') {
      res.setHeader('allow', 'GET, PUT');
      return text(res, 405, 'Method not allowed');
    }
    const write = req.method === 'PUT';
    const denied = deny(req, write);
    if (denied === 401) {
      counters.unauthorized++;
      return text(res, 401, 'Missing or invalid authentication token');
    }
    if (denied === 403) {
      counters.forbidden++;
      return text(res, 403, 'Access forbidden: this token is read-only');
    }
    if (!HASH.test(hash)) return text(res, 400, 'Invalid hash');

    if (mode === 'hang') {
      // Never answers; close() destroys the socket.
      counters.faults++;
      req.resume();
      return;
    }
    if (mode === 'reset') {
      // The connection dropped without an answer, as a crashing server or a proxy would.
      counters.faults++;
      req.socket.destroy();
      return;
    }
    if (mode === 'error500') {
      counters.faults++;
      req.resume();
      return text(res, 500, 'Internal server error (fault mode)');
    }

    if (write) {
      const body = await readBody(req, maxBody);
      if (await store.putIfAbsent(hash, body)) {
        counters.puts++;
        counters.keys.push(hash);
        return text(res, 200, 'Stored');
      }
      counters.conflicts++;
      return text(res, 409, 'Cannot override an existing record');
    }

    if (mode === 'garbage') {
      // A 200 whose body is not a tar archive: a corrupt store or a misbehaving proxy.
      counters.faults++;
      const junk = randomBytes(512);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': junk.length,
      });
      res.end(junk);
      return;
    }
    const entry = await store.get(hash);
    if (entry === undefined) {
      counters.misses++;
      return text(res, 404, 'The record was not found');
    }
    counters.hits++;
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': entry.length,
    });
    res.end(entry);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BodyTooLarge) return text(res, 413, 'Payload too large');
      text(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  // Nx's uploads can be large and slow on a busy CI machine: no server-side request timeout.
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ ...counters, keys: [...counters.keys] }),
    resetStats: () => {
      counters = emptyStats();
    },
    setMode: (next) => {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests and keep-alive sockets would otherwise hold close() open forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseMode(value: string | undefined): FaultMode {
  const mode = (value ?? 'ok') as FaultMode;
  if (!FAULT_MODES.includes(mode)) {
    throw new Error(`--mode: expected one of ${FAULT_MODES.join(', ')}, got "${value}"`);
  }
  return mode;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      dir: { type: 'string' },
      token: { type: 'string' },
      'read-only-token': { type: 'string' },
      mode: { type: 'string', default: 'ok' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port: expected an integer from 0 to 65535, got "${values.port}"`);
  }
  const server = await start({
    port,
    dir: values.dir,
    token: values.token ?? process.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN,
    readOnlyToken: values['read-only-token'],
    mode: parseMode(values.mode),
  });
  // The first stdout line is the URL, so a parent process can read it (useful with --port 0).
  process.stdout.write(`${server.url}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `remote-cache-server: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(2);
  });
}
