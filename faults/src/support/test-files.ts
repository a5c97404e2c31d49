/**
 * Test files the fault workspaces are made of. A "held" test records its pids in the folder
 * `FAULT_CTL` names (outside the workspace, so it never joins a cache key), starts a grandchild
 * that would outlive a careless kill, and waits: the fault then strikes while it is mid-file.
 */

export const PACKAGE_JSON = (name: string): string =>
  `${JSON.stringify({ name, version: '0.0.0', private: true })}\n`;

export const CONFIG = (config: Record<string, unknown>): string =>
  `${JSON.stringify(config, null, 2)}\n`;

/** node:test file whose tests pass (CommonJS, so no package type is needed). */
export function nodePassing(name: string, tests = 2): string {
  const cases = Array.from(
    { length: tests },
    (_, i) => `test('${name} case ${i + 1}', () => assert.equal(${i} + 1, ${i + 1}));`,
  );
  return [
    "const { test } = require('node:test');",
    "const assert = require('node:assert');",
    ...cases,
    '',
  ].join('\n');
}

/** node:test file with one passing and one failing test. */
export function nodeFailing(name: string): string {
  return [
    "const { test } = require('node:test');",
    "const assert = require('node:assert');",
    `test('${name} passes', () => assert.equal(1, 1));`,
    `test('${name} fails', () => assert.equal(1, 2));`,
    '',
  ].join('\n');
}

/**
 * A node:test file that, while `FAULT_HOLD` is set, writes `<FAULT_CTL>/<name>-<pid>.json`
 * ({ test, parent, sleeper }) and waits `holdMs`; without it, it passes at once.
 */
export function nodeHeld(name: string, holdMs = 120_000): string {
  return [
    "const { test } = require('node:test');",
    "const { spawn } = require('node:child_process');",
    "const { writeFileSync } = require('node:fs');",
    "const { join } = require('node:path');",
    `test('${name} holds', async () => {`,
    '  if (!process.env.FAULT_HOLD) return;',
    "  const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
    `  writeFileSync(join(process.env.FAULT_CTL, '${name}-' + process.pid + '.json'),`,
    '    JSON.stringify({ test: process.pid, parent: process.ppid, sleeper: sleeper.pid }));',
    `  await new Promise((resolve) => setTimeout(resolve, ${holdMs}));`,
    '});',
    '',
  ].join('\n');
}

export const VITEST_CONFIG =
  "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: {} });\n";

export const JEST_CONFIG = "module.exports = { testEnvironment: 'node' };\n";
