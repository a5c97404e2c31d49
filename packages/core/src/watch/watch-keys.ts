/**
 * Watch mode's keys: `q` quits, `a` runs all, `f` runs failed. On a terminal stdin goes to raw
 * mode, so a key acts at once (Ctrl-C quits too); without a terminal (a pipe, a test) the same
 * letters are read as lines, and the end of input quits.
 */
import { createInterface } from 'node:readline';

export type WatchKey = 'quit' | 'all' | 'failed';

const KEYS: Readonly<Record<string, WatchKey>> = { q: 'quit', a: 'all', f: 'failed' };
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

/** The command of one key or one line (trimmed, case-insensitive); undefined when unknown. */
export function keyOf(input: string): WatchKey | undefined {
  if (input === CTRL_C || input === CTRL_D) return 'quit';
  return KEYS[input.trim().toLowerCase()];
}

/** Reads keys from `input` until the returned function is called. */
export function listenForKeys(
  input: NodeJS.ReadStream,
  onKey: (key: WatchKey) => void,
): () => void {
  if (input.isTTY === true) {
    input.setRawMode(true);
    input.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const char of chunk) {
        const key = keyOf(char);
        if (key !== undefined) onKey(key);
      }
    };
    input.on('data', onData);
    input.resume();
    return () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
    };
  }
  const lines = createInterface({ input, terminal: false });
  let stopped = false;
  lines.on('line', (line) => {
    const key = keyOf(line);
    if (key !== undefined) onKey(key);
  });
  lines.on('close', () => {
    if (!stopped) onKey('quit');
  });
  return () => {
    stopped = true;
    lines.close();
    input.pause();
  };
}
