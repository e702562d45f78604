import type { KnownBlock } from '@slack/types';
import type { FeedbackReport, Theme } from '../src/domain/feedback.js';
import { delta } from './figures.js';
import { LIMITS, mrkdwn, plain, safe, truncate } from './text.js';

/** The feedback digest (product channel) and `/support-report feedback`. Pure; subjects are requester text. */

function themeLine(t: Theme, i: number): string {
  const who = `${t.requesters} requester${t.requesters === 1 ? '' : 's'}`;
  return `${i + 1}. ${safe(t.subject, 150)}: *${who}*, ${t.tickets} ticket${t.tickets === 1 ? '' : 's'} (${t.ticketKeys.slice(0, 3).join(', ')}${t.ticketKeys.length > 3 ? '…' : ''})`;
}

function rangeLabel(w: { start: Date; end: Date }, timeZone: string): string {
  const f = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone });
  return `${f(w.start)} – ${f(new Date(w.end.getTime() - 1))}`;
}

/**
 * Per tag: tickets and requesters against the period before, and its top themes; the feature requests new
 * in the period; with `log`, the whole feature-request log of the period (the on-demand report).
 */
export function feedbackDigestMessage(
  r: FeedbackReport,
  opts: { title: string; timeZone: string; log?: boolean; note?: string },
): { text: string; blocks: KnownBlock[] } {
  const before = new Map(r.previous.tags.map((t) => [t.tag, t]));
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${opts.title} · ${rangeLabel(r.current.window, opts.timeZone)}`, LIMITS.header) },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${r.current.tagged} ticket${r.current.tagged === 1 ? '' : 's'} tagged (${delta(r.current.tagged, r.previous.tagged)} against ${rangeLabel(r.previous.window, opts.timeZone)}).${opts.note ? ` ${opts.note}` : ''}`,
        ),
      ],
    },
  ];
  for (const t of r.current.tags) {
    const prev = before.get(t.tag);
    const head = `*${safe(t.tag, 60)}*: ${t.tickets} ticket${t.tickets === 1 ? '' : 's'} from ${t.requesters} requester${t.requesters === 1 ? '' : 's'} (${delta(t.tickets, prev?.tickets ?? 0)})`;
    const themes = t.themes.length ? `\n${t.themes.map(themeLine).join('\n')}` : '';
    blocks.push({ type: 'section', text: mrkdwn(`${head}${themes}`, LIMITS.section) });
  }
  const fresh = r.newRequests.length
    ? r.newRequests.slice(0, 10).map(themeLine).join('\n')
    : '_No new feature request this period._';
  blocks.push({ type: 'section', text: mrkdwn(`*New feature requests*\n${fresh}`, LIMITS.section) });
  if (opts.log) {
    const log = r.featureRequests.length
      ? r.featureRequests.slice(0, 25).map(themeLine).join('\n')
      : '_No ticket tagged feature request in the period._';
    const more = r.featureRequests.length > 25 ? `\n_… and ${r.featureRequests.length - 25} more in the CSV_` : '';
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Feature-request log* (by requesters)\n${log}${more}`, LIMITS.section),
    });
  }
  const top =
    r.current.tags
      .filter((t) => t.tickets)
      .map((t) => `${t.tag} ${t.tickets}`)
      .join(', ') || 'nothing tagged';
  return {
    text: truncate(`${opts.title} ${rangeLabel(r.current.window, opts.timeZone)}: ${top}`, LIMITS.fallback),
    blocks: blocks.slice(0, LIMITS.blocks),
  };
}
