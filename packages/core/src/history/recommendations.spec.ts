import { afterAll, describe, expect, it } from 'vitest';
import { planWorkspace } from '../api/plan-workspace';
import { resolveConfig } from '../config/load-config';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { collectClosure } from '../graph/closure-hash';
import { closureWidths, countReachingTests } from './closure-widths';
import { historyRun, ranFile } from './__fixtures__/recorded-runs';
import { formatRecommendations, recommend, type Recommendation } from './recommendations';
import type { FileHistoryEntry } from './run-history';

afterAll(removeTempWorkspaces);

const ofKind = (list: Recommendation[], kind: Recommendation['kind']) =>
  list.filter((r) => r.kind === kind);

function files(prefix: string, n: number, ms: number, category = 'unit'): FileHistoryEntry[] {
  return Array.from({ length: n }, (_, i) => ranFile(`${prefix}${i}.test.ts`, ms, { category }));
}

describe('recommend: shard count for a targetDuration', () => {
  // 10 integration files, 20 s each at first and 30 s in the newest run; every run filled its
  // 2 slots with a measured parallel efficiency of 1.5.
  const runs = [
    historyRun(1, files('int/', 10, 20_000, 'integration')),
    historyRun(2, files('int/', 10, 20_000, 'integration')),
    historyRun(3, files('int/', 10, 30_000, 'integration')),
  ];

  it('divides the latest serial time by the measured parallelism and the target', () => {
    const [advice] = ofKind(
      recommend({
        runs,
        categories: [{ name: 'integration', targetDuration: 60, shards: 1 }],
      }),
      'shards',
    );
    // 10 × 30 s = 300 s serial; / 1.5 parallelism = 200 s; / 60 s target = 3.33 → 4 shards.
    expect(advice?.figures).toMatchObject({
      files: 10,
      serialSeconds: 300,
      parallelism: 1.5,
      targetSeconds: 60,
      configuredShards: 1,
      recommendedShards: 4,
      estimatedShardSeconds: 50,
    });
    expect(advice?.advice).toContain('"shards": 4');
  });

  it('says nothing when the configured count already meets the target, or there is no target', () => {
    expect(
      ofKind(
        recommend({ runs, categories: [{ name: 'integration', targetDuration: 60, shards: 4 }] }),
        'shards',
      ),
    ).toEqual([]);
    expect(
      ofKind(
        recommend({
          runs,
          categories: [{ name: 'integration', targetDuration: undefined, shards: 1 }],
        }),
        'shards',
      ),
    ).toEqual([]);
  });

  it('falls back to the slot count when no run filled its slots', () => {
    const small = [
      historyRun(1, [ranFile('a.test.ts', 90_000, { category: 'e2e' })], { maxSlots: 3 }),
    ];
    const [advice] = recommend({
      runs: small,
      categories: [{ name: 'e2e', targetDuration: 10, shards: 1 }],
    });
    // 90 s / 3 slots / 10 s = 3 shards.
    expect(advice?.figures).toMatchObject({ parallelism: 3, recommendedShards: 3 });
  });
});

describe('recommend: slow files in the wrong category', () => {
  const unit = [...files('unit/', 5, 100), ranFile('unit/slow.test.ts', 20_000)];
  const integration = [
    ranFile('int/a.test.ts', 15_000, { category: 'integration' }),
    ranFile('int/b.test.ts', 20_000, { category: 'integration' }),
    ranFile('int/c.test.ts', 25_000, { category: 'integration' }),
  ];

  it('moves a file to the category whose typical time it has', () => {
    const runs = [
      historyRun(1, [...unit, ...integration]),
      historyRun(2, [...unit, ...integration]),
    ];
    const moves = ofKind(recommend({ runs, categories: [] }), 'move-file');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({
      subject: 'unit/slow.test.ts',
      figures: {
        category: 'unit',
        medianSeconds: 20,
        categoryMedianSeconds: 0.1,
        suggestedCategory: 'integration',
        suggestedCategoryMedianSeconds: 20,
      },
    });
  });

  it('suggests a category of its own when no other category is closer', () => {
    const runs = [historyRun(1, unit)];
    const [move] = ofKind(recommend({ runs, categories: [] }), 'move-file');
    expect(move?.subject).toBe('unit/slow.test.ts');
    expect(move?.figures['suggestedCategory']).toBeUndefined();
    expect(move?.advice).toContain('category of their own');
  });

  it('leaves files within ten times the median alone', () => {
    const runs = [historyRun(1, [...files('unit/', 5, 1_000), ranFile('unit/x.test.ts', 9_000)])];
    expect(ofKind(recommend({ runs, categories: [] }), 'move-file')).toEqual([]);
  });
});

describe('recommend: quarantine for flakiness', () => {
  const flakyOn = new Set([2, 5, 8]);
  const runs = Array.from({ length: 10 }, (_, i) =>
    historyRun(i, [
      ranFile(
        'a.test.ts',
        100,
        flakyOn.has(i) ? { status: 'flaky', flakyTests: ['a > retries'] } : {},
      ),
      ranFile('b.test.ts', 100, i === 4 ? { status: 'flaky', flakyTests: ['b > once'] } : {}),
    ]),
  );

  it('names a test flaky on at least 2 runs and 5% of them, with the counts', () => {
    const advice = ofKind(recommend({ runs, categories: [] }), 'quarantine');
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({
      subject: 'a.test.ts › a > retries',
      figures: { file: 'a.test.ts', test: 'a > retries', flakyRuns: 3, runs: 10, flakyRate: '30%' },
    });
  });

  it('skips a file that is quarantined already', () => {
    const quarantined = [
      ...runs,
      historyRun(11, [ranFile('a.test.ts', 100, { status: 'quarantined' })]),
    ];
    expect(ofKind(recommend({ runs: quarantined, categories: [] }), 'quarantine')).toEqual([]);
  });
});

