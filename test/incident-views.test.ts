import { describe, expect, it } from 'vitest';
import type { IncidentRow } from '../src/domain/incidents/overview.js';
import type { UpdateData } from '../src/domain/incidents/updates.js';
import { incidentBrief, type IncidentView, type LinkedTicketView } from '../views/incident.js';
import {
  homeIncidentBlocks,
  incidentDetailText,
  incidentsListText,
  linkIncidentModal,
} from '../views/incident-list.js';
import { reportMarkdown, reportMessage, reportModal } from '../views/incident-report.js';
import {
  allClearMessage,
  incidentResolveModal,
  incidentUpdateMessage,
  incidentUpdateModal,
  reminderMessage,
} from '../views/incident-update.js';
import { statusPageHtml } from '../views/status-page.js';
import { blockKitProblems, modalProblems } from './support/block-kit.js';

/** Free text that tries every trick: a channel ping, a user mention, a link, entities, a bare @here. */
const HOSTILE = 'Ada <!channel> & <@U123ABC> <https://evil.example|click> @here';
const RAW = ['<!channel>', '<@U123ABC>', '<https://evil.example|click>'];
const LONG = `${HOSTILE} `.repeat(400);
const now = new Date('2026-03-04T10:00:00Z');

function expectEscaped(text: string): void {
  for (const raw of RAW) expect(text).not.toContain(raw);
  expect(text).toContain('&lt;!channel&gt;');
}

/** Every mrkdwn text in some blocks: Slack parses those for mentions and links (plain_text it shows as is). */
function mrkdwnOf(blocks: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out.join('\n');
}

const incident: IncidentView = {
  id: '65f000000000000000000009',
  key: 'INC-123456',
  ticketKey: 'SUP-999999',
  title: LONG,
  status: 'active',
  currentStatus: 'identified',
  declaredAt: now,
  roles: {
    declarer: 'UALICE',
    commander: 'UALICE',
    oncall: ['UBOB'],
    oncallUsergroup: 'SONCALL1',
    secondary: 'UCAROL',
  },
  channel: { id: 'C0001', name: 'inc-1' },
  page: { round: 3, acknowledgedAt: now, acknowledgedBy: 'UBOB' },
  cadence: { dueAt: new Date(now.getTime() + 30 * 60_000), intervalMs: 30 * 60_000 },
} as IncidentView;
const linked: LinkedTicketView[] = Array.from({ length: 400 }, (_, i) => ({
  key: `SUP-${i}`,
  subject: LONG,
  status: 'new',
  requester: { email: `r${i}@example.com`, name: HOSTILE },
}));
const update: UpdateData = {
  status: 'identified',
  known: LONG,
  impact: LONG,
  nextAt: new Date(now.getTime() + 1800_000),
  email: true,
  public: true,
};

