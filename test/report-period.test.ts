import { describe, expect, it } from 'vitest';
import { csvCell } from '../src/domain/report-csv.js';
import { parseReportArgs, resolvePeriod } from '../src/domain/report-period.js';

const TZ = 'Europe/Berlin';
const now = new Date('2026-11-25T10:00:00Z'); // Wednesday 11:00 in Berlin

describe('report periods', () => {
  it('reads every period form, with csv and post anywhere', () => {
    expect(parseReportArgs('')).toEqual({
      ok: true,
      request: { period: { kind: 'days', days: 7 }, csv: false, post: false },
    });
    expect(parseReportArgs('post Last  Week csv')).toEqual({
      ok: true,
      request: { period: { kind: 'last_week' }, csv: true, post: true },
    });
    expect(parseReportArgs('this month')).toMatchObject({ request: { period: { kind: 'this_month' } } });
    expect(parseReportArgs('last month')).toMatchObject({ request: { period: { kind: 'last_month' } } });
    expect(parseReportArgs('90d')).toMatchObject({ request: { period: { kind: 'days', days: 90 } } });
    expect(parseReportArgs('weeks 8')).toMatchObject({ request: { period: { kind: 'weeks', weeks: 8 } } });
    expect(parseReportArgs('2026-10-01..2026-10-31')).toMatchObject({
      request: { period: { kind: 'range', from: '2026-10-01', to: '2026-10-31' } },
    });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(parseReportArgs('yesterday')).toEqual({ ok: false, error: '`yesterday` is not a period I know' });
    expect(parseReportArgs('0d')).toMatchObject({ ok: false });
    expect(parseReportArgs('weeks 1')).toMatchObject({ ok: false, error: expect.stringContaining('2 to 26 weeks') });
    expect(parseReportArgs('2026-02-30..2026-03-01')).toMatchObject({
      ok: false,
      error: expect.stringContaining('YYYY-MM-DD'),
    });
    expect(parseReportArgs('2025-01-01..2026-06-01')).toMatchObject({
      ok: false,
      error: expect.stringContaining('at most 366 days'),
    });
  });

  it('places periods in the team’s time zone, each with a previous period of the same length', () => {
    const lastWeek = resolvePeriod({ kind: 'last_week' }, now, TZ);
    expect(lastWeek.current).toEqual({
      start: new Date('2026-11-15T23:00:00Z'),
      end: new Date('2026-11-22T23:00:00Z'),
    });
    expect(lastWeek.previous).toEqual({
      start: new Date('2026-11-08T23:00:00Z'),
      end: new Date('2026-11-15T23:00:00Z'),
    });
    const lastMonth = resolvePeriod({ kind: 'last_month' }, now, TZ);
    // October has the DST change: 31 local days, one hour longer than 31 × 24 h.
    expect(lastMonth.current).toEqual({
      start: new Date('2026-09-30T22:00:00Z'),
      end: new Date('2026-10-31T23:00:00Z'),
    });
    expect(lastMonth.previous.end).toEqual(lastMonth.current.start);
    expect(lastMonth.previous.start).toEqual(new Date('2026-08-30T22:00:00Z'));
    expect(lastMonth.buckets).toHaveLength(31);
    const range = resolvePeriod({ kind: 'range', from: '2026-10-01', to: '2026-10-31' }, now, TZ);
    expect(range.current).toEqual(lastMonth.current);
    const thisMonth = resolvePeriod({ kind: 'this_month' }, now, TZ);
    expect(thisMonth.current).toEqual({ start: new Date('2026-10-31T23:00:00Z'), end: now });
    const trend = resolvePeriod({ kind: 'weeks', weeks: 8 }, now, TZ);
    expect(trend).toMatchObject({ trend: true, bucket: 'week' });
    expect(trend.buckets).toHaveLength(8);
    expect(resolvePeriod({ kind: 'days', days: 180 }, now, TZ).bucket).toBe('week');
  });
});

describe('report helpers', () => {
  it('quotes CSV cells and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });
});
