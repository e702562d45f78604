import { describe, expect, it } from 'vitest';
import { epochDay, instantAt } from '../src/domain/local-time.js';
import { compileSchedule, scheduleSchema, type ScheduleInput } from '../src/domain/schedule.js';
import { ScheduleClock } from '../src/domain/sla-clock.js';

/** Table tests of the schedule clock: every 2026 daylight-saving change of our zones, and each pattern of issue 26. */
const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => new Date(iso);
const clockOf = (input: ScheduleInput, timeZone: string) =>
  new ScheduleClock(compileSchedule('t', scheduleSchema.parse(input), timeZone));
const daily = (intervals: Array<[string, string]>) => ({
  hours: {
    mon: intervals,
    tue: intervals,
    wed: intervals,
    thu: intervals,
    fri: intervals,
    sat: intervals,
    sun: intervals,
  },
});
const local = (date: string, hhmm: string, zone: string) =>
  new Date(
    instantAt(
      epochDay({ year: +date.slice(0, 4), month: +date.slice(5, 7), day: +date.slice(8, 10) }),
      +hhmm.slice(0, 2) * 60 + +hhmm.slice(3, 5),
      zone,
    ),
  );

describe('every daylight-saving change of 2026', () => {
  // Hours 00:00–06:00 every day hold each change: a spring day counts 5 h, an autumn day 7 h.
  const changes = [
    {
      zone: 'America/New_York',
      date: '2026-03-08',
      from: '2026-03-08T05:00:00Z',
      to: '2026-03-08T10:00:00Z',
      hours: 5,
      gap: '02:30',
      gapAt: '2026-03-08T07:30:00Z',
    },
    {
      zone: 'America/New_York',
      date: '2026-11-01',
      from: '2026-11-01T04:00:00Z',
      to: '2026-11-01T11:00:00Z',
      hours: 7,
      twice: '01:30',
      twiceAt: '2026-11-01T05:30:00Z',
    },
    {
      zone: 'America/Los_Angeles',
      date: '2026-03-08',
      from: '2026-03-08T08:00:00Z',
      to: '2026-03-08T13:00:00Z',
      hours: 5,
      gap: '02:30',
      gapAt: '2026-03-08T10:30:00Z',
    },
    {
      zone: 'America/Los_Angeles',
      date: '2026-11-01',
      from: '2026-11-01T07:00:00Z',
      to: '2026-11-01T14:00:00Z',
      hours: 7,
      twice: '01:30',
      twiceAt: '2026-11-01T08:30:00Z',
    },
    {
      zone: 'Europe/Berlin',
      date: '2026-03-29',
      from: '2026-03-28T23:00:00Z',
      to: '2026-03-29T04:00:00Z',
      hours: 5,
      gap: '02:30',
      gapAt: '2026-03-29T01:30:00Z',
    },
    {
      zone: 'Europe/Berlin',
      date: '2026-10-25',
      from: '2026-10-24T22:00:00Z',
      to: '2026-10-25T05:00:00Z',
      hours: 7,
      twice: '02:30',
      twiceAt: '2026-10-25T00:30:00Z',
    },
    {
      zone: 'Europe/London',
      date: '2026-03-29',
      from: '2026-03-29T00:00:00Z',
      to: '2026-03-29T05:00:00Z',
      hours: 5,
      gap: '01:30',
      gapAt: '2026-03-29T01:30:00Z',
    },
    {
      zone: 'Europe/London',
      date: '2026-10-25',
      from: '2026-10-24T23:00:00Z',
      to: '2026-10-25T06:00:00Z',
      hours: 7,
      twice: '01:30',
      twiceAt: '2026-10-25T00:30:00Z',
    },
    {
      zone: 'Australia/Sydney',
      date: '2026-04-05',
      from: '2026-04-04T13:00:00Z',
      to: '2026-04-04T20:00:00Z',
      hours: 7,
      twice: '02:30',
      twiceAt: '2026-04-04T15:30:00Z',
    },
    {
      zone: 'Australia/Sydney',
      date: '2026-10-04',
      from: '2026-10-03T14:00:00Z',
      to: '2026-10-03T19:00:00Z',
      hours: 5,
      gap: '02:30',
      gapAt: '2026-10-03T16:30:00Z',
    },
  ];

  for (const c of changes) {
    it(`${c.zone} on ${c.date}: ${c.hours} business hours in 00:00–06:00`, () => {
      const clock = clockOf(daily([['00:00', '06:00']]), c.zone);
      expect(local(c.date, '00:00', c.zone)).toEqual(at(c.from));
      expect(local(c.date, '06:00', c.zone)).toEqual(at(c.to));
      expect(clock.between(at(c.from), at(c.to))).toBe(c.hours * H);
      expect(clock.between(new Date(at(c.from).getTime() - 6 * H), new Date(at(c.to).getTime() + 6 * H))).toBe(
        c.hours * H,
      );
      expect(clock.add(at(c.from), c.hours * H)).toEqual(at(c.to));
      expect(clock.subtract(at(c.to), c.hours * H)).toEqual(at(c.from));
      // A local time skipped by the change moves forward past the gap; one that happens twice is its earlier pass.
      if (c.gap) expect(local(c.date, c.gap, c.zone)).toEqual(at(c.gapAt!));
      if (c.twice) expect(local(c.date, c.twice, c.zone)).toEqual(at(c.twiceAt!));
    });
  }

  it('São Paulo, Kolkata and Kathmandu have no change in 2026: every day has 24 hours', () => {
    for (const zone of ['America/Sao_Paulo', 'Asia/Kolkata', 'Asia/Kathmandu']) {
      const clock = clockOf(daily([['00:00', '24:00']]), zone);
      for (
        let day = epochDay({ year: 2026, month: 1, day: 1 });
        day < epochDay({ year: 2027, month: 1, day: 1 });
        day += 7
      ) {
        expect(instantAt(day + 1, 0, zone) - instantAt(day, 0, zone), `${zone} ${day}`).toBe(24 * H);
      }
      expect(clock.between(local('2026-01-01', '00:00', zone), local('2027-01-01', '00:00', zone))).toBe(365 * 24 * H);
    }
    expect(local('2026-07-01', '09:00', 'Asia/Kathmandu')).toEqual(at('2026-07-01T03:15:00Z'));
    expect(local('2026-07-01', '09:00', 'Asia/Kolkata')).toEqual(at('2026-07-01T03:30:00Z'));
  });
});

