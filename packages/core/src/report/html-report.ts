/**
 * The run's HTML report: one self-contained file (inline CSS, SVG and a few lines of script; a
 * Content-Security-Policy that forbids any request), readable offline and attachable to CI.
 *
 * Figures carry `data-figure` attributes naming the report.json key they show, so a test can
 * check the page against the JSON.
 */
import type { Savings, CostEstimate } from '../history/business-metrics';
import type { Recommendation } from '../history/recommendations';
import type { RunHistoryEntry } from '../history/run-history';
import { computeTrends } from '../history/trends';
import type { ReportFile, RunReport } from './report-schema';

export interface HtmlSavings {
  savings: Savings;
  cost: CostEstimate;
}

export interface HtmlReportContext {
  /** Recorded runs, oldest first (this run included when it was recorded). */
  history?: readonly RunHistoryEntry[];
  recommendations?: readonly Recommendation[];
  thisRun?: HtmlSavings;
  allRuns?: HtmlSavings;
  /** Corrupt history lines that were skipped. */
  skippedHistoryLines?: number;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const esc = escapeHtml;

function duration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)}s`;
  if (abs < 3_600_000)
    return `${sign}${Math.floor(abs / 60_000)}m${Math.round((abs % 60_000) / 1000)}s`;
  return `${sign}${Math.floor(abs / 3_600_000)}h${Math.round((abs % 3_600_000) / 60_000)}m`;
}
const percent = (r: number) => `${Math.round(r * 100)}%`;

const STATUS_COLOURS: Record<ReportFile['status'], string> = {
  passed: '#2e9e5b',
  failed: '#d64545',
  skipped: '#9aa4b2',
  flaky: '#e0a100',
  notRun: '#c7ccd4',
  quarantined: '#8a63d2',
};

function figure(key: string, value: number | string, label: string): string {
  return `<div class="card"><div class="value" data-figure="${esc(key)}">${esc(String(value))}</div><div class="label">${esc(label)}</div></div>`;
}

function section(id: string, title: string, body: string, note = ''): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>${note === '' ? '' : `<p class="note">${note}</p>`}${body}</section>`;
}

function table(headers: string[], rows: string[][], className = ''): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  return `<table class="sortable ${className}"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Lanes per worker; a batch's span is split among its files in proportion to their times. */
function timeline(report: RunReport): string {
  const ran = report.files.filter(
    (f) => f.workerId !== null && f.startMs !== null && f.endMs !== null,
  );
  if (ran.length === 0) return '<p class="empty">No file ran (everything came from the cache).</p>';
  const batches = new Map<string, ReportFile[]>();
  for (const f of ran) {
    const key = `${f.workerId}:${f.startMs}:${f.endMs}`;
    const list = batches.get(key) ?? [];
    list.push(f);
    batches.set(key, list);
  }
  const workers = [...new Set(ran.map((f) => f.workerId!))].sort((a, b) => a - b);
  const end = Math.max(report.summary.wallMs, ...ran.map((f) => f.endMs!));
  const width = 1000;
  const lane = 26;
  const left = 70;
  const scale = (ms: number) => left + (ms / Math.max(1, end)) * (width - left - 10);
  const parts: string[] = [];
  workers.forEach((w, i) => {
    parts.push(
      `<text x="4" y="${i * lane + 17}" class="axis">worker ${w}</text><line x1="${left}" x2="${width - 10}" y1="${i * lane + lane - 2}" y2="${i * lane + lane - 2}" class="grid"/>`,
    );
  });
  for (const files of batches.values()) {
    const first = files[0]!;
    const lanes = workers.indexOf(first.workerId!);
    const total = files.reduce((n, f) => n + Math.max(1, f.durationMs), 0);
    let at = first.startMs!;
    const span = first.endMs! - first.startMs!;
    for (const f of files) {
      const share = (Math.max(1, f.durationMs) / total) * span;
      const x = scale(at);
      const w = Math.max(1, scale(at + share) - x);
      parts.push(
        `<rect class="file" data-path="${esc(f.path)}" x="${x.toFixed(1)}" y="${lanes * lane + 3}" width="${w.toFixed(1)}" height="${lane - 8}" fill="${STATUS_COLOURS[f.status]}"><title>${esc(`${f.path} — ${f.status}, ${duration(f.durationMs)} (worker ${f.workerId}, batch ${duration(first.startMs!)}–${duration(first.endMs!)})`)}</title></rect>`,
      );
      at += share;
    }
  }
  const ticks = axisTicks(end)
    .map(
      (t) =>
        `<text x="${scale(t).toFixed(1)}" y="${workers.length * lane + 14}" class="axis" text-anchor="middle">${duration(t)}</text>`,
    )
    .join('');
  const height = workers.length * lane + 20;
  return `<svg class="chart" id="timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="worker timeline">${parts.join('')}${ticks}</svg>${legend()}`;
}

