// Screenshots and charts: one warm browser (Lookout's way) against a browser launched per
// capture (the way Selenium-based tools work), chart rendering, captures per minute at
// concurrency 1, 2 and 4, and peak RSS of Lookout plus its Chromium processes. The warm browser
// is measured with both ways of leaving nothing of a capture to the next (page-pool.ts): the
// page reused and wiped (Lookout's), and a fresh browser context per capture — back to back,
// and spaced out so that the spare context is ready (or the wipe done), as for alerts that do not
// all fire at once.
//   npm run bench:capture -- [--captures 60] [--launches 8] [--charts 60] [--seconds 15] [--gap-ms 1000]
// Prints a table, then one JSON line of the figures. Asserts nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createBrowser } from '../src/capture/browser.js';
import { createChartRenderer } from '../src/capture/chart.js';
import type { ScreenshotRequest } from '../src/capture/port.js';
import { createScreenshotter } from '../src/capture/screenshot.js';
import type { QueryResult } from '../src/domain/types.js';
import { silentLogger } from '../src/logger.js';

const { values } = parseArgs({
  options: {
    captures: { type: 'string', default: '60' },
    launches: { type: 'string', default: '8' },
    charts: { type: 'string', default: '60' },
    seconds: { type: 'string', default: '15' },
    'gap-ms': { type: 'string', default: '1000' },
  },
});
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const loadStart = Math.round((loadavg()[0] ?? 0) * 100) / 100;
const logger = silentLogger();

// A dashboard-like page: a header, four SVG panels, a table and some Korean text.
const panel = (i: number): string =>
  `<div class="panel"><h3>패널 ${i} — orders</h3><svg width="420" height="200">${Array.from({ length: 24 }, (_, j) => `<rect x="${j * 17}" y="${200 - ((j * 37 + i * 13) % 180)}" width="14" height="${(j * 37 + i * 13) % 180}" fill="#3b7dd8"/>`).join('')}</svg></div>`;
