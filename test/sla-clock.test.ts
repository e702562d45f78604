import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shiftLocalDays } from '../src/domain/local-time.js';
import {
  buildSlaPolicy,
  DEFAULT_TARGETS,
  defaultSlaPolicy,
  loadSlaPolicy,
  type SlaPolicy,
} from '../src/domain/sla-policy.js';
import {
  dueReminders,
  markReminded,
  updateSlaState,
  type ClockTicket,
  type SlaState,
} from '../src/domain/sla-state.js';

const berlin: SlaPolicy = defaultSlaPolicy('Europe/Berlin');
const utc: SlaPolicy = defaultSlaPolicy('UTC');
const business = (p: SlaPolicy) => p.clocks.get('business')!;
const H = 3_600_000;
const at = (iso: string) => new Date(iso);

type TestTicket = ClockTicket & { sla: SlaState; card: { breached?: boolean | null } };

function ticket(priority: string | null, createdAt: string, policy: SlaPolicy): TestTicket {
  const t = {
    priority,
    suggestedPriority: null,
    status: 'triaged',
    firstResponseAt: undefined,
    createdAt: at(createdAt),
    sla: {},
    card: {},
  } as unknown as TestTicket;
  updateSlaState(t, policy, t.createdAt);
  return t;
}

function change(t: TestTicket, policy: SlaPolicy, when: string, edit: (t: TestTicket) => void): void {
  edit(t);
  updateSlaState(t, policy, at(when));
}

