/**
 * What a Slack workspace holds for one app (channels, messages, people, groups, files, views) and how the
 * Web API answers each method Deskbell calls. The HTTP side (failures, limits, recording) is web-api.ts.
 */

// biome-ignore lint/suspicious/noExplicitAny: a Web API call's arguments are whatever the caller sent
export type Args = Record<string, any>;

export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** A person's message (the sandbox's composer); the app's own have none. */
  user?: string;
  /** Ids of the files shared with this message. */
  files?: string[];
  edited?: boolean;
}

export interface StoredChannel {
  id: string;
  name: string;
  members: Set<string>;
  creator: string;
  is_private: boolean;
  topic?: string;
  is_archived?: boolean;
}

export interface SlackUser {
  id: string;
  name: string;
  real_name?: string;
  email?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

/** A file uploaded the way Slack asks: an upload URL, the bytes POSTed there, then completed and shared. */
export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  bytes?: Buffer;
  title?: string;
  channel?: string;
  threadTs?: string;
  initialComment?: string;
  completed: boolean;
}

/** A modal or Home tab as the app last set it; `hash` changes with each update, as Slack's does. */
export interface StoredView {
  id: string;
  view: Args;
  hash: string;
  /** Whose screen it is on, when the trigger that opened it was minted with `trigger(user)`. */
  user?: string;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
}

export class SlackWorkspace {
  readonly messages: StoredMessage[] = [];
  readonly channels = new Map<string, StoredChannel>();
  readonly bookmarks: Array<{ id: string; channel_id: string; title: string; link: string }> = [];
  readonly pins: Array<{ channel: string; timestamp: string }> = [];
  readonly usergroups = new Map<string, string[]>();
  readonly users = new Map<string, SlackUser>();
  readonly uploads = new Map<string, UploadedFile>();
  readonly ephemerals: EphemeralMessage[] = [];
  /** Each user's App Home, as last published. */
  readonly homes = new Map<string, StoredView>();
  /** Every modal by id, and each user's stack of open modals (the top one is shown). */
  readonly views = new Map<string, StoredView>();
  readonly modalStacks = new Map<string, StoredView[]>();
  private readonly triggers = new Map<string, string>();
  protected seq = 0;
  private readonly clockSeconds = 1_700_000_000;
  url = '';

  /** `now`: the time message timestamps carry (the sandbox's movable clock); else a fixed counting clock. */
  constructor(private readonly now?: () => Date) {}

  protected nextTs(): string {
    this.seq += 1;
    const seconds = this.now ? Math.floor(this.now().getTime() / 1000) : this.clockSeconds + this.seq;
    return `${seconds}.${String(this.seq).padStart(6, '0')}`;
  }

  /** A trigger_id for an interaction by `user`: a modal opened with it lands on that user's screen. */
  trigger(user: string): string {
    const id = `${Date.now()}.${++this.seq}.${Math.random().toString(16).slice(2, 10)}`;
    this.triggers.set(id, user);
    return id;
  }

  /** Files completed (shared) in `channel`, in upload order. */
  filesIn(channel: string): UploadedFile[] {
    return [...this.uploads.values()].filter((f) => f.completed && f.channel === channel);
  }

  /** A person's message in a channel or thread (the sandbox's composer), stored as Slack would. */
  postAs(user: string, channel: string, text: string, threadTs?: string): StoredMessage {
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      text,
      user,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    this.messages.push(message);
    return message;
  }

  /**
   * What the app says in an acknowledgement rather than a Web API call (a slash command's answer): to its
   * caller alone, or in the channel for `in_channel`.
   */
  acknowledgement(
    channel: string,
    user: string,
    answer: { text?: string; blocks?: unknown[]; response_type?: string },
  ) {
    const ts = this.nextTs();
    const said = { channel, ts, text: answer.text, blocks: answer.blocks };
    if (answer.response_type === 'in_channel') this.messages.push(said);
    else this.ephemerals.push({ ...said, user });
  }

  /** The modal `viewId` leaves `user`'s screen, with every modal pushed above it. */
  closeModal(user: string, viewId: string): void {
    const stack = this.modalStacks.get(user) ?? [];
    const at = stack.findIndex((v) => v.id === viewId);
    if (at >= 0) stack.splice(at);
  }

  /** What a view_submission's `response_action` asks of the stack: replace the top, push on it, or clear it. */
  answerSubmission(user: string, viewId: string, answer: { response_action?: string; view?: Args }): void {
    const stack = this.modalStacks.get(user) ?? [];
    if (answer.response_action === 'errors') return;
    if (answer.response_action === 'clear') return void stack.splice(0);
    if (answer.response_action === 'update' && answer.view) return void this.replaceView(viewId, answer.view);
    if (answer.response_action === 'push' && answer.view) return void stack.push(this.storeView(answer.view, user));
    this.closeModal(user, viewId);
  }

