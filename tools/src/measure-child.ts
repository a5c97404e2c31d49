/**
 * Benchmark wrapper: runs a Node script as this process's main module and, when the process
 * exits, writes its own CPU time and peak memory to stderr as `@@measure {json}`.
 */
import Module from 'node:module';
import { resolve } from 'node:path';

const [script, ...args] = process.argv.slice(2);
if (script === undefined) throw new Error('usage: measure-child <script> [args...]');
process.argv = [process.argv[0] ?? 'node', resolve(script), ...args];
process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stderr.write(
    `\n@@measure ${JSON.stringify({ cpuMs, peakRssMb: usage.maxRSS / 1024 })}\n`,
  );
});
// Loads process.argv[1] exactly as `node <script>` would, so `require.main === module` holds.
(Module as unknown as { runMain: () => void }).runMain();
