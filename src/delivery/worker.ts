import type { Logger } from '../logger.js';
import {
  askEffect,
  claimEffect,
  failEffect,
  finishEffect,
  renewEffect,
  type ClaimedEffect,
  type EffectAsk,
  type EffectModels,
} from '../db/effect-queue.js';

export interface EffectRun {
  key: string;
  name: string;
  /** A previous holder died mid-run: its effect may have reached the outside world. */
  takenOver: boolean;
}

export interface EffectKind {
  run: (data: Record<string, string>, run: EffectRun) => Promise<void>;
  /**
   * The lane it runs in, each with slots of its own: `urgent` (incidents) never waits behind a backlog of
   * cards; `channel` (posts in the support channel, which leave one a second) cannot take every slot from
   * the rest, such as a new ticket's acknowledgement, while the channel is backlogged. Default `normal`.
   */
  lane?: Lane;
  /**
   * Runs work whose claim its caller already holds on another record (a new ticket's intake, claimed by the
   * ticket's insert: src/domain/intake-claim.ts). A failure leaves that claim to run out; `recover` finds it.
   * `yieldTurn`: the run is only waiting now (a card in the channel queue); the next held run may start.
   */
  held?: (data: Record<string, string>, held: unknown, yieldTurn: () => void) => Promise<void>;
  /** Renews the claims of held runs still waiting for a turn (a long burst), all in one write. */
  renewHeld?: (helds: unknown[]) => Promise<void>;
  /** Retries before the effect is dropped (the reconcile sweep asks again for what is still owed). */
  maxRetries?: number;
  maxDelayMs?: number;
}

export type Lane = 'urgent' | 'channel' | 'normal';
const LANES: Lane[] = ['urgent', 'channel', 'normal'];

export interface WorkerOptions {
  models: EffectModels;
  logger: Logger;
  kinds: Record<string, EffectKind>;
  /** First retry delay; doubles per failure. */
  retryBaseMs: number;
  /** How often an idle worker looks for work others recorded (or a crash left); its own asks wake it at once. */
  pollMs?: number;
  /** How long a claim lasts without renewal; renewed every third of it while the effect runs. */
  holdMs?: number;
  slots?: Record<Lane, number>;
  /** Held runs (EffectKind.held) going at once; default 8. */
  heldSlots?: number;
  /**
   * Looks for work claimed on other records whose holder died (stale intake claims) and asks for it; run at
   * start and every `recoverMs` (default 60 s).
   */
  recover?: () => Promise<void>;
  recoverMs?: number;
  /** Names the ticket or incident an effect is for (`SUP-12`, `INC-3`) on its log lines. */
  subjectOf?: (data: Record<string, string>) => Promise<Record<string, string>>;
}

/**
 * The in-process delivery worker: works every immediate effect this process records at once (the ask wakes
 * it), and finds what other processes recorded, or a crash left, with one indexed query per lane and poll.
 * Agenda keeps what is scheduled; this is for what is due now.
 */
