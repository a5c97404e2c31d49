/** The adapter for each runner name. */
import { commandAdapter } from './command-adapter';
import { jestAdapter } from './jest-adapter';
import { nodeTestAdapter } from './node-test-adapter';
import type { RunnerAdapter } from './types';
import { vitestAdapter } from './vitest-adapter';

const ADAPTERS = {
  jest: jestAdapter,
  vitest: vitestAdapter,
  node: nodeTestAdapter,
  command: commandAdapter,
} as const satisfies Record<RunnerAdapter['name'], RunnerAdapter>;

export function getRunnerAdapter(name: RunnerAdapter['name']): RunnerAdapter {
  return ADAPTERS[name];
}