describe('the patterns of issue 26', () => {
  it('places a start or end inside a spring-forward gap past the gap, west of UTC too', () => {
    // New York, hours 02:00–10:00 on 8 March 2026: 02:00 does not exist; 03:00 EDT to 10:00 EDT is 7 h.
    const ny = clockOf(daily([['02:00', '10:00']]), 'America/New_York');
    expect(ny.between(at('2026-03-08T05:00:00Z'), at('2026-03-08T15:00:00Z'))).toBe(7 * H);
    // São Paulo's last change (4 November 2018) skipped midnight: the day still starts that day, at 01:00.
    expect(local('2018-11-04', '00:00', 'America/Sao_Paulo')).toEqual(at('2018-11-04T03:00:00Z'));
    // And its repeated hour (16 February 2019, 23:00–24:00) takes the earlier pass.
    expect(local('2019-02-16', '23:30', 'America/Sao_Paulo')).toEqual(at('2019-02-17T01:30:00Z'));
  });

  it('merges overlapping windows: São Paulo, daily 00:00–23:59, a day across its 2018 change', () => {
    const sp = clockOf(daily([['00:00', '23:59']]), 'America/Sao_Paulo');
    expect(
      sp.between(local('2018-11-03', '12:00', 'America/Sao_Paulo'), local('2018-11-04', '12:00', 'America/Sao_Paulo')),
    ).toBe(22 * H + 59 * M);
    const lunch = clockOf(
      {
        hours: {
          mon: [
            ['09:00', '13:00'],
            ['12:00', '17:00'],
            ['10:00', '11:00'],
          ],
        },
      },
      'UTC',
    );
    expect(lunch.between(at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z'))).toBe(8 * H);
  });

  it('expresses 24×5 without a gap at midnight, and overnight shifts', () => {
    const days = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
    const fiveDays = clockOf(
      { hours: Object.fromEntries(days.map((d) => [d, [['00:00', '24:00']]])) },
      'Europe/Berlin',
    );
    // Monday 00:00 to the next Monday 00:00 (Berlin, March): 120 hours, none lost at midnight.
    expect(
      fiveDays.between(local('2026-03-02', '00:00', 'Europe/Berlin'), local('2026-03-09', '00:00', 'Europe/Berlin')),
    ).toBe(120 * H);
    expect(fiveDays.add(local('2026-03-06', '23:00', 'Europe/Berlin'), 2 * H)).toEqual(
      local('2026-03-09', '01:00', 'Europe/Berlin'),
    );
    // A night shift Sunday to Thursday, 22:00–06:00: Monday 05:00 + 3 h = Monday 22:00 + 2 h.
    const nights = clockOf(
      { hours: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu'].map((d) => [d, [['22:00', '06:00']]])) },
      'America/New_York',
    );
    expect(nights.add(local('2026-03-02', '05:00', 'America/New_York'), 3 * H)).toEqual(
      local('2026-03-03', '00:00', 'America/New_York'),
    );
    // Thursday's night runs into Friday.
    expect(nights.isOpen(local('2026-03-06', '03:00', 'America/New_York'))).toBe(true);
    expect(nights.isOpen(local('2026-03-07', '03:00', 'America/New_York'))).toBe(false);
  });

  it('takes different hours per weekday, lunch breaks, half days and holidays', () => {
    const team = clockOf(
      {
        hours: {
          mon: [
            ['09:00', '12:00'],
            ['13:00', '17:00'],
          ],
          tue: [['09:00', '17:00']],
          wed: [['09:00', '17:00']],
          thu: [['09:00', '17:00']],
          fri: [['09:00', '15:00']],
        },
        holidays: ['2026-12-25'],
        exceptions: { '2026-12-24': [['09:00', '12:00']], '2026-12-27': [['10:00', '14:00']] },
      },
      'America/New_York',
    );
    const ny = (d: string, t: string) => local(d, t, 'America/New_York');
    expect(team.between(ny('2026-03-02', '00:00'), ny('2026-03-03', '00:00'))).toBe(7 * H); // Monday with lunch
    expect(team.add(ny('2026-03-06', '14:00'), 2 * H)).toEqual(ny('2026-03-09', '10:00')); // Friday ends at 15:00
    expect(team.add(ny('2026-03-02', '11:30'), H)).toEqual(ny('2026-03-02', '13:30')); // over lunch
    // Thursday 24 December is a half day, Friday the 25th a holiday, Sunday the 27th a special shift.
    expect(team.between(ny('2026-12-24', '00:00'), ny('2026-12-28', '00:00'))).toBe(3 * H + 4 * H);
    expect(team.isOpen(ny('2026-12-24', '13:00'))).toBe(false);
  });

  it('counts backwards, and says whether the clock runs now', () => {
    const nine = clockOf(
      { hours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], fri: [['09:00', '17:00']] } },
      'UTC',
    );
    // A 4-hour target due Tuesday 11:00 started counting Monday 15:00.
    expect(nine.subtract(at('2026-03-03T11:00:00Z'), 4 * H)).toEqual(at('2026-03-02T15:00:00Z'));
    // Over a closed Wednesday and Thursday.
    expect(nine.subtract(at('2026-03-06T10:00:00Z'), 2 * H)).toEqual(at('2026-03-03T16:00:00Z'));
    expect(nine.isOpen(at('2026-03-02T09:00:00Z'))).toBe(true);
    expect(nine.isOpen(at('2026-03-02T17:00:00Z'))).toBe(false);
    expect(nine.nextOpen(at('2026-03-02T17:00:00Z'))).toEqual(at('2026-03-03T09:00:00Z'));
    expect(nine.idleSince(at('2026-03-04T12:00:00Z'))).toEqual(at('2026-03-03T17:00:00Z'));
  });

  it('keeps its conventions: a duration ending at the close ends there; zero outside hours is the same instant', () => {
    const nine = clockOf({ hours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] } }, 'UTC');
    expect(nine.add(at('2026-03-02T13:00:00Z'), 4 * H)).toEqual(at('2026-03-02T17:00:00Z'));
    expect(nine.add(at('2026-03-02T20:00:00Z'), 0)).toEqual(at('2026-03-02T20:00:00Z'));
    expect(nine.subtract(at('2026-03-02T20:00:00Z'), 0)).toEqual(at('2026-03-02T20:00:00Z'));
  });

  it('refuses schedules it cannot read, saying where', () => {
    const bad = scheduleSchema.safeParse({
      timeZone: 'Mars/Olympus',
      hours: {
        mon: [
          ['09:00', '09:00'],
          ['24:00', '01:00'],
          ['9:00', '17:00'],
        ],
        funday: [],
      },
      holidays: ['2026-02-30'],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'timeZone: must be an IANA time zone such as Europe/Berlin',
        'hours.mon.0: starts and ends at the same time (a whole day is ["00:00", "24:00"])',
        'hours.mon.1: cannot start at 24:00 (write 00:00 of the next day)',
        'hours.mon.2.0: must be HH:MM from 00:00 to 24:00',
        'holidays.0: is not a calendar date',
      ]),
    );
    expect(messages.some((m) => m.includes('funday'))).toBe(true);
    expect(scheduleSchema.safeParse({ hours: {} }).error!.issues[0]!.message).toBe(
      'needs at least one interval in the week',
    );
  });
});
