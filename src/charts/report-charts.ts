import type { TopLevelSpec } from 'vega-lite';
import type { PeriodStats } from '../domain/report-figures.js';
import { bucketLabel } from '../domain/report-period.js';
import { PRIORITY_LABELS } from '../domain/types.js';
import { PALETTE, renderChart, type Png } from './render.js';

/** The report's pictures as specs (data in, Vega-Lite out), each with a text equivalent for alt text. */
export interface ChartFile {
  name: string;
  title: string;
  /** The same numbers in words, for Slack's alt text and screen readers. */
  altText: string;
  png: Png;
}

/** Numbers on the marks in near-black: the palette's lighter colours are too faint for small text on white. */
const LABEL_COLOUR = '#222222';
const pct = (part: number, whole: number) => Math.round((part / whole) * 1000) / 10;
const hours = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms / 3_600_000) * 10) / 10);
const cut = (s: string) => (s.length > 1000 ? `${s.slice(0, 999)}…` : s);

export function createdResolvedSpec(
  s: PeriodStats,
  bucket: 'day' | 'week',
  timeZone: string,
): { spec: TopLevelSpec; altText: string } {
  const labels = s.series.map((p) => bucketLabel(p.start, bucket, timeZone));
  const values = s.series.flatMap((p, i) => [
    { bucket: labels[i], series: 'Created', count: p.created },
    { bucket: labels[i], series: 'Resolved', count: p.resolved },
  ]);
  const per = bucket === 'day' ? 'day' : 'week';
  const spec: TopLevelSpec = {
    title: {
      text: `Tickets created and resolved per ${per}`,
      subtitle: `${s.created} created, ${s.resolved} resolved`,
    },
    width: 760,
    height: 260,
    data: { values },
    encoding: {
      x: {
        field: 'bucket',
        type: 'ordinal',
        sort: labels,
        title: bucket === 'day' ? 'Day' : 'Week starting',
        axis: { labelAngle: labels.length > 10 ? -45 : 0 },
      },
      xOffset: { field: 'series', sort: ['Created', 'Resolved'] },
      y: { field: 'count', type: 'quantitative', title: 'Tickets', axis: { tickMinStep: 1 } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['Created', 'Resolved'], range: [PALETTE[0], PALETTE[1]] },
      },
    },
    layer: [
      { mark: 'bar' },
      ...(labels.length <= 31
        ? [
            {
              mark: { type: 'text' as const, dy: -7, fontSize: 11 },
              encoding: { text: { field: 'count', type: 'quantitative' as const }, color: { value: LABEL_COLOUR } },
            },
          ]
        : []),
    ],
  };
  const altText = `Tickets created and resolved per ${per}: ${s.series.map((p, i) => `${labels[i]} ${p.created} created, ${p.resolved} resolved`).join('; ')}.`;
  return { spec, altText: cut(altText) };
}

export function complianceSpec(s: PeriodStats): { spec: TopLevelSpec; altText: string } | undefined {
  const values = s.compliance.flatMap((c) =>
    (
      [
        ['First response', c.response],
        ['Resolution', c.resolution],
      ] as const
    )
      .filter(([, x]) => x.total > 0)
      .map(([target, x]) => ({
        priority: PRIORITY_LABELS[c.priority],
        target,
        percent: pct(x.met, x.total),
        label: `${x.met}/${x.total} (${pct(x.met, x.total)} %)`,
      })),
  );
  if (!values.length) return undefined;
  const spec = metByPrioritySpec({
    title: 'Target compliance by priority',
    subtitle: 'Share of targets met among those that concluded or were breached in the period',
    group: 'target',
    groups: ['First response', 'Resolution'],
    colours: [PALETTE[2], PALETTE[3]],
    values,
  });
  const altText = `Target compliance by priority: ${values.map((v) => `${v.priority} ${v.target.toLowerCase()} ${v.label}`).join('; ')}.`;
  return { spec, altText: cut(altText) };
}

/**
 * Bars of targets met (%) per priority, two bars a priority told apart by `group` (first response and
 * resolution; the policy now and a what-if), each labelled with its `label`.
 */
