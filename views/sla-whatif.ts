import type { KnownBlock } from '@slack/types';
import type { Outcomes, WhatIfReport } from '../src/domain/sla-whatif.js';
import { PRIORITY_LABELS } from '../src/domain/types.js';
import { LIMITS, mrkdwn, plain, truncate } from './text.js';

const rate = (o: Outcomes) => (o.total ? `${Math.round((o.met / o.total) * 1000) / 10} %` : '–');
const change = (a: number, b: number) => (b > a ? `▲ ${b - a}` : b < a ? `▼ ${a - b}` : '= 0');

function points(now: Outcomes, whatIf: Outcomes): string {
  if (!now.total || !whatIf.total) return 'no comparison';
  const d = Math.round((whatIf.met / whatIf.total - now.met / now.total) * 1000) / 10;
  return d > 0 ? `▲ ${d} pt` : d < 0 ? `▼ ${-d} pt` : '= 0 pt';
}

/** The what-if's message: per priority, compliance, breaches and warnings now and under the other policy. */
export function whatIfMessage(
  r: WhatIfReport,
  opts: { label: string; period: string; note?: string },
): { text: string; blocks: KnownBlock[] } {
  const rows = r.rows.filter((x) => x.now.total || x.whatIf.total || x.now.warnings || x.whatIf.warnings);
  const lines = rows.map(
    (x) =>
      `*${PRIORITY_LABELS[x.priority]}*: ` +
      `targets met ${rate(x.now)} → *${rate(x.whatIf)}* (${points(x.now, x.whatIf)}) · ` +
      `breaches ${x.now.breaches} → *${x.whatIf.breaches}* (${change(x.now.breaches, x.whatIf.breaches)}) · ` +
      `warnings ${x.now.warnings} → *${x.whatIf.warnings}* (${change(x.now.warnings, x.whatIf.warnings)})`,
  );
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`SLA what-if · ${opts.period}`, LIMITS.header) },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `The ${r.tickets} tickets created in the period, replayed from their timelines ` +
            `under the policy now and under ${opts.label}. Nothing was changed.`,
        ),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(
        lines.length ? lines.join('\n') : '_No ticket of the period has a target that concluded or was breached._',
      ),
    },
  ];
  if (opts.note) blocks.push({ type: 'context', elements: [mrkdwn(opts.note)] });
  const summary = rows.map((x) => `${x.priority} ${rate(x.now)} → ${rate(x.whatIf)}`);
  const text = truncate(`SLA what-if, ${opts.period}: ${summary.join(', ') || 'nothing to compare'}`, LIMITS.fallback);
  return { text, blocks };
}