describe('recommend: worker count from utilisation', () => {
  const work = files('w/', 10, 500);

  it('fewer workers when slots sat idle', () => {
    const runs = [1, 2, 3, 4].map((i) =>
      historyRun(i, work, { maxSlots: 8, busySlotFraction: 0.3, meanCpu: 0.9 }),
    );
    const [advice] = ofKind(recommend({ runs, categories: [] }), 'workers');
    // 8 slots × 30% busy / 80% target = 3.
    expect(advice?.figures).toMatchObject({
      runs: 4,
      slots: 8,
      busySlotFraction: '30%',
      recommendedWorkers: 3,
    });
  });

  it('more workers when every slot was busy and the CPU had room (at most double)', () => {
    const runs = [1, 2, 3].map((i) =>
      historyRun(i, work, { maxSlots: 4, busySlotFraction: 0.95, meanCpu: 0.4 }),
    );
    const [advice] = ofKind(recommend({ runs, categories: [] }), 'workers');
    // 4 × 0.8 / 0.4 = 8 = the cap of twice the slots.
    expect(advice?.figures).toMatchObject({ slots: 4, meanCpu: '40%', recommendedWorkers: 8 });
  });

  it('nothing from fewer than three runs that filled their slots, or a balanced pool', () => {
    const few = [1, 2].map((i) => historyRun(i, work, { maxSlots: 8, busySlotFraction: 0.2 }));
    expect(ofKind(recommend({ runs: few, categories: [] }), 'workers')).toEqual([]);
    const balanced = [1, 2, 3].map((i) =>
      historyRun(i, work, { maxSlots: 4, busySlotFraction: 0.75, meanCpu: 0.8 }),
    );
    expect(ofKind(recommend({ runs: balanced, categories: [] }), 'workers')).toEqual([]);
  });
});

describe('widest closures', () => {
  it('counts the test files that reach each source file, widest first', async () => {
    const root = tempWorkspace({
      'libs/a/project.json': '{"name":"a"}',
      'libs/a/jest.config.js': 'module.exports = {};',
      'libs/a/src/base.ts': 'export const base = 1;',
      'libs/a/src/shared.ts': "import { base } from './base'; export const shared = base;",
      'libs/a/src/only-x.ts': 'export const x = 1;',
      'libs/a/src/x.test.ts':
        "import { shared } from './shared'; import { x } from './only-x'; it('x', () => {});",
      'libs/a/src/y.test.ts': "import { shared } from './shared'; it('y', () => {});",
      'libs/a/src/z.test.ts': "import { base } from './base'; it('z', () => {});",
    });
    const config = resolveConfig(
      { categories: { unit: {} } },
      { kind: 'defaults', file: '', keyPrefix: '' },
      {},
    );
    const plan = await planWorkspace({ workspaceRoot: root, config, env: {} });
    const result = closureWidths(plan);
    expect(result?.testFiles).toBe(3);
    expect(result?.widths).toEqual([
      { path: 'libs/a/src/base.ts', dependents: 3 },
      { path: 'libs/a/src/shared.ts', dependents: 2 },
      { path: 'libs/a/src/only-x.ts', dependents: 1 },
    ]);
    const advice = ofKind(
      recommend({ runs: [], categories: [], closureWidths: result!.widths, testFiles: 3 }),
      'wide-closure',
    );
    // Files reached by a single test file make no recommendation.
    expect(advice.map((a) => [a.subject, a.figures['dependents'], a.figures['share']])).toEqual([
      ['libs/a/src/base.ts', 3, '100%'],
      ['libs/a/src/shared.ts', 2, '67%'],
    ]);
  });
});

describe('formatRecommendations', () => {
  it('prints each advice with its figures', () => {
    const text = formatRecommendations([
      { kind: 'workers', subject: 'workers', advice: 'use 3', figures: { slots: 8, busy: '30%' } },
    ]);
    expect(text).toBe('[workers] use 3\n    slots=8 · busy=30%');
    expect(formatRecommendations([])).toContain('No recommendations');
  });
});

describe('countReachingTests', () => {
  it('agrees with one closure walk per test, import cycles and 40+ tests included', () => {
    // A random graph with cycles over 60 files, 45 of them tests (more than one 32-bit word).
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const nodes = new Map<string, { deps: string[] }>();
    const names = Array.from({ length: 60 }, (_, i) => `f${i}`);
    for (const name of names)
      nodes.set(name, {
        deps: names.filter(() => random() < 0.06).concat(random() < 0.5 ? ['missing.ts'] : []),
      });
    const tests = names.slice(0, 45);
    const counts = countReachingTests(nodes, tests);
    for (const name of names) {
      const expected = tests.filter((t) => collectClosure(nodes as never, t).has(name)).length;
      expect(counts.get(name) ?? 0, name).toBe(expected);
    }
  });
});
