import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { historyRun, ranFile, reportFile, runReport } from '../history/__fixtures__/recorded-runs';
import { escapeHtml, renderHtmlReport } from './html-report';
import { writeRunReport } from './write-report';

const report = runReport(
  [
    reportFile({ path: 'src/a.test.ts', workerId: 1, startMs: 0, endMs: 400, durationMs: 300 }),
    reportFile({ path: 'src/b.test.ts', workerId: 1, startMs: 0, endMs: 400, durationMs: 100 }),
    reportFile({ path: 'src/c.test.ts', cached: true, workerId: null, startMs: null, endMs: null }),
    reportFile({
      path: 'src/<script>.test.ts',
      workerId: 2,
      startMs: 50,
      endMs: 900,
      durationMs: 800,
      status: 'failed',
      failureCategory: 'timeout',
      tests: [
        {
          name: 'waits <forever>',
          status: 'failed',
          durationMs: 800,
          failure: { message: 'Timeout of 500ms & more', stack: 'at x', category: 'timeout' },
        },
      ],
    }),
    reportFile({
      path: 'src/d.test.ts',
      status: 'flaky',
      attempts: 2,
      flakyTests: ['d > retried'],
    }),
  ],
  {
    samples: [
      { t: 0, cpu: 0.1, memory: 0.3, load: 1, disk: null, busySlots: 1 },
      { t: 500, cpu: 0.9, memory: 0.35, load: 2, disk: null, busySlots: 2 },
    ],
  },
);

function figure(html: string, key: string): string | undefined {
  return new RegExp(`data-figure="${key.replace('.', '\\.')}">([^<]*)<`).exec(html)?.[1];
}

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(report, {
    history: [
      historyRun(1, [ranFile('src/a.test.ts', 300)]),
      historyRun(2, [ranFile('src/a.test.ts', 200)]),
    ],
    recommendations: [
      {
        kind: 'workers',
        subject: 'workers',
        advice: 'use 3 workers',
        figures: { busySlotFraction: '30%' },
      },
    ],
  });

  it('shows the summary figures of report.json', () => {
    expect(figure(html, 'summary.passed')).toBe(String(report.summary.passed));
    expect(figure(html, 'summary.failed')).toBe('1');
    expect(figure(html, 'summary.files')).toBe('5');
    expect(figure(html, 'summary.cachedFiles')).toBe('1');
    expect(figure(html, 'summary.flaky')).toBe('1');
    expect(figure(html, 'verdict')).toBe('FAILED');
  });

  it('draws each file that ran on its worker, splitting a batch by the files’ times', () => {
    const rects = [
      ...html.matchAll(
        /<rect class="file" data-path="([^"]+)" x="([\d.]+)"[^>]* width="([\d.]+)"/g,
      ),
    ];
    expect(rects.map((r) => r[1])).toEqual([
      'src/a.test.ts',
      'src/b.test.ts',
      'src/&lt;script&gt;.test.ts',
      'src/d.test.ts',
    ]);
    const [a, b] = rects;
    // a took 300 of the batch's 400 ms, b 100: three times as wide, b right after a.
    expect(Number(a![3]) / Number(b![3])).toBeCloseTo(3, 1);
    expect(Number(b![2])).toBeCloseTo(Number(a![2]) + Number(a![3]), 0);
  });

  it('groups failures by category with their messages, escaped', () => {
    expect(html).toContain('<h3 class="failure-category">timeout');
    expect(html).toContain('waits &lt;forever&gt;');
    expect(html).toContain('Timeout of 500ms &amp; more');
    expect(html).not.toContain('<script>.test');
  });

  it('lists flaky tests, trends, recommendations and labels money as an estimate', () => {
    expect(html).toContain('d &gt; retried');
    expect(html).toContain('id="trend-wall"');
    expect(html).toContain('use 3 workers');
    expect(html).toContain('Time and cost saved (estimates)');
  });

  it('needs no network: no external URL, and a policy that forbids requests', () => {
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;',
    );
  });
});

describe('writeRunReport with a failing HTML renderer', () => {
  it('still writes report.json, junit.xml and the latest pointer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwise-html-fault-'));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const written = writeRunReport(dir, report, new Map(), () => {
        throw new Error('boom');
      });
      expect(written.html).toBeUndefined();
      expect(existsSync(written.json) && existsSync(written.junit)).toBe(true);
      expect(readFileSync(join(dir, 'latest'), 'utf8').trim()).toBe(report.runId);
      expect(String(stderr.mock.calls[0]?.[0])).toContain('report.html not written (boom)');
    } finally {
      stderr.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
