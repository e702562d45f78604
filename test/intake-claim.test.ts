import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { bindModels, ensureIndexes, type Models } from '../src/db/models/index.js';
import { claimIntake, freshIntakeClaim, renewIntakes, staleIntakes } from '../src/domain/intake-claim.js';
import { connectTestDb } from './support/harness.js';

/** A new ticket's intake claimed on the ticket itself (src/domain/intake-claim.ts), against the real database. */
describe('intake claims', () => {
  let db: Connection;
  let models: Models;
  let number = 0;
  beforeAll(async () => {
    db = await connectTestDb('intake_claim');
    models = bindModels(db);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  /** A ticket stored as createTicket stores it: claimed by its insert. */
  async function heldTicket(holdMs: number) {
    number += 1;
    const claim = freshIntakeClaim(holdMs);
    const now = new Date();
    const ticket = await models.Ticket.create({
      number,
      key: `SUP-${number}`,
      source: 'webhook',
      requester: { email: `r${number}@example.com` },
      subject: 'Claimed',
      body: 'x',
      status: 'new',
      intake: { acknowledge: true, ...claim },
      createdAt: now,
      updatedAt: now,
    });
    return { owner: claim.owner, ticket };
  }

  it('is taken over only past its deadline, and the taker knows', async () => {
    const live = await heldTicket(60_000);
    expect(await claimIntake(models, live.ticket.id, 60_000)).toBeUndefined();
    const dead = await heldTicket(-1);
    expect(await staleIntakes(models)).toContain(dead.ticket.id);
    const taken = await claimIntake(models, dead.ticket.id, 60_000);
    expect(taken?.claim.takenOver).toBe(true);
    expect(await staleIntakes(models)).not.toContain(dead.ticket.id);
  });

  it('renews waiting claims in one write; a taken-over one keeps its new owner and the copies keep their deadline', async () => {
    const a = await heldTicket(1000);
    const b = await heldTicket(1000);
    const before = a.ticket.intake!.deadline!.getTime();
    await renewIntakes(models, [a, b], 60_000);
    expect(a.ticket.intake!.deadline!.getTime()).toBeGreaterThan(before + 30_000);

    const c = await heldTicket(-1);
    const d = await heldTicket(1000);
    const taker = await claimIntake(models, c.ticket.id, 60_000);
    const dBefore = d.ticket.intake!.deadline!.getTime();
    await renewIntakes(models, [c, d], 120_000);
    const stored = await models.Ticket.findById(c.ticket.id).lean();
    expect(stored?.intake?.owner).toBe(taker!.claim.owner);
    // Not every claim was renewed: each copy renews once more, fenced, before it starts.
    expect(d.ticket.intake!.deadline!.getTime()).toBe(dBefore);
    expect((await models.Ticket.findById(d.ticket.id).lean())?.intake?.deadline?.getTime()).toBeGreaterThan(dBefore);
  });
});
