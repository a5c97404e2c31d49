/**
 * Per-run scratch folders, `<cacheDir>/tmp/<run-id>`: batch outputs live there while a run lasts,
 * and the run removes its folder when it ends. A run killed outright (SIGKILL, a second Ctrl-C)
 * cannot, so each folder names its owner in `owner.pid` and the next run removes the folders
 * whose owner is gone. A folder without the file yet may be another run's, just created: only
 * an hour-old one is taken for abandoned.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from './file-lock';

const OWNER_FILE = 'owner.pid';
const UNOWNED_GRACE_MS = 3_600_000;

function abandoned(dir: string, isAlive: (pid: number) => boolean, now: number): boolean {
  let owner: string;
  try {
    owner = readFileSync(join(dir, OWNER_FILE), 'utf8');
  } catch {
    try {
      return now - statSync(dir).mtimeMs > UNOWNED_GRACE_MS;
    } catch {
      return false;
    }
  }
  const pid = Number(owner.trim());
  return !Number.isInteger(pid) || pid <= 0 || !isAlive(pid);
}

/** Removes the abandoned scratch folders under `root`, then creates and claims `root/runId`. */
export function claimScratchDir(
  root: string,
  runId: string,
  options: { pid?: number; isAlive?: (pid: number) => boolean; now?: number } = {},
): string {
  const isAlive = options.isAlive ?? isProcessAlive;
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    // No scratch folder yet.
  }
  for (const entry of entries) {
    const dir = join(root, entry);
    if (abandoned(dir, isAlive, options.now ?? Date.now()))
      rmSync(dir, { recursive: true, force: true });
  }
  const dir = join(root, runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, OWNER_FILE), String(options.pid ?? process.pid));
  return dir;
}
