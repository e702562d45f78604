import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { SentMail } from './mail.js';
import { PEOPLE } from './people.js';
import type { SlackWebApi, StoredChannel, StoredMessage, UploadedFile } from './slack/web-api.js';
import { inChannel } from './slack/workspace.js';

/** What the page asks to see: who is looking, and at which conversation and thread. */
export interface Looking {
  user: string;
  channel?: string;
  thread?: string;
}

export interface PageSources {
  workspace: SlackWebApi;
  clock: Clock;
  config: Config;
  /** A sentence while the demo week is being filled in, else undefined. */
  busy: () => string | undefined;
  smtpPort: () => number | undefined;
  mails: () => SentMail[];
}

const IMAGE = /\.(png|jpe?g|gif)$/i;

const fileInfo = (f: UploadedFile) => ({
  id: f.id,
  filename: f.filename,
  title: f.title ?? f.filename,
  size: f.bytes?.length ?? f.length,
  image: IMAGE.test(f.filename),
  alt: f.altText,
});

/**
 * Channels Deskbell posts to that it did not create (a channel named in its settings): shown as public, by id,
 * as a workspace where the app was invited would have them.
 */
function unlisted(workspace: SlackWebApi): StoredChannel[] {
  const ids = new Set(
    workspace.messages.map((m) => m.channel).filter((id) => /^[CG]/.test(id) && !workspace.channels.has(id)),
  );
  return [...ids].map((id) => ({
    id,
    name: id.toLowerCase(),
    members: new Set<string>(),
    creator: 'UBOT',
    is_private: false,
  }));
}

/** The DM between `user` and Deskbell: posts to the user id and to `D<user>` are the same conversation. */
export const dmOf = (user: string) => `D${user}`;

/**
 * Everything the page draws for one person, in one JSON answer: the channels they can see, the open
 * conversation and thread, their App Home and top modal, the mailbox, the files and the clock. The page keeps
 * no state of its own beyond what it is looking at.
 */
export function pageState(src: PageSources, looking: Looking) {
  const { workspace, config } = src;
  const { user } = looking;
  const visible = [...workspace.channels.values(), ...unlisted(workspace)].filter(
    (c) => !c.is_private || c.members.has(user),
  );
  const channel = looking.channel ?? config.SUPPORT_CHANNEL_ID;
  const isDm = channel === dmOf(user);
  const known = isDm || visible.some((c) => c.id === channel);
  const inView = (m: StoredMessage) => (isDm ? inChannel(m, channel) : m.channel === channel);
  const all = known ? workspace.messages.filter(inView) : [];
  const files = (m: StoredMessage) =>
    (m.files ?? []).flatMap((id) => {
      const f = workspace.uploads.get(id);
      return f ? [fileInfo(f)] : [];
    });
  const shown = (m: StoredMessage) => {
    const replies = all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts);
    return {
      ts: m.ts,
      user: m.user,
      text: m.text ?? '',
      blocks: m.blocks ?? null,
      files: files(m),
      replies: replies.length,
      lastReply: replies.at(-1)?.ts,
      pinned: workspace.pins.some((p) => p.channel === m.channel && p.timestamp === m.ts),
    };
  };
  const ephemerals = workspace.ephemerals.filter(
    (e) => e.user === user && (e.channel === channel || (isDm && e.channel === user)),
  );
  const top = all.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const parent = looking.thread ? all.find((m) => m.ts === looking.thread) : undefined;
  const info = workspace.channels.get(channel);
  return {
    now: src.clock.now().toISOString(),
    timezone: config.SUPPORT_TIMEZONE,
    supportAddress: config.SUPPORT_EMAIL_ADDRESS,
    smtpPort: src.smtpPort(),
    busy: src.busy() ?? null,
    people: PEOPLE.map(({ id, real_name, role, title }) => ({ id, real_name, role, title })),
    me: user,
    channels: visible.map((c) => ({ id: c.id, name: c.name, private: c.is_private, archived: !!c.is_archived })),
    conversation: {
      id: channel,
      name: isDm ? 'Deskbell' : (info?.name ?? channel),
      dm: isDm,
      known,
      private: !!info?.is_private,
      topic: info?.topic ?? '',
      members: info ? [...info.members] : [],
      bookmarks: workspace.bookmarks
        .filter((b) => b.channel_id === channel)
        .map(({ title, link }) => ({ title, link })),
      messages: top.map(shown),
      ephemerals: ephemerals.map((e) => ({ ts: e.ts, text: e.text ?? '', blocks: e.blocks ?? null })),
    },
    thread: parent
      ? {
          ts: parent.ts,
          parent: shown(parent),
          replies: all.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts).map(shown),
        }
      : null,
    home: homeOf(workspace, user),
    modal: modalOf(workspace, user),
    mails: src.mails().reverse(),
    files: [...workspace.uploads.values()]
      .filter((f) => f.completed && (visible.some((c) => c.id === f.channel) || f.channel === dmOf(user)))
      .map(fileInfo),
  };
}

function homeOf(workspace: SlackWebApi, user: string) {
  const home = workspace.homes.get(user);
  return home ? { id: home.id, hash: home.hash, view: home.view } : null;
}

function modalOf(workspace: SlackWebApi, user: string) {
  const stack = workspace.modalStacks.get(user) ?? [];
  const top = stack.at(-1);
  return top ? { id: top.id, hash: top.hash, depth: stack.length, view: top.view } : null;
}
