import { describe, expect, it } from 'vitest';
import { escalationRefusal } from '../src/domain/escalation.js';
import {
  linkRefusal,
  reportRefusal,
  resolutionRefusal as incidentResolutionRefusal,
  updateRefusal,
} from '../src/domain/incidents/guards.js';
import { replyRefusal } from '../src/domain/replies.js';
import { resolutionRefusal } from '../src/domain/resolution.js';

/** The domain's guards: each rule stated once, shared by the card's buttons, the forms and the writes. */
describe('ticket guards', () => {
  it('replies only to open tickets, telling how to go on', () => {
    expect(replyRefusal({ key: 'SUP-1', status: 'in_progress' })).toBeUndefined();
    expect(replyRefusal({ key: 'SUP-1', status: 'waiting_on_customer' })).toBeUndefined();
    expect(replyRefusal({ key: 'SUP-1', status: 'closed' })).toBe(
      'SUP-1 is closed. Reopen it before replying to the requester.',
    );
  });

  it('resolves only open tickets', () => {
    expect(resolutionRefusal({ key: 'SUP-2', status: 'new' })).toBeUndefined();
    expect(resolutionRefusal({ key: 'SUP-2', status: 'resolved' })).toBe('SUP-2 is already resolved.');
  });

  it('escalates upward only, never a finished ticket, and not past management', () => {
    expect(escalationRefusal({ key: 'SUP-3', status: 'triaged', escalationLevel: 'L1' })).toBeUndefined();
    expect(escalationRefusal({ key: 'SUP-3', status: 'triaged', escalationLevel: 'L1' }, 'L3')).toBeUndefined();
    expect(escalationRefusal({ key: 'SUP-3', status: 'triaged', escalationLevel: 'L2' }, 'L2')).toMatch(
      /^SUP-3 was not escalated\. .*only goes upward/,
    );
    expect(escalationRefusal({ key: 'SUP-3', status: 'triaged', escalationLevel: 'management' })).toMatch(
      /top of the escalation path/,
    );
    expect(escalationRefusal({ key: 'SUP-3', status: 'resolved', escalationLevel: 'L1' }, 'L2')).toBe(
      'SUP-3 is resolved. Reopen it before escalating.',
    );
  });
});

describe('incident guards', () => {
  const active = { key: 'INC-1', status: 'active' } as never;
  const monitoring = { key: 'INC-1', status: 'monitoring', resolvedAt: new Date() } as never;
  const resolved = { key: 'INC-1', status: 'resolved', resolvedAt: new Date() } as never;

  it('takes updates until resolved, resolves only an active incident, reports only after the fix', () => {
    expect(updateRefusal(active)).toBeUndefined();
    expect(updateRefusal(resolved)).toMatch(/resolved/);
    expect(incidentResolutionRefusal(active)).toBeUndefined();
    expect(incidentResolutionRefusal(monitoring)).toMatch(/in monitoring/);
    expect(reportRefusal(active)).toMatch(/not resolved yet/);
    expect(reportRefusal(resolved)).toBeUndefined();
  });

  it('links tickets only to a live incident', () => {
    expect(linkRefusal(active)).toBeUndefined();
    expect(linkRefusal(resolved)).toMatch(/link tickets to an active incident/);
  });
});
