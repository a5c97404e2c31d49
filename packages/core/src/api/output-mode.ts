/**
 * Whether Shardwise owns the terminal it writes to. A live view redraws its line with cursor
 * movements; that is only right when the stream is a terminal and nothing else lays out the
 * screen. Under Nx (its TUI, `--outputStyle=static`, `stream` or `dynamic`) the task's output is
 * captured, prefixed, replayed from the cache or drawn in a pane: there it prints plain lines and
 * one summary block at the end.
 */

/** Nx sets these in the environment of every task it runs (see nx's task-env). */
const NX_TASK_VARIABLES = [
  'NX_TASK_TARGET_PROJECT',
  'NX_TASK_TARGET_TARGET',
  'NX_TASK_HASH',
  'NX_TERMINAL_OUTPUT_PATH',
] as const;

export function runningUnderNx(env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    NX_TASK_VARIABLES.some((name) => (env[name] ?? '') !== '') ||
    env['NX_TUI'] === 'true' ||
    env['NX_TUI'] === '1'
  );
}

/** A live view may redraw in place: a terminal, not CI, not a dumb terminal, not under Nx. */
export function ownsTerminal(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return (
    stream.isTTY === true && env['CI'] !== 'true' && env['TERM'] !== 'dumb' && !runningUnderNx(env)
  );
}