export function metByPrioritySpec(opts: {
  title: string;
  subtitle: string;
  group: string;
  groups: [string, string];
  colours: [string, string];
  values: Array<{ priority: string; percent: number; label: string } & Record<string, unknown>>;
}): TopLevelSpec {
  return {
    title: { text: opts.title, subtitle: opts.subtitle },
    width: 760,
    height: 260,
    data: { values: opts.values },
    encoding: {
      x: {
        field: 'priority',
        type: 'nominal',
        sort: Object.values(PRIORITY_LABELS),
        title: 'Priority',
        axis: { labelAngle: 0 },
      },
      xOffset: { field: opts.group, sort: opts.groups },
      y: { field: 'percent', type: 'quantitative', title: 'Targets met (%)', scale: { domain: [0, 100] } },
      color: {
        field: opts.group,
        type: 'nominal',
        title: null,
        scale: { domain: opts.groups, range: opts.colours },
      },
    },
    layer: [
      { mark: 'bar' },
      {
        mark: { type: 'text', dy: -7, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' }, color: { value: LABEL_COLOUR } },
      },
    ],
  };
}

/** `weeks N`: volume, median first response and satisfaction per week, one panel each. */
export function trendSpec(s: PeriodStats, timeZone: string): { spec: TopLevelSpec; altText: string } {
  const rows = s.series.map((p) => ({
    week: bucketLabel(p.start, 'week', timeZone),
    created: p.created,
    resolved: p.resolved,
    medianHours: hours(p.firstResponse.medianMs),
    satisfaction: p.satisfaction.rate === undefined ? null : pct(p.satisfaction.positive, p.satisfaction.responses),
  }));
  const weeks = rows.map((r) => r.week);
  const x = { field: 'week', type: 'ordinal' as const, sort: weeks, title: 'Week starting', axis: { labelAngle: 0 } };
  const line = (
    field: string,
    title: string,
    axisTitle: string,
    color: string,
    extra: Record<string, unknown> = {},
  ) => ({
    width: 760,
    height: 150,
    title: { text: title, fontSize: 14 },
    transform: [{ filter: `datum.${field} !== null` }],
    encoding: { x, y: { field, type: 'quantitative' as const, title: axisTitle, ...extra } },
    layer: [
      { mark: { type: 'line' as const, color, point: { color, size: 50 } } },
      {
        mark: { type: 'text' as const, dy: -10, fontSize: 11 },
        encoding: { text: { field, type: 'quantitative' as const } },
      },
    ],
  });
  const spec = {
    title: { text: `Trend over ${rows.length} weeks` },
    data: {
      values: rows.flatMap((r) => [
        { ...r, series: 'Created', count: r.created },
        { ...r, series: 'Resolved', count: r.resolved },
      ]),
    },
    vconcat: [
      {
        width: 760,
        height: 150,
        title: { text: 'Tickets per week', fontSize: 14 },
        encoding: {
          x,
          y: { field: 'count', type: 'quantitative', title: 'Tickets' },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['Created', 'Resolved'], range: [PALETTE[0], PALETTE[1]] },
          },
        },
        layer: [
          { mark: { type: 'line', point: true } },
          {
            mark: { type: 'text', dy: -10, fontSize: 11 },
            encoding: { text: { field: 'count', type: 'quantitative' }, color: { value: LABEL_COLOUR } },
          },
        ],
      },
      {
        ...line('medianHours', 'Median first response (hours, wall-clock)', 'Hours', PALETTE[5]),
        transform: [{ filter: "datum.series === 'Created' && datum.medianHours !== null" }],
      },
      {
        ...line('satisfaction', 'Satisfaction (% positive; target above 90 %)', '% positive', PALETTE[2], {
          scale: { domain: [0, 100] },
        }),
        transform: [{ filter: "datum.series === 'Created' && datum.satisfaction !== null" }],
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
  const altText = `Trend per week: ${rows.map((r) => `${r.week} ${r.created} created, ${r.resolved} resolved, median first response ${r.medianHours ?? '–'} h, satisfaction ${r.satisfaction ?? '–'} %`).join('; ')}.`;
  return { spec, altText: cut(altText) };
}

/** The pictures a report carries: per-day (or per-week) volume, compliance, and the trend for `weeks N`. */
export async function renderReportCharts(
  s: PeriodStats,
  opts: { bucket: 'day' | 'week'; trend: boolean; timeZone: string },
): Promise<ChartFile[]> {
  const wanted: Array<{ name: string; title: string; chart: { spec: TopLevelSpec; altText: string } | undefined }> = [
    {
      name: 'created-resolved.png',
      title: 'Created vs resolved',
      chart: createdResolvedSpec(s, opts.bucket, opts.timeZone),
    },
    { name: 'compliance.png', title: 'Target compliance by priority', chart: complianceSpec(s) },
    ...(opts.trend ? [{ name: 'trend.png', title: 'Weekly trend', chart: trendSpec(s, opts.timeZone) }] : []),
  ];
  const out: ChartFile[] = [];
  for (const w of wanted)
    if (w.chart)
      out.push({ name: w.name, title: w.title, altText: w.chart.altText, png: await renderChart(w.chart.spec) });
  return out;
}
