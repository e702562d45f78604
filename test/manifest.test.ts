import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { CallbackIds } from '../views/ids.js';

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));

describe('manifest.json', () => {
  it('asks for every scope the product uses', () => {
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    for (const scope of ['chat:write', 'chat:write.public', 'commands', 'channels:manage', 'channels:read', 'channels:join', 'groups:write', 'pins:write', 'users:read', 'users:read.email', 'usergroups:read', 'im:write', 'files:write']) {
      expect(scopes).toContain(scope);
    }
  });

  it('routes commands, interactivity and events to /slack/events', () => {
    const urls = [
      ...manifest.features.slash_commands.map((c: { url: string }) => c.url),
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ];
    expect(urls.every((u: string) => u.endsWith('/slack/events'))).toBe(true);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/support', '/support-report']);
    expect(manifest.features.shortcuts[0]).toMatchObject({ type: 'message', callback_id: CallbackIds.createFromMessage });
  });
});
