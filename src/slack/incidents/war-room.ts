import type { WebClient } from '@slack/web-api';
import type { IncidentDoc } from '../../db/models/incident.js';
import type { Models } from '../../db/models/index.js';
import { deliverOnce } from '../../db/once.js';
import { OnceKeys } from '../../db/once-keys.js';
import { warRoomName } from '../../domain/incidents/channel-name.js';
import { BusyElsewhereError, mayHaveReachedSlack, slackErrorCode } from '../errors.js';

/** Slack's answers that no retry changes, with what fixes each (shown in the ticket's thread). */
const REFUSALS: Record<string, string> = {
  missing_scope:
    'Reinstall the app with the scopes in manifest.json (channels:manage, or groups:write for private war rooms).',
  restricted_action:
    'The workspace only lets some people create channels: allow the Deskbell app to create them (workspace settings → permissions).',
  not_allowed_token_type: 'SLACK_BOT_TOKEN must be the bot token (xoxb-).',
  invalid_name_specials: 'The channel name was refused; tell your Deskbell admin.',
  team_access_not_granted: 'Grant the app access to this workspace.',
};

export type WarRoom = { id: string; name: string } | { error: string; hint?: string };

/**
 * Opens the incident's war room exactly once. The name is `inc-<n>-<subject>`, with `-2`, `-3`… when
 * taken by someone else. When an earlier attempt may have created it (a timeout, or a crash between
 * conversations.create and recording it), the channels Deskbell created under those names are looked up
 * first, so a retry finds its channel instead of opening a second.
 */
export async function openWarRoom(
  deps: {
    models: Pick<Models, 'Delivery'>;
    slack: WebClient;
    slackNoRetry: WebClient;
    claimMs: number;
    botUserId: () => Promise<string>;
  },
  incident: IncidentDoc,
  opts: { private: boolean; at: Date },
): Promise<WarRoom> {
  const names = Array.from({ length: 20 }, (_, i) => warRoomName(incident.number, incident.title, i + 1));
  try {
    const outcome = await deliverOnce<{ id: string; name: string }>(deps.models, {
      key: OnceKeys.warRoom(incident.id),
      kind: 'war-room',
      ticketId: incident.ticketId,
      at: opts.at,
      deadlineMs: deps.claimMs,
      mayHaveReached: mayHaveReachedSlack,
      check: () => findOwnChannel(deps, names, opts.private),
      send: async () => {
        for (const name of names) {
          try {
            const res = await deps.slackNoRetry.conversations.create({ name, is_private: opts.private });
            const id = (res.channel as { id?: string } | undefined)?.id;
            if (!id) throw new Error('conversations.create answered without a channel id');
            return { id, name };
          } catch (err) {
            if (slackErrorCode(err) !== 'name_taken') throw err;
            // Taken: by a channel of ours from an attempt we lost track of, or by someone else's.
            const ours = await findOwnChannel(deps, [name], opts.private);
            if (ours) return ours;
          }
        }
        throw Object.assign(new Error('every war-room name is taken'), {
          code: 'slack_webapi_platform_error',
          data: { error: 'name_taken' },
        });
      },
    });
    if (outcome.status === 'busy')
      throw new BusyElsewhereError(`another worker is opening the war room of ${incident.key}`);
    return outcome.result;
  } catch (err) {
    const code = slackErrorCode(err);
    if (!code || mayHaveReachedSlack(err)) throw err;
    return { error: code, ...(REFUSALS[code] ? { hint: REFUSALS[code] } : {}) };
  }
}

/** A channel with one of `names` that Deskbell's bot user created. */
async function findOwnChannel(
  deps: { slack: WebClient; botUserId: () => Promise<string> },
  names: string[],
  isPrivate: boolean,
): Promise<{ id: string; name: string } | undefined> {
  const me = await deps.botUserId();
  const wanted = new Set(names);
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await deps.slack.conversations.list({
      types: isPrivate ? 'private_channel' : 'public_channel',
      limit: 1000,
      exclude_archived: true,
      ...(cursor ? { cursor } : {}),
    });
    const hit = (res.channels ?? []).find((c) => c.name && wanted.has(c.name) && c.creator === me);
    if (hit?.id && hit.name) return { id: hit.id, name: hit.name };
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}
