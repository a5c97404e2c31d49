import { describe, expect, it } from 'vitest';
import { configDirIssue, outputDirIssue } from './output-dirs';

describe('configDirIssue (cacheDir, reportDir in a configuration file)', () => {
  it.each(['.shardwise/cache', 'build/reports', 'a/../b', './out'])('accepts %s', (value) => {
    expect(configDirIssue(value)).toBeUndefined();
  });

  it.each([
    ['/tmp/cache', /absolute/],
    ['C:\\cache', /absolute/],
    ['.', /workspace root/],
    ['./', /workspace root/],
    ['..', /leads out/],
    ['../outside', /leads out/],
    ['a/../../outside', /leads out/],
    ['..\\outside', /leads out/],
  ])('rejects %s', (value, reason) => {
    expect(configDirIssue(value)).toMatch(reason);
  });
});

describe('outputDirIssue (flags and OPTIMIZED_TEST_CACHE_DIR)', () => {
  const root = '/work/ws';
  it.each(['/tmp/cache', '../sibling', '.shardwise/cache', '/work/other'])('accepts %s', (path) => {
    expect(outputDirIssue(path, root)).toBeUndefined();
  });

  it.each([
    ['/', /file-system root/],
    ['.', /workspace root/],
    ['/work/ws/', /workspace root/],
    ['..', /does not hold the workspace/],
    ['/work', /does not hold the workspace/],
  ])('rejects %s', (path, reason) => {
    expect(outputDirIssue(path, root)).toMatch(reason);
  });
});
