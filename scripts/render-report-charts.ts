/**
 * Renders the report's charts from a fixed, made-up fortnight of figures into docs/, for the README:
 *   npx tsx scripts/render-report-charts.ts
 * The same code path as the app (spec → Vega → SVG → resvg → PNG), without a database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderReportCharts } from '../src/charts/report-charts.js';
import type { PeriodStats, SeriesPoint } from '../src/domain/report-figures.js';

const H = 3_600_000;
const start = new Date('2026-10-05T00:00:00Z');
const created = [14, 11, 9, 12, 8, 3, 2, 13, 10, 12, 7, 9, 2, 1];
const resolved = [9, 12, 10, 11, 10, 2, 1, 10, 12, 9, 10, 8, 3, 1];
const series: SeriesPoint[] = created.map((n, i) => ({
  start: new Date(start.getTime() + i * 24 * H),
  created: n,
  resolved: resolved[i]!,
  firstResponse: { count: n, medianMs: (1 + (i % 5) * 0.4) * H },
  satisfaction: { responses: 5, positive: 4 + (i % 2), rate: (4 + (i % 2)) / 5 },
}));
const stats = {
  created: created.reduce((a, b) => a + b, 0),
  resolved: resolved.reduce((a, b) => a + b, 0),
  series,
  compliance: [
    { priority: 'P0', response: { met: 2, total: 2 }, resolution: { met: 1, total: 2 } },
    { priority: 'P1', response: { met: 14, total: 16 }, resolution: { met: 12, total: 15 } },
    { priority: 'P2', response: { met: 41, total: 45 }, resolution: { met: 38, total: 40 } },
    { priority: 'P3', response: { met: 30, total: 30 }, resolution: { met: 27, total: 29 } },
  ],
} as unknown as PeriodStats;

mkdirSync('docs', { recursive: true });
for (const chart of await renderReportCharts(stats, { bucket: 'day', trend: false, timeZone: 'UTC' })) {
  writeFileSync(`docs/report-${chart.name}`, chart.png.bytes);
  console.log(
    `docs/report-${chart.name}: ${chart.png.width}×${chart.png.height}; alt: ${chart.altText.slice(0, 100)}…`,
  );
}
const weekly = {
  ...stats,
  series: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({
    ...series[i]!,
    start: new Date(start.getTime() + i * 7 * 24 * H),
    created: 60 + ((i * 7) % 13),
    resolved: 58 + ((i * 5) % 11),
  })),
} as PeriodStats;
const [, , trend] = await renderReportCharts(weekly, { bucket: 'week', trend: true, timeZone: 'UTC' });
writeFileSync('docs/report-trend.png', trend!.png.bytes);
console.log(`docs/report-trend.png: ${trend!.png.width}×${trend!.png.height}`);
