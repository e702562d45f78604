import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, NO_CHROMIUM, openSandbox } from './support/browser.js';

const chromium = chromiumPath();
if (!chromium) console.warn(NO_CHROMIUM);

/**
 * The sandbox page in a real Chromium, driven as a person would: every step goes through the page's own controls,
 * and from there to Deskbell's real /slack/events, SMTP listener and webhook, and back onto the page.
 */
describe.skipIf(!chromium)('the sandbox page in a browser', () => {
  let env: Awaited<ReturnType<typeof openSandbox>>;
  let page: Page;

  beforeAll(async () => {
    env = await openSandbox('sandbox_browser');
    page = env.page;
    await page.goto(`${env.sandbox.url}/sandbox#user=U0AGENT`);
  });
  afterAll(async () => env?.stop());

  const subject = 'Checkout returns 500 for <every> order';
  const card = () =>
    page
      .locator('.message')
      .filter({ hasText: subject })
      .filter({ has: page.locator('[data-action-id=ticket_set_priority]') });
  const field = (name: string, value: RegExp) =>
    card()
      .locator('.bk-field')
      .filter({ hasText: new RegExp(`^${name}[\\s\\S]*${value.source}`) });

  it('sends a ticket by mail, triages it, declares a P0, posts in the war room and reads the mail', async () => {
    // A customer writes in: the new-ticket form sends it to Deskbell's SMTP listener.
    await page.click('[data-nav=ticket]');
    await page.fill('input[name=subject]', subject);
    await page.fill('textarea[name=body]', 'Every checkout fails since 09:12; customers cannot pay.');
    await page.click('form.new-ticket button[type=submit]');
    await card().waitFor();
    // Requester text is shown as typed, never as markup.
    expect(await card().locator('.bk-header').textContent()).toContain(subject);

    // Triage from the card: a priority and an assignee, each a signed block_actions to /slack/events.
    await card().locator('select[data-action-id=ticket_set_priority]').selectOption('P1');
    await field('Priority', /P1/).waitFor();
    await card().locator('select[data-action-id=ticket_assign]').selectOption('U0ONCALL');
    await field('Assignee', /Omar Haddad/).waitFor();

    // Declare P0 asks first (the button's confirm dialog), then opens a war room and alerts #support.
    await card().locator('[data-action-id=ticket_declare_p0]').click();
    await page.click('.confirm-yes');
    const room = page.locator('[data-channel^="inc-"]');
    await room.waitFor();
    await page.locator('.message .mention.broadcast', { hasText: '@channel' }).first().waitFor();

    // In the war room: "Post update" opens the modal; Deskbell's refusal shows on its field, then the update goes out.
    await room.click();
    await page.locator('[data-action-id=incident_post_update]').first().click();
    const modal = page.locator('form[data-callback-id=incident_update_modal]');
    const known = modal.locator('[data-block-id=update_known] textarea, [data-block-id=update_known] input');
    // Slack's own check first: a required field left empty never leaves the page.
    await modal.locator('button.submit').click();
    await modal.locator('[data-block-id=update_known] .bk-error', { hasText: 'required' }).waitFor();
    await known.fill('   ');
    await modal
      .locator('[data-block-id=update_impact] textarea, [data-block-id=update_impact] input')
      .fill('No customer can pay.');
    await modal.locator('button.submit').click();
    await modal.locator('[data-block-id=update_known] .bk-error').waitFor();
    await known.fill('The payment service times out; rolling back the 08:40 deploy.');
    await modal.locator('button.submit').click();
    await modal.waitFor({ state: 'detached' });
    await page.locator('.message', { hasText: 'rolling back the 08:40 deploy' }).first().waitFor();

    // The requester's side: the acknowledgement in the mailbox, and a reply through the SMTP listener.
    await page.click('[data-nav=mail]');
    const ack = page.locator('.mail-item', { hasText: subject }).first();
    await ack.waitFor();
    await ack.click();
    await page.locator('.mail-body', { hasText: 'We have received your request' }).waitFor();
    await page.fill('.reply-text', 'Thanks, we will wait for your update.');
    await page.click('.mail-reply button');
    await page.locator('.toast', { hasText: 'SMTP listener' }).waitFor();
    await page.click('[data-channel=support]');
    await card().locator('.replies').click();
    await page.locator('.thread .message', { hasText: 'we will wait for your update' }).waitFor();
  }, 120_000);

  it('moves the clock: the scheduled work it passes runs at once', async () => {
    const before = await page.locator('.clock-now').textContent();
    await page.locator('.clock-step', { hasText: '+1 day' }).click();
    await page.locator('.toast', { hasText: 'sla.sweep' }).waitFor();
    await page
      .locator('.clock-now')
      .filter({ hasNotText: before ?? '' })
      .waitFor();
  }, 60_000);
});
