// Not a *.test.* file: only execute-batch.spec.ts runs it. Its name sorts after
// passing.test.mjs because node:test runs the files it is given in sorted order.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { test } from 'node:test';

test('never finishes and leaves a grandchild behind', async () => {
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    stdio: 'ignore',
  });
  appendFileSync(process.env.SHARDWISE_STUCK_PIDS_FILE, `${process.pid}\n${grandchild.pid}\n`);
  setInterval(() => {}, 1000);
  await new Promise(() => {});
});
