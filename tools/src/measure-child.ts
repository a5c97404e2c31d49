/**
 * Benchmark wrapper. `measure-child <script> [args]` runs a Node script as this process's main
 * module; `measure-child --node [node args]` runs `node [node args]` as a child (for `node --test`).
 * When the process exits it writes `@@measure {json}` to stderr: CPU time of this process plus the
 * child processes it waited for (Linux /proc/self/stat cutime and cstime), and its own peak RSS
 * (0 in `--node` mode, where the work happens in a child whose peak is not visible here).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { resolve } from 'node:path';

function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: cutime and cstime are fields 14 and 15, in clock ticks (100 per s).
    return ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * 10;
  } catch {
    return 0;
  }
}

const [script, ...args] = process.argv.slice(2);
if (script === undefined)
  throw new Error('usage: measure-child <script> [args...] | --node [args...]');
const spawned = script === '--node';
process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000 + childrenCpuMs();
  const peakRssMb = spawned ? 0 : usage.maxRSS / 1024;
  process.stderr.write(`\n@@measure ${JSON.stringify({ cpuMs, peakRssMb })}\n`);
});
if (spawned) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
} else {
  process.argv = [process.argv[0] ?? 'node', resolve(script), ...args];
  // Loads process.argv[1] exactly as `node <script>` would, so `require.main === module` holds.
  (Module as unknown as { runMain: () => void }).runMain();
}
