import type { AppContext } from '../context.js';
import { recordSweep, runSlaSweep, type SweepResult } from '../domain/sla-sweep.js';
import { SLA_NOTE_TEXTS } from '../../views/sla-notes.js';

/** One SLA sweep; records when it ran (for /healthz, whichever process ran it). Tests and tools run it on demand. */
export async function sweepSla(ctx: AppContext, onProgress?: () => Promise<void>): Promise<SweepResult> {
  const started = Date.now();
  const result = await runSlaSweep(ctx, { texts: SLA_NOTE_TEXTS, onProgress });
  await recordSweep(ctx.models, ctx.clock.now());
  if (result.checked) ctx.logger.info({ ...result, ms: Date.now() - started }, 'SLA sweep');
  return result;
}
