// `npx tsx scripts/render-sample-chart.ts`: draws the chart the README shows, from a result
// with Korean labels, so anyone can see that Hangul renders (not as boxes) on this machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChartRenderer } from '../src/capture/chart.js';
import type { QueryResult } from '../src/domain/types.js';

const result: QueryResult = {
  columns: ['지역', '주문', '매출'],
  rows: [
    ['서울', 1240, 3120],
    ['부산', 860, 2050],
    ['대구', 610, 1480],
    ['인천', 720, 1730],
    ['광주', 430, 990],
    ['대전', 520, 1210],
    ['울산', 380, 940],
  ],
  truncated: false,
};

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'chart-korean.png');
const started = performance.now();
const png = await createChartRenderer().render('지역별 주문과 매출 (Orders and revenue by region)', 'bar', result);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes in ${Math.round(performance.now() - started)} ms`);
