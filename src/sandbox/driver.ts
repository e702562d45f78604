import { randomUUID } from 'node:crypto';
import { PEOPLE } from './people.js';
import { type Choice, type Choices, actionPayload, findElement, viewState } from './slack/payloads.js';
import type { SlackSender } from './slack/requests.js';
import type { Args, SlackWebApi, StoredMessage } from './slack/web-api.js';

/** Where a control was used: a message (ephemeral ones too) or a view (a modal or a Home tab). */
export type Where =
  | { type: 'message'; channel: string; ts: string }
  | { type: 'ephemeral'; channel: string; ts: string }
  | { type: 'view'; viewId: string };

/** What Deskbell answered, as the page shows it: an HTTP status, and a modal's field errors if it gave some. */
export interface Answer {
  status: number;
  errors?: Record<string, string>;
}

export class SandboxError extends Error {}

const userOf = (id: string) => {
  const p = PEOPLE.find((x) => x.id === id);
  if (!p) throw new SandboxError(`nobody called ${id} works here`);
  return { id, username: p.name, name: p.name, team_id: 'T0001' };
};

const nowTs = () => `${(Date.now() / 1000).toFixed(6)}`;

/**
 * Plays the people of the sandbox: every click, choice, submission, command and message goes to Deskbell's
 * real /slack/events as Slack would send it, signed. The page's API and the demo week both act through here.
 */
export class SlackDriver {
  constructor(
    private readonly workspace: SlackWebApi,
    private readonly sender: SlackSender,
  ) {}

  private blocksAt(user: string, where: Where): { blocks: unknown[]; view?: Args; message?: StoredMessage } {
    if (where.type === 'view') {
      const stored = this.workspace.views.get(where.viewId);
      if (!stored) throw new SandboxError('that view is closed');
      return {
        blocks: (stored.view.blocks ?? []) as unknown[],
        view: { ...stored.view, id: stored.id, hash: stored.hash },
      };
    }
    if (where.type === 'ephemeral') {
      const e = this.workspace.ephemerals.find((m) => m.ts === where.ts && m.user === user);
      if (!e) throw new SandboxError('that message is gone');
      return { blocks: e.blocks ?? [] };
    }
    const message = this.workspace.messages.find((m) => m.channel === where.channel && m.ts === where.ts);
    if (!message) throw new SandboxError('that message is gone');
    return { blocks: message.blocks ?? [], message };
  }

  /** A click or a choice on a control: a block_actions payload with the message or the view around it. */
  async act(
    user: string,
    where: Where,
    target: { blockId?: string; actionId: string; choice?: Choice; state?: Choices },
  ) {
    const { blocks, view, message } = this.blocksAt(user, where);
    const located = findElement(blocks, target.blockId, target.actionId);
    if (!located) throw new SandboxError(`no control ${target.actionId} there`);
    const container =
      where.type === 'view'
        ? { type: 'view', view_id: where.viewId }
        : {
            type: 'message',
            channel_id: where.channel,
            message_ts: where.ts,
            is_ephemeral: where.type === 'ephemeral',
          };
    const payload = {
      type: 'block_actions',
      user: userOf(user),
      trigger_id: this.workspace.trigger(user),
      container,
      ...(where.type === 'view' ? { view: { ...view, state: viewState(blocks, target.state) } } : {}),
      ...(where.type !== 'view' ? { channel: { id: where.channel }, state: viewState(blocks, target.state) } : {}),
      ...(message ? { message: { type: 'message', ...message, ...(message.user ? {} : { bot_id: 'BBOT' }) } } : {}),
      actions: [actionPayload(located, target.choice, nowTs())],
    };
    return this.answer(await this.sender.interaction(payload));
  }

