import { describe, expect, it } from 'vitest';
import { onCallAt, onCallFileSchema, toRotation } from '../src/domain/incidents/oncall.js';

const rotation = (over: Record<string, unknown> = {}) =>
  toRotation(
    onCallFileSchema.parse({
      rotation: ['UALICE', 'UBOB', 'UCAROL'],
      handoff: { day: 'monday', time: '10:00' },
      start: '2026-03-02',
      ...over,
    }),
    'Europe/Berlin',
  );

describe('on-call rotation', () => {
  it('hands over weekly at the local handoff time', () => {
    const r = rotation();
    // Monday 2 March 2026, 10:00 Berlin = 09:00 UTC: Alice's week starts.
    expect(onCallAt(r, new Date('2026-03-02T08:59:00Z')).primary).toBe('UALICE'); // before the first handoff: the first person
    expect(onCallAt(r, new Date('2026-03-02T09:00:00Z'))).toMatchObject({
      primary: 'UALICE',
      secondary: 'UBOB',
      until: new Date('2026-03-09T09:00:00Z'),
    });
    expect(onCallAt(r, new Date('2026-03-09T08:59:59Z')).primary).toBe('UALICE');
    expect(onCallAt(r, new Date('2026-03-09T09:00:00Z'))).toMatchObject({ primary: 'UBOB', secondary: 'UCAROL' });
    expect(onCallAt(r, new Date('2026-03-16T09:00:00Z'))).toMatchObject({ primary: 'UCAROL', secondary: 'UALICE' });
    expect(onCallAt(r, new Date('2026-03-23T09:00:00Z')).primary).toBe('UALICE');
  });

  it('keeps the handoff at 10:00 local across the daylight-saving change', () => {
    const r = rotation();
    // Berlin moves to summer time on Sunday 29 March 2026: Monday 30 March 10:00 local is 08:00 UTC.
    const week5 = onCallAt(r, new Date('2026-03-23T12:00:00Z'));
    expect(week5).toMatchObject({ primary: 'UALICE', until: new Date('2026-03-30T08:00:00Z') });
    expect(onCallAt(r, new Date('2026-03-30T07:59:00Z')).primary).toBe('UALICE');
    expect(onCallAt(r, new Date('2026-03-30T08:00:00Z')).primary).toBe('UBOB');
    // And back in October (25 Oct 2026): Monday 26 Oct 10:00 local is 09:00 UTC again.
    const late = onCallAt(r, new Date('2026-10-26T08:30:00Z'));
    const after = onCallAt(r, new Date('2026-10-26T09:00:00Z'));
    expect(late.primary).not.toBe(after.primary);
    expect(late.until).toEqual(new Date('2026-10-26T09:00:00Z'));
  });

  it('lets an override win over the rotation, with the scheduled person as secondary', () => {
    const r = rotation({ overrides: [{ user: 'UDAVE', from: '2026-03-10', to: '2026-03-12' }] });
    expect(onCallAt(r, new Date('2026-03-10T12:00:00Z'))).toMatchObject({
      primary: 'UDAVE',
      secondary: 'UBOB',
      override: true,
      until: new Date('2026-03-11T23:00:00Z'),
    });
    expect(onCallAt(r, new Date('2026-03-12T00:00:00Z')).primary).toBe('UBOB');
    // An override taken in Slack (stored in the database) counts the same.
    expect(
      onCallAt(r, new Date('2026-03-13T12:00:00Z'), [
        { user: 'UERIN', from: new Date('2026-03-13T00:00:00Z'), to: new Date('2026-03-14T00:00:00Z') },
      ]).primary,
    ).toBe('UERIN');
  });

  it('refuses a malformed file with the reason', () => {
    expect(
      onCallFileSchema.safeParse({ rotation: [], handoff: { day: 'funday', time: '25:00' }, start: 'soon' }).success,
    ).toBe(false);
  });
});