export class DeliveryWorker {
  private readonly pollMs: number;
  /** How long a claim lasts without renewal. */
  readonly holdMs: number;
  private readonly slots: Record<Lane, number>;
  /** The kinds of each lane, from their definitions. */
  private names: Record<Lane, string[]> = { urgent: [], channel: [], normal: [] };
  private kinds: Record<string, EffectKind> = {};
  private readonly running: Record<Lane, number> = { urgent: 0, channel: 0, normal: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  /** Keys this process asked for and should claim by key (no query of the whole queue). */
  private readonly wokenKeys = new Set<string>();
  private pollTimer: NodeJS.Timeout | undefined;
  private recoverTimer: NodeJS.Timeout | undefined;
  private readonly heldSlots: number;
  private heldRunning = 0;
  private readonly heldWaiting: Array<{ start: (go: boolean) => void; name: string; held: unknown }> = [];
  private heldRenewTimer: NodeJS.Timeout | undefined;
  private readonly wakeTimers = new Set<NodeJS.Timeout>();
  private started = false;
  private pumping = false;
  /** A lane whose last look found nothing due: only a poll, a timer or a local ask looks again (no empty claims). */
  private readonly drained: Record<Lane, boolean> = { urgent: false, channel: false, normal: false };
  private pumpAgain = false;

  constructor(private readonly opts: WorkerOptions) {
    this.pollMs = opts.pollMs ?? 5000;
    this.holdMs = opts.holdMs ?? 60_000;
    // In the channel lane, 24 posts at one a second stay within a post's 30 s wait in the channel queue.
    this.slots = opts.slots ?? { urgent: 8, channel: 24, normal: 16 };
    this.heldSlots = opts.heldSlots ?? 8;
    this.setKinds(opts.kinds);
  }

  setKinds(kinds: Record<string, EffectKind>): void {
    this.kinds = kinds;
    this.names = { urgent: [], channel: [], normal: [] };
    for (const [name, kind] of Object.entries(kinds)) this.names[kind.lane ?? 'normal'].push(name);
  }

  /** Whether this version performs effects of that name (records of a newer version may name others). */
  knows(name: string): boolean {
    return !!this.kinds[name];
  }

  /** Records the effect, then (when due now and this process works effects) starts it at once. */
  async ask(ask: EffectAsk): Promise<void> {
    if (!this.kinds[ask.name]) throw new Error(`no effect kind ${ask.name}`);
    const key = await askEffect(this.opts.models, ask);
    this.wake(key, ask.at);
  }

  /** Whether this process works effects now (started and not stopping). */
  get working(): boolean {
    return this.started;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const poll = () => {
      this.undrain();
      this.pollTimer = setTimeout(poll, this.pollMs);
      this.pollTimer.unref?.();
    };
    poll();
    const { recover } = this.opts;
    if (!recover) return;
    const sweep = () => {
      void recover().catch((err: unknown) => this.opts.logger.warn({ err }, 'could not look for stale claims'));
      this.recoverTimer = setTimeout(sweep, this.opts.recoverMs ?? 60_000);
      this.recoverTimer.unref?.();
    };
    sweep();
  }

  /**
   * Starts work whose claim the caller holds (EffectKind.held), tracked like an effect of this process:
   * at once while fewer than `heldSlots` run, else in arrival order. A burst of new tickets is answered
   * first; their intakes follow at a bounded pace instead of all competing with the answers at once.
   */
  runHeld(name: string, data: Record<string, string>, held: unknown): void {
    const kind = this.kinds[name];
    if (!kind?.held) throw new Error(`effect kind ${name} cannot run under a held claim`);
    const run = kind.held;
    let turn = true;
    const yieldTurn = () => {
      if (!turn) return;
      turn = false;
      this.heldFinished();
    };
    const done = this.heldTurn(name, held)
      .then((go) => (go ? run(data, held, yieldTurn) : undefined))
      .catch((err: unknown) =>
        this.opts.logger.warn(
          { effect: name, ...data, err: errorText(err) },
          'effect failed; its claim runs out and another run takes it over',
        ),
      )
      .finally(() => {
        yieldTurn();
        this.inFlight.delete(done);
      });
    this.inFlight.add(done);
  }

  /**
   * Resolves when a held run may start: false when the worker stopped meanwhile (its claim runs out and
   * another process takes it over; a run that finishes hands its slot on, so the waiting ones drain).
   */
  private heldTurn(name: string, held: unknown): Promise<boolean> {
    if (this.heldRunning < this.heldSlots) {
      this.heldRunning += 1;
      // After the caller's own answer (a new ticket's HTTP response), which is already on its way.
      return new Promise((r) => setImmediate(() => r(true)));
    }
    this.keepWaitingClaims();
    return new Promise((start) => this.heldWaiting.push({ start, name, held }));
  }

  private heldFinished(): void {
    const next = this.heldWaiting.shift();
    // On the next turn of the event loop, like a run that found a free slot: arrival order holds.
    if (next) setImmediate(() => next.start(this.started));
    else this.heldRunning -= 1;
  }

  /** While held runs wait for a turn, their claims are renewed together (EffectKind.renewHeld), one call per kind. */
  private keepWaitingClaims(): void {
    if (this.heldRenewTimer) return;
    const renew = () => {
      this.heldRenewTimer = undefined;
      if (!this.heldWaiting.length || !this.started) return;
      const byKind = new Map<string, unknown[]>();
      for (const w of this.heldWaiting) {
        const helds = byKind.get(w.name) ?? [];
        helds.push(w.held);
        byKind.set(w.name, helds);
      }
      for (const [name, helds] of byKind)
        void this.kinds[name]
          ?.renewHeld?.(helds)
          .catch((err: unknown) =>
            this.opts.logger.warn({ effect: name, err: errorText(err) }, 'could not renew waiting claims'),
          );
      this.keepWaitingClaims();
    };
    this.heldRenewTimer = setTimeout(renew, this.holdMs / 3);
    this.heldRenewTimer.unref?.();
  }

  /** Stops taking work and waits (up to `waitMs`) for the running effects; the rest stays recorded. */
  async stop(waitMs = 10_000): Promise<void> {
    this.started = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.recoverTimer) clearTimeout(this.recoverTimer);
    if (this.heldRenewTimer) clearTimeout(this.heldRenewTimer);
    for (const t of this.wakeTimers) clearTimeout(t);
    this.wakeTimers.clear();
    const all = Promise.allSettled([...this.inFlight]);
    await Promise.race([all, new Promise((r) => setTimeout(r, waitMs).unref?.())]);
    if (this.inFlight.size)
      this.opts.logger.warn(
        { running: this.inFlight.size },
        'effects still running at shutdown; their claims expire and another process takes them over',
      );
  }

  /** Whether any effect is being worked here (tests wait for quiet). */
  get busy(): boolean {
    return this.inFlight.size > 0 || this.pumping;
  }

  private wake(key?: string, at?: Date): void {
    if (!this.started) return;
    const delay = at ? at.getTime() - Date.now() : 0;
    if (delay > 0) {
      // Due later: the timer saves waiting for the next poll (another process may take it first; fine).
      const timer = setTimeout(
        () => {
          this.wakeTimers.delete(timer);
          if (key) this.wokenKeys.add(key);
          this.undrain();
        },
        Math.min(delay + 5, 2 ** 31 - 1),
      );
      timer.unref?.();
      this.wakeTimers.add(timer);
      return;
    }
    if (key) this.wokenKeys.add(key);
    this.pump();
  }

