import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { CallbackIds } from '../views/ids.js';

const root = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));

/** The bot scopes each Web API method Deskbell may call needs (Slack's method reference). */
const SCOPES_BY_METHOD: Record<string, string[]> = {
  'auth.test': [],
  'bookmarks.add': ['bookmarks:write'],
  'bookmarks.list': ['bookmarks:read'],
  'chat.getPermalink': [],
  'chat.postEphemeral': ['chat:write'],
  // chat:write.public: #support and the war rooms are posted to without the bot joining first.
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.list': ['channels:read', 'groups:read'],
  'conversations.open': ['im:write'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'conversations.archive': ['channels:manage', 'groups:write'],
  'files.completeUploadExternal': ['files:write'],
  'files.getUploadURLExternal': ['files:write'],
  'pins.add': ['pins:write'],
  'usergroups.users.list': ['usergroups:read'],
  // users:read.email: the "Create support ticket" shortcut prefills the author's address.
  'users.info': ['users:read', 'users:read.email'],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
};
const SCOPES_BY_EVENT: Record<string, string[]> = {
  app_home_opened: [],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every `<client>.<family>.<method>(` call in the app's code. */
function methodsCalled(): string[] {
  const call =
    /\b(?:slack|slackNoRetry|client)\.((?:auth|bookmarks|chat|conversations|files|pins|usergroups|users|views|reactions|team|reminders)\.[a-zA-Z.]+)\(/g;
  const found = new Set<string>();
  // src/sandbox is the Slack stand-in (it answers these methods, it does not call Slack).
  const app = ['src', 'listeners', 'jobs'].flatMap((d) => sourceFiles(join(root, d)));
  for (const file of app.filter((f) => !f.includes(join(root, 'src', 'sandbox')))) {
    for (const m of readFileSync(file, 'utf8').matchAll(call)) found.add(m[1]!);
  }
  return [...found].sort();
}

describe('manifest.json', () => {
  it('asks for exactly the scopes the code uses: every one it needs, and no other', () => {
    const methods = methodsCalled();
    expect(methods.length).toBeGreaterThan(10);
    for (const method of methods) expect(SCOPES_BY_METHOD, `scopes of ${method}`).toHaveProperty([method]);
    const events: string[] = manifest.settings.event_subscriptions.bot_events;
    const needed = new Set([
      ...methods.flatMap((m) => SCOPES_BY_METHOD[m] ?? []),
      ...events.flatMap((e) => SCOPES_BY_EVENT[e] ?? [`unknown event ${e}`]),
      ...(manifest.features.slash_commands.length || manifest.features.shortcuts.length ? ['commands'] : []),
    ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('routes commands, interactivity and events to /slack/events', () => {
    const urls = [
      ...manifest.features.slash_commands.map((c: { url: string }) => c.url),
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ];
    expect(urls.every((u: string) => u.endsWith('/slack/events'))).toBe(true);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([
      '/support',
      '/support-report',
    ]);
    expect(manifest.features.shortcuts[0]).toMatchObject({
      type: 'message',
      callback_id: CallbackIds.createFromMessage,
    });
  });
});
