/**
 * Parent-death guard for runner processes: `node child-guard.js <orchestrator-pid> <json>`.
 *
 * The guard is the leader of the runner's process group and spawns the runner inside it. If the
 * orchestrator disappears (SIGKILL, crash), nothing else would end the runner, so the guard
 * notices within a quarter second and kills its whole group. Exit code and signal are passed on.
 */
import { spawn } from 'node:child_process';

interface GuardedCommand {
  command: string;
  args: string[];
  shell: boolean;
}

const POLL_MS = 250;

function orchestratorAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(): never {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // Not a group leader (should not happen): end at least the runner and ourselves.
  }
  process.exit(137);
}

const orchestratorPid = Number(process.argv[2]);
const guarded = JSON.parse(process.argv[3] ?? '{}') as GuardedCommand;
const child = spawn(guarded.command, guarded.args, { stdio: 'inherit', shell: guarded.shell });
const watch = setInterval(() => {
  if (!orchestratorAlive(orchestratorPid) || process.ppid === 1) killGroup();
}, POLL_MS);
child.on('error', (error) => {
  process.stderr.write(`shardwise: could not start ${guarded.command}: ${error.message}\n`);
  clearInterval(watch);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  clearInterval(watch);
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