describe('business-hours arithmetic', () => {
  it('carries a target over the weekend (Friday afternoon → Monday morning)', () => {
    // Friday 15:00 CET: 2 business hours left that day, the other 2 on Monday from 09:00.
    const t = ticket('P2', '2026-03-06T14:00:00Z', berlin);
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-09T10:00:00Z')); // Monday 11:00 CET
    expect(t.sla.responseWarnDueAt).toEqual(at('2026-03-09T09:00:00Z')); // 75 % = 3 h: Monday 10:00 CET
    expect(t.sla.nextCheckAt).toEqual(at('2026-03-09T09:00:00Z'));
    expect(business(berlin).between(at('2026-03-06T14:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(4 * H);
  });

  it('skips a holiday', () => {
    const withHoliday = buildSlaPolicy({ holidays: ['2026-03-09'] }, 'Europe/Berlin');
    const t = ticket('P2', '2026-03-06T14:00:00Z', withHoliday);
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-10T10:00:00Z')); // Tuesday 11:00 CET
  });

  it('keeps business hours in local time across the spring daylight-saving change', () => {
    // Friday 27 March 16:00 CET; the clocks go forward on Sunday 29 March; Monday 09:00 CEST is 07:00 UTC.
    const t = ticket('P2', '2026-03-27T15:00:00Z', berlin);
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-30T10:00:00Z')); // 1 h Friday + 3 h Monday = 12:00 CEST
    expect(business(berlin).between(at('2026-03-27T08:00:00Z'), at('2026-03-30T15:00:00Z'))).toBe(16 * H);
    // A 24/7 target counts elapsed time: 2 h after 01:30 CET is 04:30 CEST, two hours later in UTC too.
    expect(berlin.clocks.get('24x7')!.add(at('2026-03-29T00:30:00Z'), 2 * H)).toEqual(at('2026-03-29T02:30:00Z'));
  });

  it('keeps business hours in local time across the autumn daylight-saving change', () => {
    // Friday 23 October 15:00 CEST; clocks go back on Sunday 25 October; Monday 09:00 CET is 08:00 UTC.
    const t = ticket('P2', '2026-10-23T13:00:00Z', berlin);
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-10-26T10:00:00Z')); // 2 h Friday + 2 h Monday = 11:00 CET
  });

  it('ends a target exactly at closing time rather than the next morning', () => {
    expect(business(utc).add(at('2026-03-02T13:00:00Z'), 4 * H)).toEqual(at('2026-03-02T17:00:00Z'));
  });

  it('shifts a week back by local days across daylight saving (167 hours)', () => {
    expect(shiftLocalDays(at('2026-04-03T12:00:00Z'), -7, 'Europe/Berlin')).toEqual(at('2026-03-27T13:00:00Z'));
  });
});

describe('the SLA state of a ticket', () => {
  it('pauses while waiting on the customer and resumes with the time already spent', () => {
    const t = ticket('P1', '2026-03-02T10:00:00Z', utc); // 24/7: 2 h response, 8 h resolution
    change(t, utc, '2026-03-02T10:30:00Z', (x) => {
      x.firstResponseAt = at('2026-03-02T10:30:00Z');
      x.status = 'waiting_on_customer';
    });
    expect(t.sla.pausedAt).toEqual(at('2026-03-02T10:30:00Z'));
    expect(t.sla.responseSpentMs).toBe(0.5 * H);
    expect(t.sla.responseMet).toBe(true);
    expect(t.sla.resolutionDueAt).toBeUndefined();
    expect(t.sla.nextCheckAt).toBeUndefined();

    // The requester answers five hours later: 7.5 h of the resolution target remain.
    change(t, utc, '2026-03-02T15:30:00Z', (x) => void (x.status = 'in_progress'));
    expect(t.sla.pausedAt).toBeUndefined();
    expect(t.sla.resolutionSpentMs).toBe(0.5 * H);
    expect(t.sla.resolutionDueAt).toEqual(at('2026-03-02T23:00:00Z'));
    expect(t.sla.resolutionWarnDueAt).toEqual(at('2026-03-02T21:00:00Z')); // 6 h spent
    expect(t.sla.nextCheckAt).toEqual(at('2026-03-02T21:00:00Z'));
  });

  it('recomputes due times when the priority changes, keeping the time spent', () => {
    const t = ticket('P2', '2026-03-02T09:00:00Z', utc); // Monday, business hours
    change(t, utc, '2026-03-02T10:00:00Z', (x) => void (x.priority = 'P1'));
    expect(t.sla.responseSpentMs).toBe(1 * H);
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-02T11:00:00Z')); // 2 h target, 1 h spent
    expect(t.sla.resolutionDueAt).toEqual(at('2026-03-02T17:00:00Z')); // 8 h target, 1 h spent

    change(t, utc, '2026-03-02T10:30:00Z', (x) => void (x.priority = 'P3'));
    expect(t.sla.responseSpentMs).toBe(1.5 * H);
    // 22.5 business hours left: 6.5 h Monday, 8 h Tuesday, 8 h Wednesday.
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-04T17:00:00Z'));
  });

  it('forgets a breach that a lower priority undoes, and un-marks the card', () => {
    const t = ticket('P1', '2026-03-02T10:00:00Z', utc);
    const now = at('2026-03-02T12:05:00Z');
    const [breach] = dueReminders(t.sla, now);
    expect(breach).toMatchObject({ target: 'response', stage: 'breach' });
    markReminded(t.sla, breach!, now);
    updateSlaState(t, utc, now);
    expect(t.card.breached).toBe(true);
    expect(dueReminders(t.sla, now)).toEqual([]);

    change(t, utc, '2026-03-02T12:10:00Z', (x) => void (x.priority = 'P3'));
    expect(t.sla.responseBreachedAt).toBeUndefined();
    expect(t.card.breached).toBe(false);
  });

  it('warns at 75 % and pings at the breach, each once', () => {
    const t = ticket('P1', '2026-03-02T10:00:00Z', utc);
    expect(dueReminders(t.sla, at('2026-03-02T11:29:00Z'))).toEqual([]);
    const [warn] = dueReminders(t.sla, at('2026-03-02T11:30:00Z'));
    expect(warn).toEqual({ target: 'response', stage: 'warn', dueAt: at('2026-03-02T12:00:00Z') });
    markReminded(t.sla, warn!, at('2026-03-02T11:30:00Z'));
    updateSlaState(t, utc, at('2026-03-02T11:30:00Z'));
    expect(dueReminders(t.sla, at('2026-03-02T11:45:00Z'))).toEqual([]);
    expect(t.sla.nextCheckAt).toEqual(at('2026-03-02T12:00:00Z'));
    expect(dueReminders(t.sla, at('2026-03-02T12:00:00Z'))).toEqual([
      { target: 'response', stage: 'breach', dueAt: at('2026-03-02T12:00:00Z') },
    ]);
  });

  it('stops the clock on resolution and fixes whether the targets were met', () => {
    const t = ticket('P1', '2026-03-02T10:00:00Z', utc);
    change(t, utc, '2026-03-02T19:00:00Z', (x) => {
      x.firstResponseAt = at('2026-03-02T19:00:00Z');
      x.status = 'resolved';
    });
    expect(t.sla).toMatchObject({
      responseMet: false,
      resolutionMet: false,
      responseSpentMs: 9 * H,
      resolutionSpentMs: 9 * H,
    });
    expect(t.sla.nextCheckAt).toBeUndefined();
    change(t, utc, '2026-03-05T10:00:00Z', (x) => void (x.status = 'in_progress'));
    expect(t.sla.resolutionSpentMs).toBe(9 * H); // the days while resolved did not count
  });

  it('starts counting from creation once a priority is known', () => {
    const t = ticket(null, '2026-03-02T10:00:00Z', utc);
    expect(t.sla.firstResponseDueAt).toBeUndefined();
    change(t, utc, '2026-03-02T11:00:00Z', (x) => void (x.priority = 'P0'));
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-02T10:15:00Z'));
    expect(dueReminders(t.sla, at('2026-03-02T11:00:00Z'))).toEqual([
      { target: 'response', stage: 'breach', dueAt: at('2026-03-02T10:15:00Z') },
    ]);
  });
});

describe('the SLA policy file', () => {
  const file = (content: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'deskbell-sla-')), 'sla.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it('overrides part of the defaults and drives the clock', () => {
    const policy = loadSlaPolicy(
      file({
        targets: { P2: { firstResponseMinutes: 60, resolutionMinutes: 480, clock: 'business' } },
        businessHours: { days: [1, 2, 3, 4], start: '08:00', end: '16:00' },
        holidays: ['2026-03-05'],
      }),
      'Europe/Berlin',
    );
    expect(policy.targets.P1).toEqual(DEFAULT_TARGETS.P1);
    // Thursday 5 March is a holiday and Friday is no working day: Wednesday 15:30 CET → Monday 08:30 CET.
    const t = ticket('P2', '2026-03-04T14:30:00Z', policy);
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-09T07:30:00Z'));
  });

  it('stops the start with every problem named', () => {
    expect(() =>
      loadSlaPolicy(file({ businessHours: { days: [8], start: '17:00', end: '9:00' }, warnAt: 2 }), 'UTC'),
    ).toThrow(/SLA_POLICY_FILE .* is invalid: .*businessHours.days.0.*businessHours.end: must be HH:MM.*warnAt/);
  });
});