  /** Presses a modal's submit button: field errors stay on the modal, anything else is applied to the stack. */
  async submit(user: string, viewId: string, state: Choices = {}): Promise<Answer> {
    const stored = this.workspace.views.get(viewId);
    if (!stored) throw new SandboxError('that modal is closed');
    const view = {
      ...stored.view,
      id: stored.id,
      hash: stored.hash,
      state: viewState(stored.view.blocks ?? [], state),
    };
    const res = await this.sender.interaction({
      type: 'view_submission',
      user: userOf(user),
      trigger_id: this.workspace.trigger(user),
      view,
    });
    const text = await res.text();
    const body = parseJson(text) ?? {};
    if (res.status === 200) this.workspace.answerSubmission(user, viewId, body);
    this.workspace.changed();
    return { status: res.status, ...(body.response_action === 'errors' ? { errors: body.errors ?? {} } : {}) };
  }

  /** Closes a modal with its X or Cancel: Slack tells the app only when the view asked (notify_on_close). */
  async close(user: string, viewId: string): Promise<Answer> {
    const stored = this.workspace.views.get(viewId);
    this.workspace.closeModal(user, viewId);
    this.workspace.changed();
    if (!stored?.view.notify_on_close) return { status: 200 };
    const view = { ...stored.view, id: stored.id, hash: stored.hash, state: viewState(stored.view.blocks ?? []) };
    return this.answer(
      await this.sender.interaction({ type: 'view_closed', user: userOf(user), view, is_cleared: false }),
    );
  }

  /** A slash command; an answer in its acknowledgement is shown as Slack shows it (to the caller, or to all). */
  async command(user: string, channel: string, command: string, text: string): Promise<Answer> {
    const name = this.workspace.channels.get(channel)?.name ?? 'directmessage';
    const extra = {
      channel_id: channel,
      channel_name: name,
      trigger_id: this.workspace.trigger(user),
      user_name: userOf(user).name,
    };
    const res = await this.sender.command(command, text, user, extra);
    const body = parseJson(await res.text());
    if (body?.text || body?.blocks) {
      this.workspace.acknowledgement(channel, user, body);
      this.workspace.changed();
    }
    return { status: res.status };
  }

  /** A person's message in a channel or a thread: stored, then sent to Deskbell as the Events API does. */
  async say(user: string, channel: string, text: string, threadTs?: string): Promise<StoredMessage> {
    const message = this.workspace.postAs(user, channel, text, threadTs);
    this.workspace.changed();
    const event = {
      type: 'message',
      channel,
      channel_type: channel.startsWith('D') ? 'im' : channel.startsWith('G') ? 'group' : 'channel',
      user,
      text,
      ts: message.ts,
      event_ts: message.ts,
      client_msg_id: randomUUID(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    await this.sender.event(event);
    return message;
  }

  /** Opening the Home tab asks Deskbell to publish it. */
  async openHome(user: string): Promise<Answer> {
    const res = await this.sender.event({
      type: 'app_home_opened',
      user,
      channel: `D${user}`,
      tab: 'home',
      event_ts: nowTs(),
    });
    return this.answer(res);
  }

  /** A message shortcut (the message's ⋯ menu), such as *Create support ticket*. */
  async shortcut(user: string, callbackId: string, channel: string, ts: string): Promise<Answer> {
    const message = this.workspace.messages.find((m) => m.channel === channel && m.ts === ts);
    if (!message) throw new SandboxError('that message is gone');
    const payload = {
      type: 'message_action',
      callback_id: callbackId,
      user: userOf(user),
      channel: { id: channel, name: this.workspace.channels.get(channel)?.name },
      message: { type: 'message', ...message },
      message_ts: ts,
      trigger_id: this.workspace.trigger(user),
      response_url: 'https://hooks.slack.invalid/shortcuts/1',
    };
    return this.answer(await this.sender.interaction(payload));
  }

  private async answer(res: Response): Promise<Answer> {
    await res.arrayBuffer();
    return { status: res.status };
  }
}

function parseJson(text: string): Args | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Args;
  } catch {
    return undefined;
  }
}
