/**
 * Starts a lazy PGlite host in its own worker thread (see pglite-host.ts): the caller gets the
 * loopback URL at once; PGlite starts on the first connection. Because the host lives in a
 * thread, it cannot outlive the process that started it.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DbError } from './errors';

export interface DatabaseHost {
  /** `postgres://postgres@127.0.0.1:<port>/postgres?sslmode=disable` */
  readonly url: string;
  /** Stops the host; resolves with PGlite's start time in ms if it had started. */
  stop(): Promise<number | undefined>;
}

const STOP_GRACE_MS = 5_000;

function workerFile(): string {
  // Under a TypeScript test runner this module runs from src/; the worker runs from the build.
  const dir = basename(__dirname) === 'src' ? join(__dirname, '..', 'dist') : __dirname;
  const file = join(dir, 'pglite-host-worker.js');
  if (!existsSync(file))
    throw new DbError('SHARDWISE_DB_NOT_BUILT', `${file} is missing: build @shardwise/db first`);
  return file;
}

export function startDatabaseHost(): Promise<DatabaseHost> {
  const worker = new Worker(workerFile());
  return new Promise((resolve, reject) => {
    const onExit = (code: number) =>
      reject(new DbError('SHARDWISE_DB_HOST_EXITED', `PGlite host thread exited (code ${code})`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: { type: string; url: string }) => {
      worker.off('exit', onExit);
      worker.off('error', reject);
      worker.on('error', (error) =>
        process.stderr.write(`@shardwise/db: PGlite host thread failed: ${error.message}\n`),
      );
      worker.unref();
      resolve({ url: message.url, stop: () => stopWorker(worker) });
    });
  });
}

function stopWorker(worker: Worker): Promise<number | undefined> {
  // Held again, or a process with nothing else to do would exit before the host has stopped.
  worker.ref();
  return new Promise((resolve) => {
    let startMs: number | undefined;
    const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    worker.on('message', (message: { type: string; startMs?: number }) => {
      if (message.type === 'stopped') startMs = message.startMs;
    });
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve(startMs);
    });
    worker.postMessage('stop');
  });
}
