import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlotDatabases } from './slot-databases';

/**
 * A workspace whose `apps/api` declares @shardwise/db and whose `libs/util` does not, with a
 * stand-in slot entry that records its starts and stops in a file.
 */
function workspace(slotEntry: string) {
  const root = mkdtempSync(join(tmpdir(), 'shardwise-slot-db-'));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('package.json', JSON.stringify({ name: 'ws', private: true }));
  write('apps/api/package.json', JSON.stringify({ devDependencies: { '@shardwise/db': '*' } }));
  write('libs/util/src/a.ts', '');
  write(
    'node_modules/@shardwise/db/package.json',
    JSON.stringify({ name: '@shardwise/db', exports: { './slot': './slot.js' } }),
  );
  write('node_modules/@shardwise/db/slot.js', slotEntry);
  const events = join(root, 'events.log');
  writeFileSync(events, '');
  return { root, events: () => readFileSync(events, 'utf8').trim().split('\n').filter(Boolean) };
}

const recordingEntry = `
const { appendFileSync } = require('node:fs');
const log = require('node:path').join(__dirname, '..', '..', '..', 'events.log');
let n = 0;
exports.startSlotDatabase = async () => {
  const id = ++n;
  appendFileSync(log, 'start ' + id + '\\n');
  return {
    env: { SHARDWISE_DATABASE_URL: 'postgres://127.0.0.1:' + (5000 + id) + '/postgres' },
    stop: async () => appendFileSync(log, 'stop ' + id + '\\n'),
  };
};`;

describe('SlotDatabases', () => {
  it('starts one database per slot for a project that declares @shardwise/db', async () => {
    const ws = workspace(recordingEntry);
    const databases = new SlotDatabases(ws.root, () => undefined);
    const first = await databases.envFor(1, 'apps/api');
    expect(await databases.envFor(1, 'apps/api')).toEqual(first);
    const second = await databases.envFor(2, 'apps/api');
    expect(first.SHARDWISE_DATABASE_URL).toMatch(/^postgres:\/\/127\.0\.0\.1:500\d\/postgres$/);
    expect(second.SHARDWISE_DATABASE_URL).not.toBe(first.SHARDWISE_DATABASE_URL);
    expect(ws.events()).toEqual(['start 1', 'start 2']);
    await databases.stopAll();
    expect(ws.events().slice(2).sort()).toEqual(['stop 1', 'stop 2']);
  });

  it('starts nothing for a project whose package.json does not declare it', async () => {
    const ws = workspace(recordingEntry);
    const databases = new SlotDatabases(ws.root, () => undefined);
    expect(await databases.envFor(1, 'libs/util')).toEqual({});
    expect(ws.events()).toEqual([]);
  });

  it('says so and hands out no URL when the entry fails, so tests start their own', async () => {
    const ws = workspace(
      'exports.startSlotDatabase = async () => { throw new Error("no wasm"); };',
    );
    const messages: string[] = [];
    const databases = new SlotDatabases(ws.root, (m) => messages.push(m));
    expect(await databases.envFor(3, 'apps/api')).toEqual({});
    expect(messages).toEqual([
      'shardwise: slot 3 could not start its database (no wasm); its tests start their own',
    ]);
  });
});
