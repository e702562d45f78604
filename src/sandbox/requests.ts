import { z } from 'zod';
import { CATEGORIES, PRIORITIES } from '../domain/types.js';
import { SandboxError } from './driver.js';
import { mailAsRequester, quoted, sendWebhookTicket } from './mail.js';
import type { Sandbox } from './sandbox.js';

const userId = z.string().regex(/^U[A-Z0-9]+$/);
const channelId = z.string().regex(/^[CGD][A-Z0-9]+$/);
const ts = z.string().regex(/^\d+\.\d+$/);
const choice = z.union([z.string().max(3000), z.number(), z.array(z.string().max(255)).max(100), z.null()]);
const choices = z.record(z.string().max(255), z.record(z.string().max(255), choice));
const where = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), channel: channelId, ts }),
  z.object({ type: z.literal('ephemeral'), channel: channelId, ts }),
  z.object({ type: z.literal('view'), viewId: z.string().min(1).max(64) }),
]);

interface Handler<S extends z.ZodType> {
  schema: S;
  run: (sandbox: Sandbox, body: z.output<S>) => Promise<object>;
}

const handler = <S extends z.ZodType>(schema: S, run: Handler<S>['run']): Handler<S> => ({ schema, run });

/** What the page can do, by the last part of `/sandbox/api/<name>`: each body parsed with zod before anything runs. */
export const requests: Record<string, Handler<z.ZodType>> = {
  act: handler(
    z.object({
      user: userId,
      where,
      blockId: z.string().max(255).optional(),
      actionId: z.string().min(1).max(255),
      choice: choice.optional(),
      state: choices.optional(),
    }),
    (s, b) => s.driver.act(b.user, b.where, b),
  ),
  submit: handler(z.object({ user: userId, viewId: z.string().min(1).max(64), state: choices }), (s, b) =>
    s.driver.submit(b.user, b.viewId, b.state),
  ),
  close: handler(z.object({ user: userId, viewId: z.string().min(1).max(64) }), (s, b) =>
    s.driver.close(b.user, b.viewId),
  ),
  command: handler(
    z.object({
      user: userId,
      channel: channelId,
      command: z.enum(['/support', '/support-report']),
      text: z.string().max(4000),
    }),
    (s, b) => s.driver.command(b.user, b.channel, b.command, b.text),
  ),
  say: handler(
    z.object({ user: userId, channel: channelId, text: z.string().trim().min(1).max(4000), threadTs: ts.optional() }),
    async (s, b) => ({ ts: (await s.driver.say(b.user, b.channel, b.text, b.threadTs)).ts }),
  ),
  home: handler(z.object({ user: userId }), (s, b) => s.driver.openHome(b.user)),
  shortcut: handler(
    z.object({ user: userId, channel: channelId, ts, callbackId: z.string().min(1).max(255) }),
    (s, b) => s.driver.shortcut(b.user, b.callbackId, b.channel, b.ts),
  ),
  ticket: handler(
    z.object({
      via: z.enum(['email', 'webhook']),
      email: z.email('the requester needs an email address'),
      name: z.string().trim().max(200).optional(),
      subject: z.string().trim().min(1, 'a ticket needs a subject').max(250),
      body: z.string().max(20_000),
      priority: z.enum(PRIORITIES).optional(),
      category: z.enum(CATEGORIES).optional(),
    }),
    async (s, b) => {
      const requester = { email: b.email, ...(b.name ? { name: b.name } : {}) };
      if (b.via === 'email') {
        await mailAsRequester(s.config, s.smtpPort, s.clock, { ...requester, subject: b.subject, text: b.body });
        return { status: 250 };
      }
      const res = await sendWebhookTicket(s.config, s.url, {
        subject: b.subject,
        body: b.body,
        requester,
        ...(b.priority ? { priority: b.priority } : {}),
        ...(b.category ? { category: b.category } : {}),
      });
      return { status: res.status, answer: await res.json().catch(() => null) };
    },
  ),
  'reply-mail': handler(
    z.object({ mailId: z.number().int().min(0), text: z.string().trim().min(1).max(20_000) }),
    async (s, b) => {
      const original = s.mails()[b.mailId];
      if (!original) throw new SandboxError('no such mail');
      const to = /<([^>]+)>/.exec(original.to)?.[1] ?? original.to;
      const subject = /^re:/i.test(original.subject) ? original.subject : `Re: ${original.subject}`;
      await mailAsRequester(s.config, s.smtpPort, s.clock, {
        email: to,
        subject,
        text: quoted(b.text, original),
        inReplyTo: original,
      });
      return { status: 250 };
    },
  ),
  clock: handler(
    z.object({
      minutes: z
        .number()
        .positive()
        .max(60 * 24 * 31),
    }),
    async (s, b) => ({
      ran: await s.travel(b.minutes * 60_000),
      now: s.clock.now().toISOString(),
    }),
  ),
};