function legend(): string {
  return `<div class="legend">${Object.entries(STATUS_COLOURS)
    .map(([s, c]) => `<span><i style="background:${c}"></i>${s}</span>`)
    .join('')}</div>`;
}

function axisTicks(end: number): number[] {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000, 600_000];
  const step = steps.find((s) => end / s <= 8) ?? end / 8;
  const ticks: number[] = [];
  for (let t = 0; t <= end; t += step) ticks.push(t);
  return ticks;
}

function barRows(rows: Array<{ label: string; value: number; max: number; text: string }>): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  return `<div class="bars">${rows
    .map(
      (r) =>
        `<div class="bar-row"><span class="bar-label">${esc(r.label)}</span><span class="bar"><i style="width:${((r.value / Math.max(1e-9, r.max)) * 100).toFixed(1)}%"></i></span><span class="bar-text">${esc(r.text)}</span></div>`,
    )
    .join('')}</div>`;
}

function shardBalance(report: RunReport): string {
  const shards = new Map<string, { files: number; ms: number }>();
  for (const f of report.files) {
    const key = `${f.category} · shard ${f.shard}`;
    const entry = shards.get(key) ?? { files: 0, ms: 0 };
    entry.files++;
    entry.ms += f.durationMs;
    shards.set(key, entry);
  }
  const max = Math.max(0, ...[...shards.values()].map((s) => s.ms));
  return barRows(
    [...shards.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([label, s]) => ({
        label,
        value: s.ms,
        max,
        text: `${s.files} file(s), ${duration(s.ms)} of test time`,
      })),
  );
}

function cacheHits(report: RunReport): string {
  const categories = new Map<string, { files: number; cached: number; savedMs: number }>();
  for (const f of report.files) {
    const entry = categories.get(f.category) ?? { files: 0, cached: 0, savedMs: 0 };
    entry.files++;
    if (f.cached) {
      entry.cached++;
      entry.savedMs += f.durationMs;
    }
    categories.set(f.category, entry);
  }
  return barRows(
    [...categories.entries()].map(([category, c]) => ({
      label: category,
      value: c.cached,
      max: c.files,
      text: `${c.cached}/${c.files} cached (${percent(c.files > 0 ? c.cached / c.files : 0)}), ${duration(c.savedMs)} not re-run`,
    })),
  );
}