describe('incident views stay within Block Kit limits and escape free text', () => {
  it('the brief, with 400 linked tickets and the longest texts, in every stage', () => {
    for (const status of ['active', 'monitoring', 'resolved'] as const) {
      const stage = { ...incident, status, resolvedAt: status === 'active' ? undefined : now } as IncidentView;
      const latest = { at: now, status: 'identified', known: LONG, impact: LONG, nextAt: now };
      const brief = incidentBrief(stage, { linked, latest, cadenceMinutes: 30 });
      expect(blockKitProblems(brief.blocks, 'message')).toEqual([]);
      expectEscaped(mrkdwnOf(brief.blocks));
      // Anyone in the war room reads the brief: ticket numbers, never a requester's address.
      expect(JSON.stringify(brief)).not.toMatch(/@example\.com/);
    }
  });

  it('the update, the all-clear and every reminder', () => {
    const msg = incidentUpdateMessage(incident, update, { by: 'UALICE' });
    expect(blockKitProblems(msg.blocks, 'message')).toEqual([]);
    expectEscaped(mrkdwnOf(msg.blocks));
    const clear = allClearMessage(
      incident,
      { ...update, status: 'resolved', resolution: { fix: LONG, monitor: false, resolveTickets: false } },
      { resolvedAt: now, reportDueAt: now },
    );
    expect(blockKitProblems(clear.blocks, 'message')).toEqual([]);
    expect(clear.text).not.toContain('<!channel>');
    for (const kind of [
      'update_reminder',
      'update_overdue',
      'monitor_end',
      'report_half',
      'report_late',
      'report_overdue',
    ]) {
      expect(
        blockKitProblems(
          reminderMessage(incident, kind, { at: now, round: 2, leads: 'SLEADS01', cadenceMinutes: 30 }).blocks,
          'message',
        ),
        kind,
      ).toEqual([]);
    }
  });

  it('the forms: update, resolve, report (3000-character inputs), link (100 incidents at most)', () => {
    const meta = JSON.stringify({ incidentId: incident.id, channel: 'C0001' });
    expect(
      modalProblems(
        incidentUpdateModal({
          incident,
          lastImpact: LONG,
          defaultMinutes: 0.1,
          affected: 12_345,
          statusPage: true,
          privateMetadata: meta,
        }) as never,
      ),
    ).toEqual([]);
    expect(
      modalProblems(
        incidentResolveModal({
          incident,
          monitorMinutes: 120,
          affected: 3,
          statusPage: true,
          privateMetadata: meta,
        }) as never,
      ),
    ).toEqual([]);
    const draft = {
      title: LONG.slice(0, 250),
      startedAt: now,
      endedAt: now,
      impact: LONG,
      rootCause: LONG,
      resolution: LONG,
      prevention: Array.from({ length: 300 }, (_, i) => ({ action: `Item ${i} ${HOSTILE}`, owner: 'Alice' })),
      timeline: LONG,
    };
    const form = reportModal({ incident, draft, privateMetadata: meta });
    expect(modalProblems(form as never)).toEqual([]);
    // Every text field of the draft is prefilled, each cut to what its input takes.
    type Input = { block_id?: string; element?: { initial_value?: string; max_length?: number } };
    const prefilled = (form.blocks as Input[]).filter((b) => b.element?.initial_value !== undefined);
    const fields = ['title', 'impact', 'root_cause', 'resolution', 'prevention', 'timeline'];
    expect(prefilled.map((b) => b.block_id)).toEqual(fields.map((f) => `report_${f}`));
    for (const b of prefilled) expect(b.element!.initial_value!.length, b.block_id).toBe(b.element!.max_length);
    const incidents = Array.from({ length: 150 }, (_, i) => ({
      id: `65f00000000000000000${String(i).padStart(4, '0')}`,
      key: `INC-${i}`,
      title: LONG,
    }));
    expect(
      modalProblems(
        linkIncidentModal({ ticket: { key: 'SUP-1', subject: LONG }, incidents, privateMetadata: '{}' }) as never,
      ),
    ).toEqual([]);
  });

  it('the report message (escaped, cut) and its Markdown file (whole)', () => {
    const view = {
      key: 'INC-7',
      ticketKey: 'SUP-1',
      revision: 2,
      report: {
        title: HOSTILE,
        startedAt: now,
        endedAt: new Date(now.getTime() + 5_400_000),
        impact: LONG,
        rootCause: LONG,
        resolution: LONG,
        prevention: [{ action: HOSTILE, owner: 'Bob' }],
        timeline: LONG,
      },
    };
    const msg = reportMessage(view, { timeZone: 'Europe/Berlin' });
    expect(blockKitProblems(msg.blocks, 'message')).toEqual([]);
    expectEscaped(mrkdwnOf(msg.blocks));
    const md = reportMarkdown(view, { timeZone: 'Europe/Berlin', commanderName: 'Alice' });
    expect(md).toContain('| Start | 2026-03-04 11:00 (Europe/Berlin) |');
    expect(md).toContain('| Duration | 1 h 30 min |');
    expect(md).toContain(`- [ ] ${HOSTILE} (owner: Bob)`);
    expect(md.length).toBeGreaterThan(LONG.length * 3);
  });

  it('lists, /support incident and App Home', () => {
    const row: IncidentRow = {
      id: incident.id,
      key: 'INC-1',
      ticketKey: 'SUP-1',
      title: HOSTILE,
      status: 'active',
      currentStatus: 'identified',
      commander: 'UALICE',
      declaredAt: now,
      linked: 3,
      nextUpdateAt: new Date(now.getTime() - 60_000),
      reportDueAt: now,
    };
    const page = { rows: Array.from({ length: 15 }, () => row), total: 40 };
    const list = incidentsListText(page, { rows: [{ ...row, status: 'resolved', resolvedAt: now }], total: 1 }, now);
    expectEscaped(list);
    expect(list).toContain(':rotating_light: update was due');
    expect(list).toContain('_and 25 more_');
    expectEscaped(incidentDetailText(row, linked[0], linked, now));
    const home = homeIncidentBlocks({ rows: page.rows.slice(0, 5), total: 40 }, now);
    expect(blockKitProblems(home, 'home')).toEqual([]);
  });

  it('the status page escapes HTML', () => {
    const html = statusPageHtml(
      [
        {
          key: 'INC-1',
          status: 'investigating',
          startedAt: now,
          updates: [
            { at: now, status: 'investigating', message: '<script>alert(1)</script>', impact: '"quoted" & <b>' },
          ],
        },
      ],
      now,
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;');
  });
});