describe('named schedules, routing and policy changes', () => {
  const file = (content: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'deskbell-sla-')), 'sla.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const hours = {
    mon: [['08:00', '18:00']],
    tue: [['08:00', '18:00']],
    wed: [['08:00', '18:00']],
    thu: [['08:00', '18:00']],
    fri: [['08:00', '18:00']],
  };

  it('routes by category and by the support address the mail came to; P0/P1 stay 24x7', () => {
    const policy = buildSlaPolicy(
      {
        schedules: { eu: { timeZone: 'Europe/Berlin', hours }, us: { timeZone: 'America/New_York', hours } },
        routing: [
          { when: { category: 'account' }, schedule: 'eu' },
          { when: { address: 'Support+US@example.com' }, schedule: 'us' },
        ],
      },
      'UTC',
    );
    const t = ticket('P2', '2026-03-02T12:00:00Z', policy);
    expect(t.sla).toMatchObject({ schedule: 'business', team: 'business' });
    const account = {
      ...ticket(null, '2026-03-02T12:00:00Z', policy),
      priority: 'P3',
      category: 'account',
    } as TestTicket;
    updateSlaState(account, policy, at('2026-03-02T12:00:00Z'));
    expect(account.sla).toMatchObject({ schedule: 'eu', team: 'eu' });
    const mailed = {
      ...ticket(null, '2026-03-02T12:00:00Z', policy),
      priority: 'P1',
      email: { to: 'support+us@example.com' },
    } as TestTicket;
    updateSlaState(mailed, policy, at('2026-03-02T12:00:00Z'));
    expect(mailed.sla).toMatchObject({ schedule: '24x7', team: 'us' });
  });

  it('counts time under the policy in force while it ran; a new one moves running targets', () => {
    const v1 = defaultSlaPolicy('UTC'); // Monday–Friday 09:00–17:00
    const v2 = buildSlaPolicy({ schedules: { business: { hours } } }, 'UTC'); // 08:00–18:00
    const change = at('2026-03-02T08:00:00Z');
    v1.history = [{ policy: v1, since: at('2026-01-01T00:00:00Z') }];
    const t = ticket('P2', '2026-03-02T07:00:00Z', v1); // Monday 07:00: the clock starts at 09:00
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-02T13:00:00Z'));
    v2.history = [...v1.history, { policy: v2, since: change }];
    // At 10:00 under the new policy: 07:00–08:00 ran under the old (nothing), 08:00–10:00 under the new (2 h).
    updateSlaState(t, v2, at('2026-03-02T10:00:00Z'));
    expect(t.sla.responseSpentMs).toBe(2 * H);
    expect(t.sla.firstResponseDueAt).toEqual(at('2026-03-02T12:00:00Z'));
    expect(t.sla.policyId).toBe(v2.id);
  });

  it('names every problem of a schedules file', () => {
    const shape = file({
      schedules: { eu: { hours: { mon: [['8:00', '18:00']] } } },
      routing: [{ when: { category: 'bug', address: 'a@b.c' }, schedule: 'eu' }],
    });
    expect(() => loadSlaPolicy(shape, 'UTC')).toThrow(
      /schedules\.eu\.hours\.mon\.0\.0: must be HH:MM.*routing\.0\.when: needs exactly one of/s,
    );
    const names = file({
      schedules: { '24x7': { hours }, US: { hours } },
      defaultSchedule: 'nowhere',
      targets: { P2: { firstResponseMinutes: 60, resolutionMinutes: 60, clock: 'moon' } },
      routing: [{ when: { category: 'bug' }, schedule: 'mars' }],
    });
    const problems = [
      'schedules.US: must be a lower-case name',
      'schedules.24x7: 24x7 is the built-in wall clock',
      'defaultSchedule: no schedule named nowhere',
      "targets.P2.clock: must be 24x7, business or a schedule's name",
      'routing.0.schedule: no schedule named mars',
    ];
    for (const problem of problems) expect(() => loadSlaPolicy(names, 'UTC')).toThrow(problem);
  });
});
