import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchedule, scheduleSchema, WEEKDAYS, type ScheduleInput } from '../src/domain/schedule.js';
import { ScheduleClock } from '../src/domain/sla-clock.js';

/**
 * Properties of the schedule clock over random schedules (several intervals a day, 24:00 ends, overnight
 * intervals, overlaps, holidays, exceptions), the zones below and instants from 2017 (São Paulo still
 * changed its clocks) to 2028. A fixed seed and a moderate number of runs keep it to a second or two.
 */
const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/Berlin',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Asia/Kathmandu',
];
const FROM = Date.parse('2017-01-01T00:00:00Z');
const TO = Date.parse('2028-01-01T00:00:00Z');
const DAY = 86_400_000;
const RUNS = { seed: 26, numRuns: 100 } as const;

const hhmm = (minute: number) =>
  minute === 1440
    ? '24:00'
    : `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
/** Quarter hours mostly, any minute sometimes; the end may be 24:00 or before the start (overnight). */
const minuteOfDay = fc.oneof(
  fc.integer({ min: 0, max: 96 }).map((q) => q * 15),
  fc.integer({ min: 0, max: 1439 }),
);
const interval = fc
  .tuple(
    minuteOfDay.filter((m) => m < 1440),
    minuteOfDay,
  )
  .filter(([s, e]) => s !== e)
  .map(([s, e]) => [hhmm(s), hhmm(e)] as [string, string]);
const dayHours = fc.array(interval, { maxLength: 3 });
const date = fc
  .integer({ min: Math.floor(FROM / DAY), max: Math.floor(TO / DAY) })
  .map((d) => new Date(d * DAY).toISOString().slice(0, 10));

const schedule: fc.Arbitrary<ScheduleInput> = fc
  .record({
    hours: fc.record(
      Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours])) as Record<(typeof WEEKDAYS)[number], typeof dayHours>,
    ),
    holidays: fc.array(date, { maxLength: 4 }),
    exceptions: fc.dictionary(date, dayHours, { maxKeys: 3 }),
  })
  .filter((s) => WEEKDAYS.some((d) => s.hours[d].length > 0));

const clock = fc
  .record({ schedule, zone: fc.constantFrom(...ZONES) })
  .map(({ schedule: s, zone }) => new ScheduleClock(compileSchedule('random', scheduleSchema.parse(s), zone)));
const instant = fc.integer({ min: FROM, max: TO });
/** Up to three weeks of business time, to the millisecond. */
const duration = fc.integer({ min: 0, max: 21 * DAY });
const gap = fc.integer({ min: 0, max: 30 * DAY });

describe('the schedule clock, for random schedules, zones and instants', () => {
  it('counts back what it added: between(a, add(a, d)) = d', () => {
    fc.assert(
      fc.property(clock, instant, duration, (c, a, d) => {
        expect(c.between(new Date(a), c.add(new Date(a), d))).toBe(d);
      }),
      RUNS,
    );
  });

  it('adds monotonically in the duration and in the start', () => {
    fc.assert(
      fc.property(clock, instant, gap, duration, duration, (c, a, later, d1, d2) => {
        const [short, long] = d1 <= d2 ? [d1, d2] : [d2, d1];
        expect(c.add(new Date(a), short).getTime()).toBeLessThanOrEqual(c.add(new Date(a), long).getTime());
        expect(c.add(new Date(a), short).getTime()).toBeLessThanOrEqual(c.add(new Date(a + later), short).getTime());
        expect(c.add(new Date(a), short).getTime()).toBeGreaterThanOrEqual(a);
      }),
      RUNS,
    );
  });

  it('is additive over a split point: between(a, c) = between(a, b) + between(b, c)', () => {
    fc.assert(
      fc.property(clock, instant, gap, gap, (c, a, x, y) => {
        const [p, q, r] = [new Date(a), new Date(a + x), new Date(a + x + y)];
        expect(c.between(p, r)).toBe(c.between(p, q) + c.between(q, r));
      }),
      RUNS,
    );
  });

  it('undoes forward with backward: subtract(add(a, d), d) is a (or the opening after it)', () => {
    fc.assert(
      fc.property(
        clock,
        instant,
        duration.filter((d) => d > 0),
        (c, a, d) => {
          const end = c.add(new Date(a), d);
          expect(c.subtract(end, d)).toEqual(c.nextOpen(new Date(a)));
          if (c.isOpen(new Date(a))) expect(c.subtract(end, d)).toEqual(new Date(a));
          const start = c.subtract(new Date(a), d);
          expect(c.between(start, new Date(a))).toBe(d);
          expect(c.add(start, d)).toEqual(c.idleSince(new Date(a)));
        },
      ),
      RUNS,
    );
  });

  it('runs exactly when it says it is in hours', () => {
    fc.assert(
      fc.property(clock, instant, (c, a) => {
        expect(c.isOpen(new Date(a))).toBe(c.between(new Date(a), new Date(a + 1)) === 1);
      }),
      RUNS,
    );
  });
});
