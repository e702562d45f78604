import type { ViewStateValue } from '@slack/bolt';
import type { z, ZodError, ZodType } from 'zod';
import type { AppContext } from '../src/context.js';
import { DomainError } from '../src/domain/errors.js';
import type { Actor } from '../src/domain/types.js';
import { notInTeamText } from '../views/team-gate.js';
import { parseModalMetadata, type ModalMetadata } from './ticket-ref.js';

/** The block holding an input whose block_id may carry a revision suffix (views/reply-modal.ts, revisedBlockId). */
export function findBlockId(values: Record<string, Record<string, ViewStateValue>>, base: string): string | undefined {
  return Object.keys(values).find((id) => id === base || id.startsWith(`${base}.`));
}

/** A form's checks before Slack is answered; see checkTicketForm. `M` is what the form's private_metadata names. */
export interface FormCheck<M, S extends ZodType> {
  block: string;
  blockOf?: Record<string, string>;
  /** The button that opens the form, named in the "out of date" refusal. */
  button: string;
  what: string;
  schema: S;
  values: unknown;
  guard: (meta: M, data: z.output<S>) => Promise<unknown>;
}

/**
 * The checks a form's submission passes before Slack is answered: its metadata still names what it is
 * about, its fields parse, the submitter is in the team, and the domain's `guard` accepts (its DomainError
 * is the refusal). Refusals go back into the modal: field errors on their blocks, the rest on `block`. The
 * change itself runs after the ack.
 */
export async function checkForm<M, S extends ZodType>(
  ctx: Pick<AppContext, 'team' | 'logger'>,
  user: string,
  meta: M | undefined,
  form: FormCheck<M, S> & { where: string },
): Promise<{ ok: true; meta: M; data: z.output<S> } | { ok: false; errors: Record<string, string> }> {
  const refuse = (message: string) => ({ ok: false as const, errors: { [form.block]: message } });
  if (!meta) return refuse(`This form is out of date. Close it and press ${form.button} ${form.where} again.`);
  const parsed = form.schema.safeParse(form.values);
  if (!parsed.success) return { ok: false, errors: modalErrors(parsed.error, form.blockOf ?? {}, form.block) };
  try {
    if (!(await ctx.team.mayAct(user))) return refuse(notInTeamText(ctx.team.usergroup));
    await form.guard(meta, parsed.data);
  } catch (err) {
    if (err instanceof DomainError) return refuse(err.message);
    ctx.logger.error({ err, user }, `could not check ${form.what} before accepting it`);
    return refuse(`Could not check this ${form.what} right now; nothing was changed. Please submit again in a moment.`);
  }
  return { ok: true, meta, data: parsed.data };
}

/** checkForm for a ticket's form (its metadata names the ticket and its card). */
export function checkTicketForm<S extends ZodType>(
  ctx: Pick<AppContext, 'team' | 'logger'>,
  user: string,
  privateMetadata: string | undefined,
  form: Omit<FormCheck<ModalMetadata, S>, 'guard'> & {
    guard: (ticketId: string, data: z.output<S>) => Promise<unknown>;
  },
) {
  return checkForm(ctx, user, parseModalMetadata(privateMetadata), {
    ...form,
    where: 'on the card',
    guard: (meta, data) => form.guard(meta.ticketId, data),
  });
}

/**
 * The acting agent, named as the requester should see them in a mail's signature: the Slack profile's real
 * name when it can be read, else the user name.
 */
export async function agentActor(
  ctx: Pick<AppContext, 'slack' | 'logger'>,
  user: { id: string; name?: string; username?: string },
): Promise<Actor> {
  const fallback = user.name ?? user.username;
  try {
    const res = await ctx.slack.users.info({ user: user.id });
    const name = res.user?.real_name || res.user?.profile?.real_name || res.user?.profile?.display_name || fallback;
    return { type: 'user', id: user.id, name: name || undefined };
  } catch (err) {
    ctx.logger.warn({ err, user: user.id }, 'could not read the agent profile; signing with the user name');
    return { type: 'user', id: user.id, name: fallback };
  }
}

/**
 * A failed form validation as Slack's `response_action: 'errors'` map: the first message for each field,
 * on the block that holds it; issues of unmapped fields go to `fallback` (or are dropped without one).
 */
export function modalErrors(
  error: ZodError,
  blockOf: Record<string, string>,
  fallback?: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const block = blockOf[String(issue.path[0])] ?? fallback;
    if (block) errors[block] ??= issue.message;
  }
  return errors;
}
