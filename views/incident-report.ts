import type { KnownBlock, View } from '@slack/types';
import { formatActionItems, localStamp, type ReportFields } from '../src/domain/incidents/report.js';
import { CallbackIds, InputIds } from './ids.js';
import type { IncidentView } from './incident.js';
import { LIMITS, mrkdwn, plain, safe, truncate } from './text.js';
import { formModal } from './modal.js';
import { formatDuration } from './figures.js';

/** Slack's plain_text_input holds at most 3000 characters. */
export const REPORT_FIELD_MAX = 3000;

function clip(text: string, max = REPORT_FIELD_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function textInput(
  id: { block: string; action: string },
  label: string,
  value: string,
  opts: { multiline?: boolean; optional?: boolean; hint?: string; max?: number } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: id.block,
    ...(opts.optional ? { optional: true } : {}),
    label: plain(label, 100),
    ...(opts.hint ? { hint: plain(opts.hint, 150) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: id.action,
      multiline: opts.multiline ?? true,
      max_length: opts.max ?? REPORT_FIELD_MAX,
      ...(value ? { initial_value: clip(value, opts.max) } : {}),
    },
  } as KnownBlock;
}

function datetimeInput(id: { block: string; action: string }, label: string, at: Date | undefined): KnownBlock {
  return {
    type: 'input',
    block_id: id.block,
    label: plain(label, 100),
    element: {
      type: 'datetimepicker',
      action_id: id.action,
      ...(at ? { initial_date_time: Math.floor(at.getTime() / 1000) } : {}),
    },
  } as KnownBlock;
}

/** "Write report", prefilled from what Deskbell knows (or the last revision). Pure. */
export function reportModal(input: {
  incident: Pick<IncidentView, 'key'>;
  draft: ReportFields;
  privateMetadata: string;
}): View {
  const d = input.draft;
  const duration = d.endedAt ? formatDuration(d.endedAt.getTime() - d.startedAt.getTime()) : 'ongoing';
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Prefilled from ${input.incident.key}'s updates and timeline · duration so far ${duration} · PRODUCT.md: title, duration, impact, root cause, resolution, prevention`,
        ),
      ],
    },
    textInput(InputIds.reportTitle, 'Title', d.title, { multiline: false, max: 250 }),
    datetimeInput(InputIds.reportStart, 'Start', d.startedAt),
    datetimeInput(InputIds.reportEnd, 'End', d.endedAt),
    textInput(InputIds.reportImpact, 'Impact', d.impact, {
      hint: 'Who was affected, how many, how badly, for how long.',
    }),
    textInput(InputIds.reportRootCause, 'Root cause', d.rootCause),
    textInput(InputIds.reportResolution, 'Resolution', d.resolution),
    textInput(InputIds.reportPrevention, 'Prevention: action items', formatActionItems(d.prevention), {
      hint: 'One a line, the owner after a dash: "Alert on checkout 5xx — Alice".',
    }),
    textInput(InputIds.reportTimeline, 'Timeline', d.timeline, {
      optional: true,
      hint: 'Built from the incident; edit freely.',
    }),
  ];
  return {
    ...formModal({
      callbackId: CallbackIds.incidentReportModal,
      privateMetadata: input.privateMetadata,
      title: `Report ${input.incident.key}`,
      submit: 'Submit report',
    }),
    blocks,
  };
}

export interface ReportView {
  key: string;
  ticketKey: string;
  revision: number;
  commander?: string | null;
  report: ReportFields;
}

function durationOf(r: ReportFields): string {
  return r.endedAt ? formatDuration(r.endedAt.getTime() - r.startedAt.getTime()) : 'ongoing';
}

/** The report as a Slack message (war room and #support): everything escaped, long parts cut with "…". */
export function reportMessage(v: ReportView, opts: { timeZone: string }): { text: string; blocks: KnownBlock[] } {
  const r = v.report;
  const section = (title: string, body: string, max = 2800) =>
    ({ type: 'section', text: mrkdwn(`*${title}*\n${body ? safe(body, max) : '_not given_'}`) }) as KnownBlock;
  const prevention = r.prevention.length
    ? r.prevention
        .map((p) => `• ${safe(p.action, 300)}${p.owner ? ` — _${safe(p.owner, 80)}_` : ' — _no owner yet_'}`)
        .join('\n')
    : '_none given_';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Incident report · ${v.key} · ${r.title}`, LIMITS.header) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Start*\n${localStamp(r.startedAt, opts.timeZone)} (${opts.timeZone})`),
        mrkdwn(`*End*\n${r.endedAt ? `${localStamp(r.endedAt, opts.timeZone)} (${opts.timeZone})` : 'ongoing'}`),
        mrkdwn(`*Duration*\n${durationOf(r)}`),
        mrkdwn(`*Ticket · revision*\n${v.ticketKey} · ${v.revision}`),
      ],
    },
    section('Impact', r.impact),
    section('Root cause', r.rootCause),
    section('Resolution', r.resolution),
    { type: 'section', text: mrkdwn(`*Prevention*\n${truncate(prevention, 2900)}`) },
    section('Timeline', r.timeline, 2900),
    { type: 'context', elements: [mrkdwn('The full report is attached as a Markdown file in the war room.')] },
  ];
  return {
    text: truncate(`Incident report ${v.key}: ${safe(r.title, 200)} (duration ${durationOf(r)})`, LIMITS.fallback),
    blocks,
  };
}

/** The report as a Markdown file: complete, nothing cut. */
export function reportMarkdown(v: ReportView, opts: { timeZone: string; commanderName?: string }): string {
  const r = v.report;
  const para = (text: string) => (text.trim() ? text.trim() : '_Not given._');
  return [
    `# Incident report: ${v.key} · ${r.title}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Incident | ${v.key} (ticket ${v.ticketKey}) |`,
    `| Start | ${localStamp(r.startedAt, opts.timeZone)} (${opts.timeZone}) |`,
    `| End | ${r.endedAt ? `${localStamp(r.endedAt, opts.timeZone)} (${opts.timeZone})` : 'ongoing'} |`,
    `| Duration | ${durationOf(r)} |`,
    ...(opts.commanderName ? [`| Commander | ${opts.commanderName} |`] : []),
    `| Revision | ${v.revision} |`,
    '',
    '## Impact',
    '',
    para(r.impact),
    '',
    '## Root cause',
    '',
    para(r.rootCause),
    '',
    '## Resolution',
    '',
    para(r.resolution),
    '',
    '## Prevention',
    '',
    ...(r.prevention.length
      ? r.prevention.map((p) => `- [ ] ${p.action}${p.owner ? ` (owner: ${p.owner})` : ' (owner: to be named)'}`)
      : ['_None given._']),
    '',
    '## Timeline',
    '',
    ...(r.timeline.trim()
      ? r.timeline
          .trim()
          .split('\n')
          .map((l) => `- ${l.trim()}`)
      : ['_Not given._']),
    '',
  ].join('\n');
}

/** The initial comment of the uploaded file; the upload's check looks for exactly this text. */
export function reportFileComment(key: string, revision: number): string {
  return `${key} incident report (revision ${revision}) as Markdown.`;
}
