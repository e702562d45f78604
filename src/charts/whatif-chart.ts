import type { TopLevelSpec } from 'vega-lite';
import type { WhatIfReport } from '../domain/sla-whatif.js';
import { PRIORITY_LABELS } from '../domain/types.js';
import { PALETTE, renderChart } from './render.js';
import { metByPrioritySpec, type ChartFile } from './report-charts.js';

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
  const spec = metByPrioritySpec({
    title: 'SLA what-if: targets met by priority',
    subtitle: `Now against ${label}; ${r.tickets} tickets replayed`,
    group: 'policy',
    groups: ['Now', 'What-if'],
    colours: [PALETTE[0], PALETTE[1]],
    values,
  });
  const described = values.map((v) => `${v.priority} ${v.policy.toLowerCase()} ${v.label}`);
  const altText = `Targets met by priority, now and what-if: ${described.join('; ')}.`;
  return { spec, altText: altText.slice(0, 1000) };
}

export async function renderWhatIfChart(r: WhatIfReport, label: string): Promise<ChartFile | undefined> {
  const chart = whatIfSpec(r, label.replace(/\*/g, ''));
  if (!chart) return undefined;
  return { name: 'sla-whatif.png', title: 'SLA what-if', altText: chart.altText, png: await renderChart(chart.spec) };
}
