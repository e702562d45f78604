import type { DomainDeps } from './deps.js';
import { clockNamed } from './sla-policy.js';
import type { Window } from './report-period.js';
import { inWindow } from './report-queries.js';
import { zonedParts } from './local-time.js';

/** Enough for any team's spreadsheet; a larger export says it was cut rather than fill Slack with gigabytes. */
export const CSV_MAX_ROWS = 50_000;

export const CSV_COLUMNS = [
  'key',
  'created',
  'priority',
  'category',
  'channel',
  'status',
  'assignee',
  'first_response_at',
  'resolved_at',
  'business_minutes_to_first_response',
  'business_minutes_to_resolution',
  'first_response_target',
  'resolution_target',
  'reopened',
  'satisfaction',
] as const;

interface CsvRow {
  key: string;
  createdAt: Date;
  priority?: string | null;
  suggestedPriority?: string | null;
  category?: string | null;
  source: string;
  status: string;
  assignee?: string | null;
  firstResponseAt?: Date | null;
  resolvedAt?: Date | null;
  reopenCount?: number | null;
  csatScore?: number | null;
  requester?: { email?: string | null } | null;
  sla?: {
    team?: string | null;
    responseMet?: boolean | null;
    resolutionMet?: boolean | null;
    responseBreachedAt?: Date | null;
    resolutionBreachedAt?: Date | null;
  } | null;
}

/** RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula (CSV injection). */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** "2026-10-01 14:05" in the team's time zone: what a spreadsheet reads as a date and a person as local time. */
export function localStamp(d: Date | null | undefined, timeZone: string): string {
  if (!d) return '';
  const p = zonedParts(d, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

function target(met: boolean | null | undefined, breachedAt: Date | null | undefined): string {
  if (met === true) return 'met';
  if (met === false || breachedAt) return 'breached';
  return 'open';
}

export interface CsvExport {
  bytes: Buffer;
  rows: number;
  truncated: boolean;
}

/** The period's tickets (created in it), one line each, streamed with only the columns' fields. */
export async function buildTicketCsv(
  deps: Pick<DomainDeps, 'models' | 'policy'>,
  w: Window,
  opts: { includeRequester: boolean },
): Promise<CsvExport> {
  const tz = deps.policy.timeZone;
  // Business time on the ticket's own team schedule (routing), which is the one its targets ran on.
  const minutes = (team: string | null | undefined, a: Date, b: Date | null | undefined) =>
    b ? Math.round(clockNamed(deps.policy, team).between(a, b) / 60_000) : '';
  const header = [...CSV_COLUMNS, ...(opts.includeRequester ? ['requester'] : [])];
  const lines = [header.join(',')];
  const fields = {
    _id: 0,
    key: 1,
    createdAt: 1,
    priority: 1,
    suggestedPriority: 1,
    category: 1,
    source: 1,
    status: 1,
    assignee: 1,
    firstResponseAt: 1,
    resolvedAt: 1,
    reopenCount: 1,
    csatScore: 1,
    'sla.team': 1,
    'sla.responseMet': 1,
    'sla.resolutionMet': 1,
    'sla.responseBreachedAt': 1,
    'sla.resolutionBreachedAt': 1,
    ...(opts.includeRequester ? { 'requester.email': 1 } : {}),
  };
  const cursor = deps.models.Ticket.find({ createdAt: inWindow(w) }, fields)
    .sort({ createdAt: 1 })
    .limit(CSV_MAX_ROWS + 1)
    .lean<CsvRow>()
    .batchSize(5000)
    .cursor();
  let rows = 0;
  let truncated = false;
  for await (const t of cursor) {
    if (rows === CSV_MAX_ROWS) {
      truncated = true;
      break;
    }
    rows++;
    const cells = [
      t.key,
      localStamp(t.createdAt, tz),
      t.priority ?? t.suggestedPriority ?? '',
      t.category ?? '',
      t.source,
      t.status,
      t.assignee ?? '',
      localStamp(t.firstResponseAt, tz),
      localStamp(t.resolvedAt, tz),
      minutes(t.sla?.team, t.createdAt, t.firstResponseAt),
      minutes(t.sla?.team, t.createdAt, t.resolvedAt),
      target(t.sla?.responseMet, t.sla?.responseBreachedAt),
      target(t.sla?.resolutionMet, t.sla?.resolutionBreachedAt),
      t.reopenCount ?? 0,
      t.csatScore ?? '',
      ...(opts.includeRequester ? [t.requester?.email ?? ''] : []),
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  await cursor.close();
  return { bytes: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'), rows, truncated };
}
