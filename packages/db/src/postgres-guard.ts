/**
 * Guard for a PostgreSQL server started for tests: `node postgres-guard.js <parent-pid> <json>`.
 * Spawns the server, and ends it (fast shutdown, then SIGKILL) and removes its data folder when
 * told to (SIGTERM, SIGINT) or when the process that started it is gone: a test process killed
 * with SIGKILL must not leave a server behind.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { processAlive } from './process-alive';

interface GuardedServer {
  command: string;
  args: string[];
  uid?: number;
  gid?: number;
  dataDir: string;
}

const POLL_MS = 250;
const SHUTDOWN_GRACE_MS = 10_000;

const parentPid = Number(process.argv[2]);
const spec = JSON.parse(process.argv[3] ?? '{}') as GuardedServer;
const server = spawn(spec.command, spec.args, {
  stdio: ['ignore', 'inherit', 'inherit'],
  ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.kill('SIGINT');
  setTimeout(() => server.kill('SIGKILL'), SHUTDOWN_GRACE_MS).unref();
}

const watch = setInterval(() => {
  if (!processAlive(parentPid) || process.ppid === 1) stop();
}, POLL_MS);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
server.on('error', (error) => {
  process.stderr.write(`@shardwise/db: could not start ${spec.command}: ${error.message}\n`);
  process.exitCode = 127;
});
server.on('exit', (code) => {
  clearInterval(watch);
  rmSync(spec.dataDir, { recursive: true, force: true });
  process.exit(stopping ? 0 : (code ?? 1));
});
