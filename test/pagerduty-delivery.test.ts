import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnceKeys } from '../src/db/once-keys.js';
import { reconcileOutbox } from '../src/flows/reconcile.js';
import { FakePagerDuty } from './support/fake-pagerduty.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { incidentDriver, waitLong } from './support/incidents.js';
import { settled } from './support/settle.js';
import { WEBHOOK_SECRET } from './support/webhooks.js';

/**
 * Issue 20, item 14: a PagerDuty event's delivery record names the effect that sends it, so the reconcile
 * sweep finds one whose retries ran out; an event PagerDuty refuses as invalid is done, not retried forever.
 */
describe('PagerDuty deliveries', { timeout: 90_000 }, () => {
  let t: TestApp;
  let pd: FakePagerDuty;
  const clock = new ManualClock(new Date('2026-03-04T10:00:00Z'));
  const d = incidentDriver(() => t);
  beforeAll(async () => {
    pd = await new FakePagerDuty().start();
    const env = { INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET, PAGERDUTY_ROUTING_KEY: 'pd', PAGERDUTY_EVENTS_URL: pd.url };
    t = await startTestApp({ label: 'pagerduty_delivery', clock, env });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await pd?.stop();
  });

  const triggers = (incidentId: string) =>
    pd.events.filter((e) => e.event_action === 'trigger' && e.dedup_key === incidentId);
  const delivery = (incidentId: string) =>
    t.app.context.models.Delivery.findById(OnceKeys.pagerDuty(incidentId, 'trigger')).lean();

  it('sends a trigger whose effect was dropped once the reconcile sweep finds its delivery', async () => {
    pd.failNext = 1_000;
    const attempts = pd.attempts;
    const { id } = await d.declared('PagerDuty down for a while', { email: 'pd1@example.com' }, 'UALICE');
    await waitLong(() => pd.attempts > attempts, 'the first, failed, attempt');
    // Its retries ran out (or the process died and nothing else asked for it): the effect is gone.
    await waitLong(async () => (await delivery(id))?.state === 'pending', 'the failed delivery');
    await t.db.collection('effects').deleteMany({ name: 'incident.pagerduty' });
    await settled(t.app);
    expect(triggers(id)).toHaveLength(0);
    pd.failNext = 0;

    clock.advance(31_000);
    await reconcileOutbox(t.app.context);
    await waitLong(() => triggers(id)[0], 'the trigger, asked for again');
    await settled(t.app);
    await reconcileOutbox(t.app.context);
    await settled(t.app);
    expect(triggers(id)).toHaveLength(1);
  });

  it('records an event PagerDuty refuses as done, and never sends it again', async () => {
    pd.refuseNext = 1;
    const attempts = pd.attempts;
    const { id } = await d.declared('An event PagerDuty will not take', { email: 'pd2@example.com' }, 'UALICE');
    const done = await waitLong(async () => {
      const recorded = await delivery(id);
      return recorded?.state === 'done' ? recorded : undefined;
    }, 'the refused trigger recorded');
    expect(done.result).toMatchObject({ status: 400, refused: expect.stringContaining('invalid') });
    clock.advance(31_000);
    await reconcileOutbox(t.app.context);
    await settled(t.app);
    expect(pd.attempts - attempts).toBe(1);
  });
});
