/**
 * Starts a throwaway PostgreSQL server for tests and benchmarks: initdb in a temporary folder,
 * the server on a free loopback port behind a guard that shuts it down and removes the folder
 * when stopped or when this process dies. PostgreSQL refuses to run as root, so as root it runs
 * as the `postgres` user. Needs the server binaries (Debian: `apt-get install postgresql`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import { DbError } from './errors';

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  readonly adminUrl: string;
  /** The guard's pid; the server is its child. */
  readonly guardPid: number;
  /** Milliseconds spent in initdb and until the server accepted connections. */
  readonly timings: { initdbMs: number; startMs: number };
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** The newest installed server's bin folder, e.g. /usr/lib/postgresql/15/bin. */
export function findPostgresBinaries(root = '/usr/lib/postgresql'): string | undefined {
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function guardFile(): string {
  const dir = basename(__dirname) === 'src' ? join(__dirname, '..', 'dist') : __dirname;
  return join(dir, 'postgres-guard.js');
}

async function waitReady(url: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (exited() || Date.now() > deadline)
        throw new DbError(
          'SHARDWISE_DB_POSTGRES_START_FAILED',
          `PostgreSQL did not start: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  if (bin === undefined)
    throw new DbError(
      'SHARDWISE_DB_POSTGRES_NOT_INSTALLED',
      "PostgreSQL server binaries not found under /usr/lib/postgresql (install Debian's postgresql package, e.g. scripts/ensure-postgres.sh)",
    );
  const user = postgresUser();
  const dataDir = mkdtempSync(join(tmpdir(), 'shardwise-pg-'));
  if (user !== undefined) chownSync(dataDir, user.uid, user.gid);
  const began = performance.now();
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}), cwd: dataDir },
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new DbError('SHARDWISE_DB_INITDB_FAILED', `initdb failed: ${stderr || String(error)}`, {
      cause: error,
    });
  }
  const initdbMs = performance.now() - began;
  const port = await freePort();
  const spec = {
    command: join(bin, 'postgres'),
    args: [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      // A test server: durability is not wanted, speed is.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    ...(user ?? {}),
    dataDir,
  };
  const guard = spawn(process.execPath, [guardFile(), String(process.pid), JSON.stringify(spec)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  guard.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    guard.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  guard.unref();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    // Held again, or a process with nothing else to do would exit before the server is down.
    guard.ref();
    if (!exited) guard.kill('SIGTERM');
    await exit;
    guard.stderr.destroy();
  };
  const startedAt = performance.now();
  try {
    await waitReady(adminUrl, () => exited);
  } catch (error) {
    await stop();
    throw new DbError(
      'SHARDWISE_DB_POSTGRES_START_FAILED',
      `${(error as Error).message}\n${stderr}`,
      { cause: error },
    );
  }
  return {
    adminUrl,
    guardPid: guard.pid!,
    timings: { initdbMs, startMs: performance.now() - startedAt },
    stop,
  };
}