function linePath(points: Array<[number, number]>): string {
  return points
    .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`)
    .join('');
}

function resourceChart(report: RunReport): string {
  const samples = report.samples;
  if (samples.length === 0)
    return '<p class="empty">No samples (resource monitoring off, or nothing ran).</p>';
  const width = 1000;
  const height = 180;
  const left = 40;
  const end = Math.max(1, ...samples.map((s) => s.t));
  const maxSlots = Math.max(1, report.pool.maxSlots, ...samples.map((s) => s.busySlots));
  const x = (t: number) => left + (t / end) * (width - left - 10);
  const y = (v: number) => 10 + (1 - v) * (height - 40);
  const cpu = linePath(samples.map((s) => [x(s.t), y(s.cpu)]));
  const memory = linePath(samples.map((s) => [x(s.t), y(s.memory)]));
  const busy = linePath(
    samples.flatMap((s, i) => {
      const previous = samples[i - 1];
      const level = y(s.busySlots / maxSlots);
      return previous === undefined
        ? [[x(s.t), level] as [number, number]]
        : [
            [x(s.t), y(previous.busySlots / maxSlots)] as [number, number],
            [x(s.t), level] as [number, number],
          ];
    }),
  );
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="${left}" x2="${width - 10}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="2" y="${y(v) + 4}" class="axis">${percent(v)}</text>`,
    )
    .join('');
  const ticks = axisTicks(end)
    .map(
      (t) =>
        `<text x="${x(t).toFixed(1)}" y="${height - 12}" class="axis" text-anchor="middle">${duration(t)}</text>`,
    )
    .join('');
  // Few samples (a short run) draw as points too, so a single reading is still visible.
  const dots =
    samples.length > 30
      ? ''
      : samples
          .map(
            (s) =>
              `<circle cx="${x(s.t).toFixed(1)}" cy="${y(s.memory).toFixed(1)}" r="3" class="dot memory"><title>${esc(`${duration(s.t)}: memory ${percent(s.memory)}`)}</title></circle><circle cx="${x(s.t).toFixed(1)}" cy="${y(s.cpu).toFixed(1)}" r="3" class="dot cpu"><title>${esc(`${duration(s.t)}: CPU ${percent(s.cpu)}, ${s.busySlots} busy worker(s)`)}</title></circle>`,
          )
          .join('');
  return `<svg class="chart" id="resources" viewBox="0 0 ${width} ${height}" role="img" aria-label="CPU and memory">${grid}${ticks}<path d="${busy}" class="line busy"/><path d="${memory}" class="line memory"/><path d="${cpu}" class="line cpu"/>${dots}</svg><div class="legend"><span><i style="background:#d9480f"></i>CPU</span><span><i style="background:#1c7ed6"></i>memory</span><span><i style="background:#94d82d"></i>busy workers (of ${maxSlots})</span></div>`;
}

function slowest(report: RunReport): string {
  const files = report.files
    .filter((f) => !f.cached && f.status !== 'notRun')
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 10);
  const tests = report.files
    .flatMap((f) => (f.cached ? [] : f.tests.map((t) => ({ file: f.path, test: t }))))
    .sort((a, b) => b.test.durationMs - a.test.durationMs)
    .slice(0, 10);
  return `<div class="two"><div><h3>Files</h3>${table(
    ['file', 'category', 'time', 'worker'],
    files.map((f) => [
      esc(f.path),
      esc(f.category),
      duration(f.durationMs),
      f.workerId === null ? '' : String(f.workerId),
    ]),
  )}</div><div><h3>Tests</h3>${table(
    ['test', 'file', 'time'],
    tests.map((t) => [esc(t.test.name), esc(t.file), duration(t.test.durationMs)]),
  )}</div></div>`;
}

