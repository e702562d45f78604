import type { ViewStateValue } from '@slack/bolt';
import type { ZodError } from 'zod';
import type { AppContext } from '../src/context.js';
import { DomainError } from '../src/domain/errors.js';
import type { Actor } from '../src/domain/tickets.js';
import { notInTeamText } from '../views/team-gate.js';

/** The block holding an input whose block_id may carry a revision suffix (views/reply-modal.ts, revisedBlockId). */
export function findBlockId(values: Record<string, Record<string, ViewStateValue>>, base: string): string | undefined {
  return Object.keys(values).find((id) => id === base || id.startsWith(`${base}.`));
}

/**
 * What to tell a submitter inside the modal before accepting the form, or undefined to accept it: the team
 * gate, then the domain's `guard` (its DomainError is the refusal). The change itself runs after the ack.
 */
export async function refusalBeforeAccepting(ctx: Pick<AppContext, 'team' | 'logger'>, user: string, what: string, guard: () => Promise<unknown>): Promise<string | undefined> {
  try {
    if (!(await ctx.team.mayAct(user))) return notInTeamText(ctx.team.usergroup);
    await guard();
    return undefined;
  } catch (err) {
    if (err instanceof DomainError) return err.message;
    ctx.logger.error({ err, user }, `could not check ${what} before accepting it`);
    return `Could not check this ${what} right now; nothing was changed. Please submit again in a moment.`;
  }
}

/**
 * The acting agent, named as the requester should see them in a mail's signature: the Slack profile's real
 * name when it can be read, else the user name.
 */
export async function agentActor(ctx: Pick<AppContext, 'slack' | 'logger'>, user: { id: string; name?: string; username?: string }): Promise<Actor> {
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
export function modalErrors(error: ZodError, blockOf: Record<string, string>, fallback?: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const block = blockOf[String(issue.path[0])] ?? fallback;
    if (block) errors[block] ??= issue.message;
  }
  return errors;
}
