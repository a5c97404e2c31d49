import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { ImportCache } from './import-cache';

afterEach(removeTempWorkspaces);

const cacheFolder = () => tempWorkspace({}, 'shardwise-import-cache-');

const parse = (specifier: string) => ({
  imports: [{ specifier, kind: 'static' as const }],
  nonLiteral: 0,
});

describe('ImportCache', () => {
  it('round-trips entries, prunes hashes no longer live, and leaves an unchanged file alone', () => {
    const folder = cacheFolder();
    const file = join(folder, 'graph', 'imports.json');
    const first = new ImportCache(folder, 'p1');
    first.set('h-a', parse('./a'));
    first.set('h-b', { error: 'Unexpected token' });
    first.save();

    const second = new ImportCache(folder, 'p1');
    second.load();
    expect(second.size).toBe(2);
    expect(second.get('h-a')).toEqual(parse('./a'));
    expect(second.get('h-b')).toEqual({ error: 'Unexpected token' });

    // Nothing new, nothing to prune: the file is not rewritten (a marker survives).
    writeFileSync(file, readFileSync(file, 'utf8') + ' ');
    const before = statSync(file).size;
    second.save(new Set(['h-a', 'h-b']));
    expect(statSync(file).size).toBe(before);

    // A hash that is gone is pruned.
    second.save(new Set(['h-a']));
    const third = new ImportCache(folder, 'p1');
    third.load();
    expect(third.size).toBe(1);
    expect(third.get('h-b')).toBeUndefined();
  });

  it('discards a file written by another parser', () => {
    const folder = cacheFolder();
    const cache = new ImportCache(folder, 'p1');
    cache.set('h-a', parse('./a'));
    cache.save();
    const other = new ImportCache(folder, 'p2');
    other.load();
    expect(other.size).toBe(0);
  });
});