function failures(report: RunReport): string {
  const failed = report.files.filter((f) => f.status === 'failed' || f.status === 'quarantined');
  if (failed.length === 0) return '<p class="empty" data-figure="failures.none">No failures.</p>';
  const groups = new Map<string, ReportFile[]>();
  for (const f of failed) {
    const key = f.failureCategory ?? 'unknown';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  // A handful of failures are shown open; a long list starts collapsed.
  const open = failed.length <= 5 ? ' open' : '';
  return [...groups.entries()]
    .map(
      ([category, files]) =>
        `<h3 class="failure-category">${esc(category)} <span class="count">${files.length} file(s)</span></h3>${files
          .map((f) => {
            const tests = f.tests.filter((t) => t.status === 'failed');
            const body =
              tests.length > 0
                ? tests
                    .map(
                      (t) =>
                        `<details class="failure"${open}><summary>✕ ${esc(t.name)}</summary><pre>${esc([t.failure?.message ?? '', t.failure?.stack ?? ''].filter(Boolean).join('\n'))}</pre></details>`,
                    )
                    .join('')
                : `<pre>${esc(f.reason ?? 'failed without a test result')}</pre>`;
            return `<div class="failed-file"><div class="path">${f.status === 'quarantined' ? '<span class="tag">quarantined</span> ' : ''}${esc(f.path)} <span class="muted">(${esc(f.project)}, ${f.attempts} attempt(s))</span></div>${body}</div>`;
          })
          .join('')}`,
    )
    .join('');
}

function flaky(report: RunReport): string {
  const files = report.files.filter((f) => f.status === 'flaky');
  return table(
    ['file', 'tests that failed first', 'attempts'],
    files.map((f) => [
      esc(f.path),
      esc((f.flakyTests ?? []).join(', ') || '—'),
      String(f.attempts),
    ]),
  );
}

function sparkSvg(values: readonly number[], format: (v: number) => string, id: string): string {
  if (values.length === 0) return '';
  const width = 300;
  const height = 60;
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? (width - 10) / (values.length - 1) : 0;
  const points = values.map(
    (v, i) => [5 + i * step, height - 8 - (v / max) * (height - 20)] as [number, number],
  );
  const dots = points
    .map(
      ([x, y], i) =>
        `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2.5"><title>run ${i + 1}: ${esc(format(values[i]!))}</title></circle>`,
    )
    .join('');
  return `<svg class="spark" id="${id}" viewBox="0 0 ${width} ${height}"><path d="${linePath(points)}" class="line trend"/>${dots}<text x="${width - 4}" y="10" class="axis" text-anchor="end">max ${esc(format(max))}</text></svg>`;
}

function trends(history: readonly RunHistoryEntry[]): string {
  if (history.length === 0) return '<p class="empty">No recorded runs yet.</p>';
  const t = computeTrends(history.slice(-50));
  const overall = `<div class="three"><div><h3>Wall time per run</h3>${sparkSvg(
    t.runs.map((r) => r.wallMs),
    duration,
    'trend-wall',
  )}</div><div><h3>Cache hit rate</h3>${sparkSvg(
    t.runs.map((r) => r.cacheHitRate),
    percent,
    'trend-cache',
  )}</div><div><h3>Flaky rate</h3>${sparkSvg(
    t.runs.map((r) => r.flakyRate),
    percent,
    'trend-flaky',
  )}</div></div>`;
  const rows = t.categories.map(({ category, points }) => {
    const last = points.at(-1)!;
    return [
      esc(category),
      String(points.length),
      sparkSvg(
        points.map((p) => p.ranMs),
        duration,
        `trend-${category}`,
      ),
      duration(last.ranMs),
      duration(last.baselineMs),
      percent(last.cacheHitRate),
      percent(points.reduce((n, p) => n + p.flakyRate, 0) / points.length),
    ];
  });
  return `${overall}${table(['category', 'runs', 'time running its files', 'last', 'last uncached', 'last cache hits', 'mean flaky rate'], rows, 'trend-table')}`;
}

function recommendations(list: readonly Recommendation[]): string {
  if (list.length === 0)
    return '<p class="empty">No recommendations: the recorded runs show nothing to change.</p>';
  return `<ul class="recommendations">${list
    .map(
      (r) =>
        `<li data-kind="${esc(r.kind)}"><span class="tag">${esc(r.kind)}</span> ${esc(r.advice)}<div class="figures">${Object.entries(
          r.figures,
        )
          .map(([k, v]) => `<span><b>${esc(k)}</b> ${esc(String(v))}</span>`)
          .join('')}</div></li>`,
    )
    .join('')}</ul>`;
}

function savingsBlock(title: string, s: HtmlSavings | undefined, id: string): string {
  if (s === undefined) return '';
  const money = (value: number | undefined, rate: string) =>
    value === undefined
      ? `<span class="muted">no rate (costs.${rate})</span>`
      : `≈ ${value.toFixed(2)} ${esc(s.cost.currency)}`;
  return `<div class="savings" id="${id}"><h3>${esc(title)} <span class="muted">(${s.savings.runs} run(s))</span></h3><table><tbody>
<tr><td>Serial, uncached baseline</td><td>${duration(s.savings.baselineMs)}</td></tr>
<tr><td>Wall time</td><td>${duration(s.savings.wallMs)}</td></tr>
<tr><td>Saved by the cache</td><td>${duration(s.savings.cacheSavedMs)}</td></tr>
<tr><td>Saved by parallelism</td><td>${duration(s.savings.parallelSavedMs)}</td></tr>
<tr><td><b>Saved in all</b></td><td><b>${duration(s.savings.totalSavedMs)}</b></td></tr>
<tr><td>CI cost saved (estimate)</td><td>${money(s.cost.ciSaved, 'ciMinute')}</td></tr>
<tr><td>Developer waiting time saved (estimate)</td><td>${money(s.cost.developerSaved, 'developerHour')}</td></tr>
</tbody></table></div>`;
}

const STYLE = `
:root{--fg:#1d2330;--muted:#6b7585;--line:#e3e7ee;--bg:#f6f8fb;--card:#fff}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px;background:#1d2330;color:#fff}header h1{margin:0 0 4px;font-size:20px}header .meta{color:#b8c0cc;font-size:12px;word-break:break-all}
.status{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;margin-left:8px;font-size:13px}
.status.passed{background:#2e9e5b}.status.failed{background:#d64545}.status.interrupted{background:#e0a100}
main{padding:12px 28px 40px;max-width:1280px}section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:14px 0}
h2{font-size:16px;margin:0 0 10px}h3{font-size:14px;margin:12px 0 6px}.note{color:var(--muted);margin:-4px 0 10px;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:110px}
.card .value{font-size:20px;font-weight:650}.card .label{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{cursor:pointer;user-select:none;color:var(--muted);font-weight:600}td{word-break:break-word}
.chart{width:100%;height:auto;display:block}.grid{stroke:var(--line);stroke-width:1}.axis{font-size:11px;fill:var(--muted)}
.line{fill:none;stroke-width:2}.dot{stroke:none}.dot.cpu{fill:#d9480f}.dot.memory{fill:#1c7ed6}.cpu{stroke:#d9480f}.memory{stroke:#1c7ed6}.busy{stroke:#94d82d;stroke-width:1.5}.trend{stroke:#5f3dc4}
.spark{width:100%;max-width:300px;height:60px}.trend-table .spark{max-width:200px;height:34px}.spark circle{fill:#5f3dc4}
rect.file{stroke:#fff;stroke-width:.5}rect.file:hover{opacity:.75}
.legend{display:flex;gap:14px;flex-wrap:wrap;color:var(--muted);font-size:12px;margin-top:4px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.bars{display:grid;gap:4px}.bar-row{display:grid;grid-template-columns:220px 1fr 300px;gap:10px;align-items:center}
.bar{background:var(--line);height:12px;border-radius:3px;overflow:hidden}.bar i{display:block;height:100%;background:#4c6ef5}
.bar-label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.bar-text{color:var(--muted);font-size:12px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}.three{display:grid;grid-template-columns:1fr 1fr 1fr;gap:18px}
pre{background:#fbf3f3;border-left:3px solid #d64545;padding:8px 10px;overflow:auto;font-size:12px;margin:4px 0 8px;white-space:pre-wrap}
.failed-file{margin:6px 0 10px}.path{font-family:ui-monospace,monospace}.muted{color:var(--muted)}.count{color:var(--muted);font-weight:400}
.tag{display:inline-block;background:#eef1f6;border-radius:4px;padding:0 6px;font-size:12px;color:#3b4556}
.recommendations{padding-left:18px}.recommendations li{margin:6px 0}.figures{display:flex;flex-wrap:wrap;gap:4px 14px;color:var(--muted);font-size:12px}
.savings table td:last-child{text-align:right;font-variant-numeric:tabular-nums}.estimate{background:#fff8e1;border:1px solid #f0d77a;padding:6px 10px;border-radius:6px}
.empty{color:var(--muted)}
@media (max-width:900px){.two,.three{grid-template-columns:1fr}.bar-row{grid-template-columns:1fr}}
`;

/** Sorts a table by a clicked column (numbers by value, durations by milliseconds). */
const SCRIPT = `
(function(){
  function key(text){
    var m=/^(-?[0-9.]+)(ms|s|m|h|%)?/.exec(text.trim());
    if(!m) return text.toLowerCase();
    var n=parseFloat(m[1]);var unit={ms:1,s:1e3,m:6e4,h:3.6e6,'%':1}[m[2]||'']||1;
    var mm=/^(\\d+)m(\\d+)s$/.exec(text.trim()); if(mm) return (+mm[1])*6e4+(+mm[2])*1e3;
    return n*unit;
  }
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,col){
      var desc=false;
      th.addEventListener('click',function(){
        var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        desc=!desc;
        rows.sort(function(a,b){var x=key(a.cells[col].textContent),y=key(b.cells[col].textContent);
          if(x<y) return desc?1:-1; if(x>y) return desc?-1:1; return 0;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
})();
`;

export function renderHtmlReport(report: RunReport, context: HtmlReportContext = {}): string {
  const s = report.summary;
  const ranFiles = report.files.filter((f) => !f.cached && f.status !== 'notRun').length;
  const verdict =
    s.status === 'interrupted' ? 'interrupted' : s.failedFiles > 0 ? 'failed' : 'passed';
  const merged = report.mergedFrom;
  const summary = `<div class="cards">
${figure('summary.passed', s.passed, 'tests passed')}
${figure('summary.failed', s.failed, 'tests failed')}
${figure('summary.skipped', s.skipped, 'skipped')}
${figure('summary.todo', s.todo, 'todo')}
${figure('summary.flaky', s.flaky, 'flaky tests')}
${figure('summary.files', s.files, 'test files')}
${figure('summary.cachedFiles', s.cachedFiles, 'files from the cache')}
${figure('ranFiles', ranFiles, 'files run')}
${figure('summary.failedFiles', s.failedFiles, 'files failed')}
${figure('summary.notRunFiles', s.notRunFiles, 'files not run')}
${figure('summary.wallMs', duration(s.wallMs), 'wall time')}
${figure('summary.cpuMs', duration(s.cpuMs), 'CPU time')}
${figure('pool.maxSlots', report.pool.maxSlots, `workers (started with ${report.pool.initialSlots})`)}
${figure('utilisation.busySlotFraction', percent(report.utilisation.busySlotFraction), 'workers busy')}
${figure('utilisation.parallelEfficiency', report.utilisation.parallelEfficiency.toFixed(2), 'files in parallel (mean)')}
</div>`;
  const history = context.history ?? [];
  const skipped =
    (context.skippedHistoryLines ?? 0) > 0
      ? ` ${context.skippedHistoryLines} corrupt history line(s) were skipped.`
      : '';
  const body = [
    section('summary', 'Summary', summary, `Pool: ${esc(report.pool.reason)}`),
    section(
      'timeline',
      'Worker timeline',
      timeline(report),
      'Which file ran on which worker, when. Files of one batch share its span, split in proportion to their own times.',
    ),
    section('failures', `Failures (${s.failedFiles} file(s))`, failures(report)),
    section('flaky', `Flaky tests (${s.flaky})`, flaky(report), 'Failed, then passed on a retry.'),
    section(
      'shards',
      'Shard balance',
      shardBalance(report),
      'Test time per shard, cached files at their recorded time.',
    ),
    section('cache', 'Cache hits', cacheHits(report)),
    section(
      'resources',
      'CPU and memory',
      resourceChart(report),
      'Sampled every 500 ms over the run.',
    ),
    section('slowest', 'Slowest', slowest(report)),
    section(
      'trends',
      'Trends over past runs',
      trends(history),
      `${history.length} recorded run(s) on this machine's cache.${skipped}`,
    ),
    section(
      'recommendations',
      'Recommendations',
      recommendations(context.recommendations ?? []),
      'From the recorded runs; each shows the figures behind it.',
    ),
    section(
      'savings',
      'Time and cost saved (estimates)',
      `<p class="estimate">Estimates: the baseline is the same files run one after another without the cache, at their recorded times; money is that time at the configured rates (config <code>costs</code>).</p><div class="two">${savingsBlock('This run', context.thisRun, 'savings-run')}${savingsBlock('All recorded runs', context.allRuns, 'savings-all')}</div>`,
    ),
  ].join('\n');
  const title = `Shardwise run ${report.runId}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><h1>Shardwise run <span data-figure="runId">${esc(report.runId)}</span><span class="status ${verdict}" data-figure="verdict">${verdict.toUpperCase()}</span></h1>
<div class="meta">${esc(report.startedAt)} · ${esc(report.workspaceRoot)} · <code>${esc(report.command.join(' ') || 'shardwise run')}</code> · status <span data-figure="summary.status">${esc(s.status)}</span>${merged === undefined ? '' : ` · merged from ${merged.length} shard report(s)`}</div></header>
<main>${body}</main><script>${SCRIPT}</script></body></html>
`;
}
