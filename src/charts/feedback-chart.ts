import type { TopLevelSpec } from 'vega-lite';
import type { FeedbackReport } from '../domain/feedback.js';
import { PALETTE, renderChart } from './render.js';
import type { ChartFile } from './report-charts.js';

const LABEL_COLOUR = '#222222';

/** Tickets tagged per feedback tag, this period beside the one before (the digest's one picture). */
export function feedbackTagsSpec(
  r: FeedbackReport,
  labels: { now: string; before: string },
): { spec: TopLevelSpec; altText: string } {
  const tags = r.current.tags.map((t) => t.tag);
  const before = new Map(r.previous.tags.map((t) => [t.tag, t.tickets]));
  const values = r.current.tags.flatMap((t) => [
    { tag: t.tag, period: labels.before, count: before.get(t.tag) ?? 0 },
    { tag: t.tag, period: labels.now, count: t.tickets },
  ]);
  const spec: TopLevelSpec = {
    title: {
      text: 'Tickets tagged per feedback tag',
      subtitle: `${r.current.tagged} tagged (${r.previous.tagged} the period before)`,
    },
    width: 760,
    height: 260,
    data: { values },
    encoding: {
      x: { field: 'tag', type: 'nominal', sort: tags, title: 'Tag', axis: { labelAngle: tags.length > 6 ? -30 : 0 } },
      xOffset: { field: 'period', sort: [labels.before, labels.now] },
      y: { field: 'count', type: 'quantitative', title: 'Tickets', axis: { tickMinStep: 1 } },
      color: {
        field: 'period',
        type: 'nominal',
        title: null,
        scale: { domain: [labels.before, labels.now], range: [PALETTE[4], PALETTE[0]] },
      },
    },
    layer: [
      { mark: 'bar' },
      {
        mark: { type: 'text', dy: -7, fontSize: 11 },
        encoding: { text: { field: 'count', type: 'quantitative' }, color: { value: LABEL_COLOUR } },
      },
    ],
  };
  const altText = `Tickets tagged per feedback tag, ${labels.now} against ${labels.before}: ${r.current.tags.map((t) => `${t.tag} ${t.tickets} (before ${before.get(t.tag) ?? 0})`).join('; ')}.`;
  return { spec, altText: altText.length > 1000 ? `${altText.slice(0, 999)}…` : altText };
}

export async function renderFeedbackChart(
  r: FeedbackReport,
  labels: { now: string; before: string },
): Promise<ChartFile> {
  const { spec, altText } = feedbackTagsSpec(r, labels);
  return { name: 'feedback-tags.png', title: 'Feedback tags', altText, png: await renderChart(spec) };
}
