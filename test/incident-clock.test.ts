import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { clockStep, reminderLeadMs, reportStages } from '../src/domain/incidents/clock.js';
import { parseActionItems } from '../src/domain/incidents/report.js';
import { publicText } from '../src/domain/incidents/status-page.js';
import { incidentSettings } from '../src/domain/incidents/settings.js';
import { testConfig } from './support/harness.js';

const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe('incident clock (pure)', () => {
  const s = { updateMs: 30 * MIN };
  const due = at('2026-03-04T10:30:00Z');
  const active = { status: 'active' as const, resolvedAt: undefined, cadence: { dueAt: due, intervalMs: 30 * MIN } };

  it('reminds 5 minutes before an update is due, then pings once per cadence period (the latest round only)', () => {
    expect(clockStep(active, at('2026-03-04T10:20:00Z'), s)).toEqual({ due: [], nextAt: at('2026-03-04T10:25:00Z') });
    expect(clockStep(active, at('2026-03-04T10:26:00Z'), s)).toEqual({
      due: [{ kind: 'update_reminder', at: due, round: 0 }],
      nextAt: due,
    });
    expect(clockStep(active, at('2026-03-04T10:31:00Z'), s)).toEqual({
      due: [{ kind: 'update_overdue', at: due, round: 0 }],
      nextAt: at('2026-03-04T11:00:00Z'),
    });
    // A sweep that comes late sends the latest round, not the missed ones.
    expect(clockStep(active, at('2026-03-04T11:45:00Z'), s).due).toEqual([
      { kind: 'update_overdue', at: due, round: 2 },
    ]);
    expect(clockStep({ ...active, status: 'resolved' }, at('2026-03-04T11:45:00Z'), s)).toEqual({ due: [] });
  });

  it('scales the reminder and the report stages down for short intervals (fractions in tests and trials)', () => {
    expect(reminderLeadMs(30 * MIN)).toBe(5 * MIN);
    expect(reminderLeadMs(6000)).toBe(3000);
    const resolved = at('2026-03-04T10:00:00Z');
    expect(
      reportStages(resolved, new Date(resolved.getTime() + 48 * 3_600_000)).map((x) => x.at.toISOString()),
    ).toEqual(['2026-03-05T10:00:00.000Z', '2026-03-06T08:00:00.000Z', '2026-03-06T10:00:00.000Z']);
    expect(reportStages(resolved, new Date(resolved.getTime() + 4 * 3_600_000)).map((x) => x.at.toISOString())).toEqual(
      ['2026-03-04T12:00:00.000Z', '2026-03-04T13:00:00.000Z', '2026-03-04T14:00:00.000Z'],
    );
  });

  it('asks once monitoring ends, sends only the latest report stage passed, and archives when due', () => {
    const resolvedAt = at('2026-03-04T10:00:00Z');
    const i = {
      status: 'monitoring' as const,
      resolvedAt,
      monitor: { until: at('2026-03-04T12:00:00Z') },
      report: { dueAt: at('2026-03-06T10:00:00Z') },
    };
    expect(clockStep(i, at('2026-03-04T11:00:00Z'), s)).toEqual({ due: [], nextAt: at('2026-03-04T12:00:00Z') });
    expect(clockStep(i, at('2026-03-06T09:00:00Z'), s).due.map((x) => x.kind)).toEqual(['monitor_end', 'report_late']);
    const done = {
      status: 'resolved' as const,
      resolvedAt,
      report: { dueAt: at('2026-03-06T10:00:00Z'), submittedAt: at('2026-03-05T10:00:00Z') },
      archive: { at: at('2026-03-12T10:00:00Z') },
    };
    expect(clockStep(done, at('2026-03-12T10:00:01Z'), s).due).toEqual([
      { kind: 'archive', at: at('2026-03-12T10:00:00Z'), round: 0 },
    ]);
    expect(
      clockStep(
        { ...done, archive: { at: done.archive.at, doneAt: at('2026-03-12T10:00:02Z') } },
        at('2026-03-13T00:00:00Z'),
        s,
      ),
    ).toEqual({ due: [] });
  });

  it('accepts fractions for every incident setting, 0 for "never archive", and refuses nonsense', () => {
    const st = incidentSettings(
      testConfig({
        INCIDENT_UPDATE_MINUTES: '0.1',
        INCIDENT_MONITOR_MINUTES: '0.5',
        INCIDENT_REPORT_HOURS: '0.01',
        INCIDENT_ARCHIVE_DAYS: '0',
        STATUS_PAGE_ENABLED: 'true',
      }),
    );
    expect(st).toMatchObject({ updateMs: 6000, monitorMs: 30_000, reportMs: 36_000, archiveMs: 0, statusPage: true });
    expect(incidentSettings(testConfig())).toMatchObject({
      updateMs: 30 * MIN,
      monitorMs: 120 * MIN,
      reportMs: 48 * 3_600_000,
      archiveMs: 7 * 86_400_000,
      statusPage: false,
    });
    expect(() =>
      parseConfig({
        ...Object.fromEntries(Object.entries(process.env)),
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 'x'.repeat(20),
        SUPPORT_CHANNEL_ID: 'C0123',
        INCIDENT_UPDATE_MINUTES: '0',
        INCIDENT_ARCHIVE_DAYS: '-1',
      }),
    ).toThrow(/INCIDENT_UPDATE_MINUTES must be more than 0[\s\S]*INCIDENT_ARCHIVE_DAYS must be 0 \(never\) or more/);
  });
});

describe('report and status-page text', () => {
  it('reads action items with their owners', () => {
    expect(parseActionItems('- Canary deploys — Alice\n* Alert on 5xx - Bob\n3. Write a runbook\n\n')).toEqual([
      { action: 'Canary deploys', owner: 'Alice' },
      { action: 'Alert on 5xx', owner: 'Bob' },
      { action: 'Write a runbook' },
    ]);
  });

  it('keeps mentions, channels and Slack links off the public page', () => {
    expect(
      publicText(
        'Ask <@U123> in <#C456|incidents>, see <https://acme.slack.com/archives/C1/p1|the thread> or https://acme.slack.com/x and <https://status.example.com|our blog>; <!channel>',
      ),
    ).toBe('Ask in , see the thread or and our blog;');
  });
});
