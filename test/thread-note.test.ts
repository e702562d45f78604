import { describe, expect, it } from 'vitest';
import { threadNoteText } from '../views/thread-note.js';

const agent = { type: 'user' as const, id: 'UAGENT1' };

describe('thread notes: the domain records words, the view adds Slack', () => {
  it('turns placeholders into mentions and adds the icon of the event kind', () => {
    expect(
      threadNoteText({
        kind: 'assigned',
        text: '{assignee} took over from {previous} (assigned by {actor})',
        actor: agent,
        data: { assignee: 'UBOB', previous: 'UCAROL' },
      }),
    ).toBe('<@UBOB> took over from <@UCAROL> (assigned by <@UAGENT1>)');
    expect(threadNoteText({ kind: 'resolved', text: 'Resolved by {actor}', actor: agent, data: {} })).toBe(
      ':white_check_mark: Resolved by <@UAGENT1>',
    );
    expect(
      threadNoteText({
        kind: 'reopened',
        text: 'Reopened (was Resolved, now In progress): the requester replied',
        actor: agent,
        data: { reason: 'requester_reply' },
      }),
    ).toMatch(/^:leftwards_arrow_with_hook: Reopened/);
    expect(
      threadNoteText({
        kind: 'requester_reply',
        text: 'Automatic reply from {actor} (status unchanged)',
        actor: { type: 'requester', id: 'a@example.com' },
        data: { automated: true },
      }),
    ).toBe(':robot_face: Automatic reply from a@example.com (status unchanged)');
  });

  it('escapes what a requester wrote, in the quote and in their name', () => {
    const text = threadNoteText({
      kind: 'requester_reply',
      text: 'Reply from {actor}',
      actor: { type: 'requester', id: 'x@example.com', name: '<!channel> Eve' },
      data: { quote: 'Hi <!here> & <@U1>' },
    });
    expect(text).not.toMatch(/<!channel>|<!here>|<@U1>/);
    expect(text).toContain('&lt;!channel&gt; Eve');
    expect(text).toContain('&amp;');
  });

  it('keeps the icon an older stored event already carries, once', () => {
    expect(threadNoteText({ kind: 'closed', text: ':lock: Closed by {actor}', actor: agent, data: {} })).toBe(
      ':lock: Closed by <@UAGENT1>',
    );
  });
});
