/**
 * Processes a fault case left behind, found through /proc (Linux): every live process whose
 * environment holds `SHARDWISE_FAULT_CASE=<tag>`. Zombies are dead already and not counted.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface TaggedProcess {
  pid: number;
  command: string;
}

function isZombie(pid: string): boolean {
  try {
    // The state is the first field after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export function processesTagged(tag: string): TaggedProcess[] {
  const marker = `SHARDWISE_FAULT_CASE=${tag}\0`;
  const found: TaggedProcess[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    if (Number(pid) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!`${environ}\0`.includes(marker) || isZombie(pid)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(pid), command: command.slice(0, 200) });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/**
 * The tagged processes still alive once `graceMs` has passed (a parent-death guard notices its
 * orchestrator is gone within a quarter second). What is found is then killed, so one failing
 * case does not leave work for the next; the caller counts and reports it.
 */
export async function orphansOf(tag: string, graceMs = 5_000): Promise<TaggedProcess[]> {
  const deadline = Date.now() + graceMs;
  let left = processesTagged(tag);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = processesTagged(tag);
  }
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  return left;
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs` with `what`. */
export async function waitFor(
  what: string,
  predicate: () => boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
