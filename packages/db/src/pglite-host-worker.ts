/**
 * Worker-thread entry: runs one lazy PGlite host (see pglite-host.ts) so that PGlite's work stays
 * off the thread that started it. Posts `{ type: 'ready', url }`; on 'stop', stops the host and
 * posts `{ type: 'stopped', startMs }`. The host ends with its thread, so with its process.
 */
import { parentPort } from 'node:worker_threads';
import { startPgliteHost } from './pglite-host';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('pglite-host-worker must run in a worker thread');
  const host = await startPgliteHost();
  port.on('message', (message) => {
    if (message !== 'stop') return;
    void host.stop().finally(() => {
      port.postMessage({ type: 'stopped', startMs: host.startMs() });
      port.close();
    });
  });
  port.postMessage({ type: 'ready', url: host.url });
}

void main();