  private storeView(view: Args, user?: string, id = `V${this.seq++}`): StoredView {
    const stored = { id, view, hash: `${Date.now()}.${this.seq}`, ...(user ? { user } : {}) };
    this.views.set(id, stored);
    return stored;
  }

  private replaceView(id: string, view: Args): StoredView | undefined {
    const stored = this.views.get(id);
    if (!stored) return undefined;
    Object.assign(stored, { view, hash: `${Date.now()}.${++this.seq}` });
    return stored;
  }

  private viewsCall(method: string, a: Args): Record<string, unknown> {
    if (method === 'views.update') {
      const id = a.view_id ?? [...this.views.values()].find((v) => v.view.external_id === a.external_id)?.id;
      if (!id) return { ok: false, error: 'not_found' };
      // Tests name views they never opened here (their payloads make the id up): taken as open.
      const stored = this.views.get(id) ?? this.storeView({}, undefined, id);
      if (a.hash && a.hash !== stored.hash) return { ok: false, error: 'hash_conflict' };
      this.replaceView(stored.id, a.view ?? {});
      return { ok: true, view: { id: stored.id, hash: stored.hash, ...(a.view ?? {}) } };
    }
    const user = this.triggers.get(a.trigger_id);
    const stored = this.storeView(a.view ?? {}, user);
    if (user) {
      const stack = method === 'views.open' ? [] : (this.modalStacks.get(user) ?? []);
      this.modalStacks.set(user, [...stack, stored]);
    }
    return { ok: true, view: { id: stored.id, hash: stored.hash, ...(a.view ?? {}) } };
  }

  protected answer(method: string, a: Args, token?: string): Record<string, unknown> {
    if (!token?.startsWith('xoxb-')) return { ok: false, error: 'not_authed' };
    if (method.startsWith('chat.')) return this.chat(method, a);
    if (method.startsWith('conversations.')) return this.conversations(method, a);
    if (method.startsWith('files.')) return this.files(method, a);
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'deskbell',
          team_id: 'T0001',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'bookmarks.add': {
        const bookmark = {
          id: `Bk${this.bookmarks.length + 1}`,
          channel_id: a.channel_id,
          title: a.title,
          link: a.link,
        };
        this.bookmarks.push(bookmark);
        return { ok: true, bookmark };
      }
      case 'bookmarks.list':
        return { ok: true, bookmarks: this.bookmarks.filter((b) => b.channel_id === a.channel_id) };
      case 'pins.add': {
        // Slack checks the channel and the message before pinning.
        if (this.channels.get(a.channel)?.is_archived) return { ok: false, error: 'is_archived' };
        if (!this.messages.some((m) => m.channel === a.channel && m.ts === a.timestamp))
          return { ok: false, error: 'message_not_found' };
        if (this.pins.some((p) => p.channel === a.channel && p.timestamp === a.timestamp))
          return { ok: false, error: 'already_pinned' };
        this.pins.push({ channel: a.channel, timestamp: a.timestamp });
        return { ok: true };
      }
      case 'views.publish': {
        const stored = this.homes.get(a.user_id) ?? this.storeView({}, a.user_id);
        this.homes.set(a.user_id, stored);
        this.replaceView(stored.id, a.view ?? {});
        return { ok: true, view: { id: stored.id, ...(a.view ?? {}) } };
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
        return this.viewsCall(method, a);
      case 'users.info': {
        const user: SlackUser = this.users.get(a.user) ?? { id: a.user, name: String(a.user).toLowerCase() };
        return { ok: true, user: { ...user, profile: { email: user.email, real_name: user.real_name ?? user.name } } };
      }
      case 'usergroups.users.list': {
        const users = this.usergroups.get(a.usergroup);
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: true };
    }
  }

