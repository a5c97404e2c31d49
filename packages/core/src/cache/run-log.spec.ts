import { appendFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { RunLog } from './run-log';

afterAll(removeTempWorkspaces);

describe('RunLog', () => {
  it('has no hit rate before any run', () => {
    expect(new RunLog(tempWorkspace({})).hitRate()).toEqual({
      runs: 0,
      selected: 0,
      cached: 0,
      rate: undefined,
    });
  });

  it('computes the hit rate over the runs that read the cache, skipping torn lines', () => {
    const log = new RunLog(tempWorkspace({}));
    log.append({ at: 1, runId: 'a', selected: 10, cached: 0, cacheUsed: true });
    log.append({ at: 2, runId: 'b', selected: 10, cached: 10, cacheUsed: true });
    log.append({ at: 3, runId: 'c', selected: 10, cached: 0, cacheUsed: false });
    appendFileSync(log.file, '{"at":4,"runId":"d","sel');
    expect(log.hitRate()).toEqual({ runs: 2, selected: 20, cached: 10, rate: 0.5 });
    expect(log.hitRate(1)).toEqual({ runs: 1, selected: 10, cached: 10, rate: 1 });
  });
});