  private undrain(): void {
    for (const lane of LANES) this.drained[lane] = false;
    this.pump();
  }

  private pump(): void {
    if (!this.started) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.fill()
      .catch((err: unknown) => this.opts.logger.error({ err }, 'delivery worker could not claim work'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  /** Claims work until the lanes are full or nothing is due. */
  private async fill(): Promise<void> {
    const { models } = this.opts;
    const holdMs = this.holdMs;
    for (const key of [...this.wokenKeys]) {
      if (!this.started) return;
      if (!LANES.some((l) => this.hasRoom(l))) break;
      const lane = this.laneOf(key.slice(0, key.indexOf(':')));
      if (!this.hasRoom(lane)) continue;
      this.wokenKeys.delete(key);
      const claim = await claimEffect(models, { holdMs, key });
      if (claim) this.launch(claim, lane);
    }
    // Room in every lane: one query for whatever is due first, whichever lane it belongs to (an idle poll
    // costs one command). Only a full lane makes the others ask for their own kinds.
    while (this.started && LANES.every((l) => !this.drained[l] && this.hasRoom(l))) {
      const claim = await claimEffect(models, { holdMs });
      if (!claim) for (const l of LANES) this.drained[l] = true;
      else this.launch(claim, this.laneOf(claim.name));
    }
    for (const lane of LANES) {
      while (this.started && !this.drained[lane] && this.hasRoom(lane)) {
        const others = LANES.filter((l) => l !== lane).flatMap((l) => this.names[l]);
        const names = lane === 'normal' ? { excludeNames: others } : { names: this.names[lane] };
        const claim = await claimEffect(models, { holdMs, ...names });
        if (!claim) this.drained[lane] = true;
        else this.launch(claim, lane);
      }
    }
  }

  private hasRoom(lane: Lane): boolean {
    return this.running[lane] < this.slots[lane];
  }

  private laneOf(name: string): Lane {
    return this.kinds[name]?.lane ?? 'normal';
  }

  private launch(claim: ClaimedEffect, lane: Lane): void {
    this.running[lane] += 1;
    const done = this.work(claim).finally(() => {
      this.running[lane] -= 1;
      this.inFlight.delete(done);
      this.pump();
    });
    this.inFlight.add(done);
  }

  private async work(claim: ClaimedEffect): Promise<void> {
    const kind = this.kinds[claim.name];
    const { models, logger } = this.opts;
    // Long effects (uploads, a storm decision over hundreds of tickets) keep their claim alive.
    const renew = setInterval(
      () => void renewEffect(models, claim, this.holdMs).catch(() => undefined),
      this.holdMs / 3,
    );
    renew.unref?.();
    try {
      if (!kind) throw new Error(`no effect kind ${claim.name}: a newer version recorded it`);
      await kind.run(claim.data, { key: claim.key, name: claim.name, takenOver: claim.takenOver });
      clearInterval(renew);
      const again = await finishEffect(models, claim);
      // Asked for again while it ran: this process takes it again (by key, at the time asked).
      if (again) this.wake(claim.key, again);
    } catch (err) {
      clearInterval(renew);
      const maxRetries = kind?.maxRetries ?? 30;
      const retryAt =
        claim.attempts < maxRetries ? new Date(Date.now() + this.retryDelay(claim.attempts, kind, err)) : undefined;
      const subject = (await this.opts.subjectOf?.(claim.data)) ?? {};
      const log = { effect: claim.name, ...subject, key: claim.key, attempts: claim.attempts + 1, err: errorText(err) };
      if (retryAt) {
        logger.warn({ ...log, retryAt }, 'effect failed; will retry');
        this.wake(undefined, retryAt);
      } else logger.error(log, 'effect failed too often; dropped until the reconcile sweep asks for it again');
      await failEffect(models, claim, errorText(err), retryAt).catch((e: unknown) =>
        logger.error({ err: e, effect: claim.name, ...subject }, 'could not record an effect failure'),
      );
    }
  }

  /** Exponential backoff with jitter, and never sooner than a rate limit's Retry-After. */
  private retryDelay(attempts: number, kind: EffectKind | undefined, err: unknown): number {
    const max = kind?.maxDelayMs ?? 10 * 60_000;
    const base = Math.min(max, this.opts.retryBaseMs * 2 ** attempts);
    const retryAfterS = (err as { retryAfter?: number } | undefined)?.retryAfter;
    return Math.max(base * (0.9 + Math.random() * 0.2), typeof retryAfterS === 'number' ? retryAfterS * 1000 : 0);
  }
}

/** The error's message, with its cause's when it has one ("fetch failed" alone names neither host nor reason). */
function errorText(err: unknown): string {
  const message = String((err as Error)?.message ?? err);
  const cause = (err as { cause?: { message?: string } } | undefined)?.cause?.message;
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}
