/**
 * A PGlite database served over the Postgres wire protocol on loopback, started lazily: the
 * front port listens at once (so its URL can be handed out for nothing), and PGlite with its
 * pglite-socket server starts on the first connection. Clients reach it through a byte-for-byte
 * pipe from the front port to pglite-socket's own port.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** pglite-socket multiplexes its connections onto the single PGlite session. */
const MAX_CONNECTIONS = 64;

export interface PgliteHost {
  readonly url: string;
  /** Milliseconds PGlite and its socket server took to start, once they have. */
  startMs(): number | undefined;
  stop(): Promise<void>;
}

interface Backend {
  db: { close(): Promise<void> };
  server: { stop(): Promise<void> };
  port: number;
}

/**
 * Where a freshly initialised data folder of this PGlite version is kept (in
 * `SHARDWISE_DB_CACHE_DIR`, default `<tmp>/shardwise-db`). PGlite runs initdb on
 * every start (seconds); starting from a dump of that first state skips it. The state depends on
 * PGlite's version only; nothing of a test ever goes in (the dump is taken before any client).
 */
function initialStateFile(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = process.env.SHARDWISE_DB_CACHE_DIR || join(tmpdir(), 'shardwise-db');
  return join(dir, `pglite-${manifest.version}-initdb.tar`);
}

async function createPglite() {
  const { PGlite } = await import('@electric-sql/pglite');
  const file = initialStateFile();
  if (existsSync(file)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(file)]) });
    } catch {
      // Unreadable (a damaged file): start from initdb, which replaces it.
    }
  }
  const db = await PGlite.create();
  try {
    const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    mkdirSync(dirname(file), { recursive: true });
    // Whole or not at all: concurrent hosts may write it too; the last rename wins.
    const partial = `${file}.${process.pid}.${threadId}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, file);
  } catch {
    // Only an optimisation: the next start runs initdb again.
  }
  return db;
}

async function startBackend(): Promise<Backend & { ms: number }> {
  const began = performance.now();
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await createPglite();
  const server = new PGLiteSocketServer({
    db,
    port: 0,
    host: '127.0.0.1',
    maxConnections: MAX_CONNECTIONS,
  });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return { db, server, port, ms: performance.now() - began };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

export async function startPgliteHost(): Promise<PgliteHost> {
  let backend: Promise<Backend & { ms: number }> | undefined;
  let ms: number | undefined;
  const sockets = new Set<Socket>();
  const front = createServer((client) => {
    client.pause();
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    backend ??= startBackend().then((started) => ((ms = started.ms), started));
    backend.then(
      ({ port }) => {
        if (client.destroyed) return;
        const upstream = connect(port, '127.0.0.1');
        sockets.add(upstream);
        upstream.once('close', () => (sockets.delete(upstream), client.destroy()));
        client.once('close', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.setNoDelay(true);
        client.setNoDelay(true);
        client.pipe(upstream).pipe(client);
        client.resume();
      },
      (error: unknown) => {
        process.stderr.write(
          `@shardwise/db: PGlite did not start: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        client.destroy();
      },
    );
  });
  const port = await listen(front);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    startMs: () => ms,
    async stop() {
      await new Promise<void>((resolve) => {
        front.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      if (backend === undefined) return;
      const started = await backend.catch(() => undefined);
      if (started === undefined) return;
      await started.server.stop();
      await started.db.close();
    },
  };
}
