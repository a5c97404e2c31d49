/**
 * Network throughput on Linux from /proc/net/dev: one file read. systeminformation's
 * networkStats lists the interfaces first by running shell commands (`ip`, `nmcli`, DHCP
 * lookups) synchronously, which blocked the orchestrator for about 200 ms at the start of every
 * run (profiled in an Nx shard task); only the byte counters are needed here.
 */
import { readFileSync } from 'node:fs';

export interface InterfaceThroughput {
  iface: string;
  /** Bytes per second since the previous call; null on the first call. */
  rx_sec: number | null;
  tx_sec: number | null;
}

/** `iface: rxBytes … (8 receive fields) txBytes …` per line, after two header lines. */
export function parseProcNetDev(text: string): Map<string, { rx: number; tx: number }> {
  const counters = new Map<string, { rx: number; tx: number }>();
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const rx = fields[0];
    const tx = fields[8];
    if (rx === undefined || tx === undefined || !Number.isFinite(rx) || !Number.isFinite(tx))
      continue;
    counters.set(line.slice(0, colon).trim(), { rx, tx });
  }
  return counters;
}

/**
 * A reader of per-interface throughput since its previous call (rates are null on the first
 * call, as systeminformation's are). Throws where /proc/net/dev cannot be read.
 */
export function createProcNetDevReader(
  clock: () => number = () => performance.now(),
  path = '/proc/net/dev',
): () => InterfaceThroughput[] {
  let previous: { atMs: number; counters: Map<string, { rx: number; tx: number }> } | undefined;
  return () => {
    const now = { atMs: clock(), counters: parseProcNetDev(readFileSync(path, 'utf8')) };
    const before = previous;
    const seconds = before === undefined ? 0 : (now.atMs - before.atMs) / 1000;
    previous = now;
    return [...now.counters].map(([iface, { rx, tx }]): InterfaceThroughput => {
      const last = before?.counters.get(iface);
      const known = last !== undefined && seconds > 0;
      return {
        iface,
        rx_sec: known ? Math.max(0, rx - last.rx) / seconds : null,
        tx_sec: known ? Math.max(0, tx - last.tx) / seconds : null,
      };
    });
  };
}
