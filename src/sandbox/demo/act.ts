import { mailAsRequester, quoted, sendWebhookTicket, type WebhookTicket } from '../mail.js';
import { type Choice, choicesByBlockPrefix } from '../slack/payloads.js';
import type { Sandbox } from '../sandbox.js';
import { waitFor } from '../settle.js';

/** A ticket with its card in #support, as the demo week drives it. */
export interface Card {
  id: string;
  key: string;
  channel: string;
  ts: string;
}

const LONG = 60_000;

/**
 * The demo week's hands: each step goes in as a customer, a monitoring system or a person in Slack would send
 * it (mail to the SMTP listener, a signed webhook, signed Slack requests) and waits for Deskbell to answer.
 */
export class DemoActor {
  constructor(private readonly s: Sandbox) {}

  private get models() {
    return this.s.app.context.models;
  }

  private async card(
    find: () => Promise<{
      _id: unknown;
      key: string;
      card?: { channel?: string | null; ts?: string | null } | null;
    } | null>,
    what: string,
  ) {
    return waitFor(
      async () => {
        const t = await find();
        return t?.card?.ts && t.card.channel
          ? { id: String(t._id), key: t.key, channel: t.card.channel, ts: t.card.ts }
          : undefined;
      },
      `the card of ${what}`,
      LONG,
    );
  }

  async byMail(from: { email: string; name: string }, subject: string, text: string): Promise<Card> {
    await mailAsRequester(this.s.config, this.s.smtpPort, this.s.clock, { ...from, subject, text });
    return this.card(
      () => this.models.Ticket.findOne({ subject, 'requester.email': from.email }).sort({ _id: -1 }).lean(),
      subject,
    );
  }

  /** A ticket from a signed webhook; its id (a ticket that joins a storm gets no card of its own). */
  async webhook(ticket: WebhookTicket): Promise<string> {
    const res = await sendWebhookTicket(this.s.config, this.s.url, ticket);
    if (res.status >= 300) throw new Error(`the webhook was refused (${res.status}): ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  async byWebhook(ticket: WebhookTicket): Promise<Card> {
    const id = await this.webhook(ticket);
    return this.card(() => this.models.Ticket.findById(id).lean(), ticket.subject);
  }

  /** Clicks a button of a message (a card, a brief, a DM). */
  async click(user: string, message: { channel: string; ts: string }, actionId: string, choice?: Choice) {
    const answer = await this.s.driver.act(
      user,
      { type: 'message', ...message },
      { actionId, ...(choice !== undefined ? { choice } : {}) },
    );
    if (answer.status !== 200) throw new Error(`${actionId} was answered ${answer.status}`);
  }

  /**
   * Waits for `user`'s modal `callbackId` and submits it with `answers` by block id (or its start); other inputs
   * keep their initial values.
   */
  async submit(user: string, callbackId: string, answers: Record<string, Choice>) {
    const modal = await waitFor(
      () => this.s.slack.modalStacks.get(user)?.find((v) => v.view.callback_id === callbackId),
      `the ${callbackId} modal`,
      LONG,
    );
    const answer = await this.s.driver.submit(user, modal.id, choicesByBlockPrefix(modal.view.blocks ?? [], answers));
    if (answer.errors) throw new Error(`${callbackId} was refused: ${JSON.stringify(answer.errors)}`);
  }

  async say(user: string, channel: string, text: string, threadTs?: string) {
    await this.s.driver.say(user, channel, text, threadTs);
  }

  async command(user: string, channel: string, command: string, text: string) {
    await this.s.driver.command(user, channel, command, text);
  }

  /** The requester answers the latest mail Deskbell sent them, in its thread. */
  async replyByMail(email: string, text: string) {
    const mail = await waitFor(
      () =>
        this.s
          .mails()
          .filter((m) => m.to.includes(email))
          .at(-1),
      `a mail to ${email}`,
      LONG,
    );
    const subject = /^re:/i.test(mail.subject) ? mail.subject : `Re: ${mail.subject}`;
    await mailAsRequester(this.s.config, this.s.smtpPort, this.s.clock, {
      email,
      subject,
      text: quoted(text, mail),
      inReplyTo: mail,
    });
  }

  /** The incident of a ticket once its war room and brief are there. */
  async incidentOf(ticketId: string) {
    const i = await waitFor(
      async () => {
        const found = await this.models.Incident.findOne({ ticketId }).lean();
        return found?.channel?.id && found.brief?.ts && found.brief.channel ? found : undefined;
      },
      'the war room and its brief',
      LONG,
    );
    return {
      id: String(i._id),
      key: i.key,
      room: i.channel!.id!,
      brief: { channel: i.brief!.channel!, ts: i.brief!.ts! },
    };
  }

  /** The storm a ticket joined, once its card is posted. */
  async stormCardOf(ticketId: string) {
    const storm = await waitFor(
      async () => {
        const t = await this.models.Ticket.findById(ticketId).lean();
        const id = t?.storm?.id;
        const found = id ? await this.models.Storm.findById(id).lean() : null;
        return found?.card?.ts && found.card.channel ? found : undefined;
      },
      'the storm card',
      LONG,
    );
    return { channel: storm.card!.channel!, ts: storm.card!.ts! };
  }
}
