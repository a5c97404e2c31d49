import { describe, expect, it } from 'vitest';
import { ownsTerminal, runningUnderNx } from './output-mode';

describe('output mode', () => {
  it('recognises an Nx task by the variables Nx gives every task, or its TUI', () => {
    expect(runningUnderNx({})).toBe(false);
    expect(runningUnderNx({ NX_TASK_TARGET_PROJECT: 'api' })).toBe(true);
    expect(runningUnderNx({ NX_TASK_HASH: '123' })).toBe(true);
    expect(runningUnderNx({ NX_TUI: 'true' })).toBe(true);
    expect(runningUnderNx({ NX_TUI: 'false' })).toBe(false);
  });

  it('draws live only on a terminal it owns', () => {
    const tty = { isTTY: true };
    expect(ownsTerminal(tty, {})).toBe(true);
    expect(ownsTerminal({ isTTY: false }, {})).toBe(false);
    expect(ownsTerminal(tty, { CI: 'true' })).toBe(false);
    expect(ownsTerminal(tty, { TERM: 'dumb' })).toBe(false);
    expect(
      ownsTerminal(tty, { NX_TASK_TARGET_PROJECT: 'api', NX_TASK_TARGET_TARGET: 'test' }),
    ).toBe(false);
  });
});
