import type { TopLevelSpec } from 'vega-lite';
import type { WhatIfReport } from '../domain/sla-whatif.js';
import { PRIORITY_LABELS } from '../domain/types.js';
import { PALETTE, renderChart } from './render.js';
import type { ChartFile } from './report-charts.js';

const pct = (met: number, total: number) => Math.round((met / total) * 1000) / 10;

/** `/support-report sla-whatif`'s one chart: targets met per priority, under the policy now and the other one. */
export function whatIfSpec(r: WhatIfReport, label: string): { spec: TopLevelSpec; altText: string } | undefined {
  const values = r.rows.flatMap((row) =>
    (
      [
        ['Now', row.now],
        ['What-if', row.whatIf],
      ] as const
    )
      .filter(([, o]) => o.total > 0)
      .map(([policy, o]) => ({
        priority: PRIORITY_LABELS[row.priority],
        policy,
        percent: pct(o.met, o.total),
        label: `${pct(o.met, o.total)} % · ${o.breaches} breached`,
      })),
  );
  if (!values.length) return undefined;
  const spec: TopLevelSpec = {
    title: {
      text: 'SLA what-if: targets met by priority',
      subtitle: `Now against ${label}; ${r.tickets} tickets replayed`,
    },
    width: 760,
    height: 260,
    data: { values },
    encoding: {
      x: {
        field: 'priority',
        type: 'nominal',
        sort: Object.values(PRIORITY_LABELS),
        title: 'Priority',
        axis: { labelAngle: 0 },
      },
      xOffset: { field: 'policy', sort: ['Now', 'What-if'] },
      y: { field: 'percent', type: 'quantitative', title: 'Targets met (%)', scale: { domain: [0, 100] } },
      color: {
        field: 'policy',
        type: 'nominal',
        title: null,
        scale: { domain: ['Now', 'What-if'], range: [PALETTE[0], PALETTE[1]] },
      },
    },
    layer: [
      { mark: 'bar' },
      {
        mark: { type: 'text', dy: -7, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' }, color: { value: '#222222' } },
      },
    ],
  };
  const described = values.map((v) => `${v.priority} ${v.policy.toLowerCase()} ${v.label}`);
  const altText = `Targets met by priority, now and what-if: ${described.join('; ')}.`;
  return { spec, altText: altText.slice(0, 1000) };
}

export async function renderWhatIfChart(r: WhatIfReport, label: string): Promise<ChartFile | undefined> {
  const chart = whatIfSpec(r, label.replace(/\*/g, ''));
  if (!chart) return undefined;
  return { name: 'sla-whatif.png', title: 'SLA what-if', altText: chart.altText, png: await renderChart(chart.spec) };
}