  private chat(method: string, a: Args): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage': {
        if (this.channels.get(a.channel)?.is_archived) return { ok: false, error: 'is_archived' };
        const msg: StoredMessage = {
          channel: a.channel,
          ts: this.nextTs(),
          thread_ts: a.thread_ts,
          text: a.text,
          blocks: a.blocks,
          metadata: a.metadata,
        };
        this.messages.push(msg);
        return { ok: true, channel: msg.channel, ts: msg.ts, message: { ...msg, type: 'message', bot_id: 'BBOT' } };
      }
      case 'chat.update': {
        const msg = this.messages.find((m) => m.channel === a.channel && m.ts === a.ts);
        if (!msg) return { ok: false, error: 'message_not_found' };
        Object.assign(msg, { text: a.text, blocks: a.blocks });
        return { ok: true, channel: a.channel, ts: a.ts, text: a.text };
      }
      case 'chat.postEphemeral': {
        const ts = this.nextTs();
        this.ephemerals.push({ channel: a.channel, user: a.user, ts, text: a.text, blocks: a.blocks });
        return { ok: true, message_ts: ts };
      }
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: a.channel,
          permalink: `https://acme.slack.com/archives/${a.channel}/p${String(a.message_ts).replace('.', '')}`,
        };
      default:
        return { ok: true };
    }
  }

  private conversations(method: string, a: Args): Record<string, unknown> {
    const ch = this.channels.get(a.channel);
    switch (method) {
      case 'conversations.history': {
        const list = this.messages.filter((m) => inChannel(m, a.channel) && !m.thread_ts).reverse();
        return {
          ok: true,
          messages: list.slice(0, Number(a.limit ?? 100)).map((m) => ({ type: 'message', ...m })),
          has_more: false,
        };
      }
      case 'conversations.replies': {
        const list = this.messages.filter((m) => inChannel(m, a.channel) && (m.ts === a.ts || m.thread_ts === a.ts));
        return { ok: true, messages: list.map((m) => ({ type: 'message', ...m })), has_more: false };
      }
      case 'conversations.create': {
        if ([...this.channels.values()].some((c) => c.name === a.name)) return { ok: false, error: 'name_taken' };
        const isPrivate = a.is_private === true || a.is_private === 'true';
        const id = `${isPrivate ? 'G' : 'C'}${String(100 + this.channels.size).padStart(8, '0')}`;
        this.channels.set(id, { id, name: a.name, members: new Set(['UBOT']), creator: 'UBOT', is_private: isPrivate });
        return { ok: true, channel: { id, name: a.name, creator: 'UBOT', is_private: isPrivate } };
      }
      case 'conversations.list': {
        const types = String(a.types ?? 'public_channel');
        const list = [...this.channels.values()].filter((c) =>
          types.includes(c.is_private ? 'private_channel' : 'public_channel'),
        );
        const channels = list.map((c) => ({ id: c.id, name: c.name, creator: c.creator, is_private: c.is_private }));
        return { ok: true, channels, response_metadata: { next_cursor: '' } };
      }
      case 'conversations.info':
        if (ch) return { ok: true, channel: { id: ch.id, name: ch.name, is_private: ch.is_private } };
        if (/^D/.test(String(a.channel))) return { ok: true, channel: { id: a.channel, is_im: true } };
        return { ok: false, error: 'channel_not_found' };
      case 'conversations.setTopic':
        if (!ch) return { ok: false, error: 'channel_not_found' };
        ch.topic = a.topic;
        return { ok: true, channel: { id: ch.id, topic: { value: a.topic } } };
      case 'conversations.invite': {
        if (!ch) return { ok: false, error: 'channel_not_found' };
        const users = String(a.users).split(',');
        if (users.every((u) => ch.members.has(u))) return { ok: false, error: 'already_in_channel' };
        for (const u of users) ch.members.add(u);
        return { ok: true, channel: { id: ch.id } };
      }
      case 'conversations.archive':
        if (!ch) return { ok: false, error: 'channel_not_found' };
        if (ch.is_archived) return { ok: false, error: 'already_archived' };
        ch.is_archived = true;
        return { ok: true };
      case 'conversations.join':
        return { ok: true, channel: { id: a.channel } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(a.users).replace(/,/g, '')}` } };
      default:
        return { ok: true };
    }
  }

  private files(method: string, a: Args): Record<string, unknown> {
    if (method === 'files.getUploadURLExternal') {
      if (!a.filename || !Number(a.length)) return { ok: false, error: 'invalid_arguments' };
      const id = `F${String(++this.seq).padStart(8, '0')}`;
      this.uploads.set(id, {
        id,
        filename: a.filename,
        length: Number(a.length),
        altText: a.alt_text,
        completed: false,
      });
      return { ok: true, upload_url: `${this.url.replace(/api\/$/, '')}upload/${id}`, file_id: id };
    }
    if (method !== 'files.completeUploadExternal') return { ok: true };
    const list = (Array.isArray(a.files) ? a.files : []) as Array<{ id: string; title?: string }>;
    const files = list.map((f) => this.uploads.get(f.id));
    // Slack refuses to complete a file whose bytes never arrived.
    if (!list.length || files.some((f) => !f?.bytes)) return { ok: false, error: 'file_not_found' };
    for (const [i, f] of files.entries()) {
      const shared = {
        title: list[i]!.title,
        channel: a.channel_id,
        threadTs: a.thread_ts,
        initialComment: a.initial_comment,
      };
      Object.assign(f!, { completed: true, ...shared });
    }
    if (a.channel_id) {
      const ids = files.map((f) => f!.id);
      this.messages.push({
        channel: a.channel_id,
        ts: this.nextTs(),
        thread_ts: a.thread_ts,
        text: a.initial_comment,
        files: ids,
      });
    }
    return { ok: true, files: files.map((f) => ({ id: f!.id, title: f!.title, name: f!.filename })) };
  }
}

/** A post to a user id lands in the DM that conversations.open names `D<user>`, as on Slack. */
export function inChannel(m: StoredMessage, channel: string): boolean {
  return m.channel === channel || `D${m.channel}` === channel;
}