const page = `<!doctype html><html><head><meta charset="utf-8"><style>
body{font-family:sans-serif;margin:0;background:#f4f6f8} header{background:#1d3b53;color:#fff;padding:16px 24px;font-size:22px}
.grid{display:grid;grid-template-columns:repeat(2,1fr);gap:16px;padding:16px} .panel{background:#fff;border-radius:6px;padding:12px}
table{border-collapse:collapse;margin:16px;background:#fff} td{border:1px solid #ddd;padding:4px 10px}
</style></head><body><header>Sales dashboard · 매출 대시보드</header><div class="grid">${[1, 2, 3, 4].map(panel).join('')}</div>
<table>${Array.from({ length: 12 }, (_, r) => `<tr><td>지역 ${r}</td><td>${r * 117}</td><td>${(r * 3.7).toFixed(1)}%</td></tr>`).join('')}</table></body></html>`;
const server = createServer((_, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard`;
const request: ScreenshotRequest = { url, width: 1280, height: 800, scale: 1, selector: null, fullPage: false, waitFor: null, waitForGone: null };
const policy = { allowedHosts: ['127.0.0.1'], allowLoopback: true };

/**
 * Memory of this process plus every process below it (Chromium's browser, renderers, GPU, …),
 * as PSS: plain RSS would count the pages Chromium's processes share once per process.
 */
function treeRssBytes(): number {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  const pss = (pid: number): number => {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m?.[1] !== undefined ? Number(m[1]) * 1024 : 0;
  };
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
      rss.set(Number(name), 0);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [pid, bytes] of rss) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === process.pid) {
        try {
          total += bytes + pss(pid);
        } catch {
          // Gone meanwhile.
        }
        break;
      }
    }
  }
  return total;
}
let peakRss = 0;
// Every 2 s: reading smaps_rollup of a dozen Chromium processes costs enough CPU to slow the
// captures it measures when done every 200 ms.
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, treeRssBytes());
}, 2000);

const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const signal = (): AbortSignal => AbortSignal.timeout(60_000);

// 1. Warm browser: launched once; each capture on a pooled page, wiped after the last one.
const warmBrowser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 4, logger });
const warm = createScreenshotter({ browser: warmBrowser, policy, auth: {}, logger });
await warm.capture(request, signal()); // the launch itself is not a warm capture
const warmMs: number[] = [];
for (let i = 0; i < Number(values.captures); i++) warmMs.push(await timed(() => warm.capture(request, signal())));
// The same spaced out (the pause not timed): the wipe of the last capture is done before the next
// starts, as for alerts that do not all fire at once; back to back, each capture waits for it.
const warmSpacedMs: number[] = [];
for (let i = 0; i < Math.ceil(Number(values.captures) / 2); i++) {
  await new Promise((resolve) => setTimeout(resolve, Number(values['gap-ms'])));
  warmSpacedMs.push(await timed(() => warm.capture(request, signal())));
}

// 1b. The same with a fresh browser context per capture (closed after it; a spare made for the
// next): back to back, then with a pause before each capture (not timed) so the spare is ready.
const freshBrowser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 4, logger, isolation: 'fresh-context' });
const fresh = createScreenshotter({ browser: freshBrowser, policy, auth: {}, logger });
await fresh.capture(request, signal());
const freshMs: number[] = [];
for (let i = 0; i < Number(values.captures); i++) freshMs.push(await timed(() => fresh.capture(request, signal())));
const freshSpacedMs: number[] = [];
for (let i = 0; i < Math.ceil(Number(values.captures) / 2); i++) {
  await new Promise((resolve) => setTimeout(resolve, Number(values['gap-ms'])));
  freshSpacedMs.push(await timed(() => fresh.capture(request, signal())));
}
await fresh.close();

// 2. A browser launched (and closed) for every capture.
const launchMs: number[] = [];
for (let i = 0; i < Number(values.launches); i++) {
  launchMs.push(
    await timed(async () => {
      const browser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 1, logger });
      const shooter = createScreenshotter({ browser, policy, auth: {}, logger });
      try {
        await shooter.capture(request, signal());
      } finally {
        await shooter.close();
      }
    }),
  );
}

// 3. Captures per minute with 1, 2 and 4 pages at once on the warm browser.
const perMinute: Record<number, number> = {};
for (const concurrency of [1, 2, 4]) {
  const browser = createBrowser({ chromiumPath: CHROMIUM, concurrency, logger });
  const shooter = createScreenshotter({ browser, policy, auth: {}, logger });
  await shooter.capture(request, signal());
  const until = performance.now() + Number(values.seconds) * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await shooter.capture(request, signal());
        done += 1;
      }
    }),
  );
  perMinute[concurrency] = (done / (performance.now() - started)) * 60_000;
  await shooter.close();
}
await warm.close();

// 4. Charts: a 3-column result with Korean labels, rendered to PNG without a browser.
const charts = createChartRenderer();
const result: QueryResult = {
  columns: ['지역', '주문', '매출'],
  rows: ['서울', '부산', '대구', '인천', '광주', '대전', '울산', '수원', '창원', '고양'].map((r, i) => [r, 120 - i * 9, 5400 - i * 350]),
  truncated: false,
};
await charts.render('지역별 주문과 매출', 'bar', result);
const chartMs: number[] = [];
for (let i = 0; i < Number(values.charts); i++) chartMs.push(await timed(() => charts.render('지역별 주문과 매출', i % 2 ? 'bar' : 'line', result)));

clearInterval(rssTimer);
server.close();

const figures = {
  warm_p50_ms: round(pct(warmMs, 50)),
  warm_p95_ms: round(pct(warmMs, 95)),
  warm_spaced_p50_ms: round(pct(warmSpacedMs, 50)),
  warm_spaced_p95_ms: round(pct(warmSpacedMs, 95)),
  fresh_context_p50_ms: round(pct(freshMs, 50)),
  fresh_context_p95_ms: round(pct(freshMs, 95)),
  fresh_context_spaced_p50_ms: round(pct(freshSpacedMs, 50)),
  fresh_context_spaced_p95_ms: round(pct(freshSpacedMs, 95)),
  launch_p50_ms: round(pct(launchMs, 50)),
  speedup: round(pct(launchMs, 50) / pct(warmMs, 50), 1),
  speedup_spaced: round(pct(launchMs, 50) / pct(warmSpacedMs, 50), 1),
  speedup_fresh_context: round(pct(launchMs, 50) / pct(freshMs, 50), 1),
  chart_p50_ms: round(pct(chartMs, 50)),
  per_minute_c4: round(perMinute[4] ?? 0),
  peak_rss_mb: round(peakRss / 1024 / 1024),
  load_1m_start: loadStart,
  load_1m_end: round(loadavg()[0] ?? 0, 2),
};
console.log('');
console.log(`capture bench: ${request.width}×${request.height} local dashboard page, Chromium ${CHROMIUM}; load average ${loadStart} → ${round(loadavg()[0] ?? 0, 2)} (2 cores)`);
console.log('| measurement | runs | p50 ms | p95 ms |');
console.log('|---|---|---|---|');
console.log(`| screenshot, warm browser (page reused, wiped) | ${warmMs.length} | ${round(pct(warmMs, 50))} | ${round(pct(warmMs, 95))} |`);
console.log(`| screenshot, warm browser (page reused, wiped), ${values['gap-ms']} ms apart | ${warmSpacedMs.length} | ${round(pct(warmSpacedMs, 50))} | ${round(pct(warmSpacedMs, 95))} |`);
console.log(`| screenshot, warm browser, fresh context per capture, back to back | ${freshMs.length} | ${round(pct(freshMs, 50))} | ${round(pct(freshMs, 95))} |`);
console.log(`| screenshot, warm browser, fresh context per capture, ${values['gap-ms']} ms apart | ${freshSpacedMs.length} | ${round(pct(freshSpacedMs, 50))} | ${round(pct(freshSpacedMs, 95))} |`);
console.log(`| screenshot, browser launched per capture | ${launchMs.length} | ${round(pct(launchMs, 50))} | ${round(pct(launchMs, 95))} |`);
console.log(`| chart (ECharts SVG → resvg PNG, Korean) | ${chartMs.length} | ${round(pct(chartMs, 50))} | ${round(pct(chartMs, 95))} |`);
console.log('');
console.log('| pages at once | captures per minute |');
console.log('|---|---|');
for (const [c, n] of Object.entries(perMinute)) console.log(`| ${c} | ${round(n)} |`);
console.log('');
console.log(`peak memory (PSS of Node + Chromium processes): ${figures.peak_rss_mb} MB`);
console.log(JSON.stringify(figures));
process.exit(0);
