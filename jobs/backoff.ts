import { backoffStrategies } from 'agenda';
import type { AppContext } from '../src/context.js';

/**
 * The exponential backoff scheduled jobs retry with: doubling from RETRY_BASE (shortened in tests, or
 * `firstDelayMs`), at most `maxDelayMs` apart, `maxRetries` times. Immediate effects retry in the delivery
 * worker (src/delivery/worker.ts) instead.
 */
export function deliveryBackoff(
  ctx: Pick<AppContext, 'retryBaseMs'>,
  maxRetries = 30,
  { maxDelayMs = 10 * 60_000, firstDelayMs = ctx.retryBaseMs } = {},
) {
  return backoffStrategies.exponential({
    delay: firstDelayMs,
    factor: 2,
    maxDelay: maxDelayMs,
    maxRetries,
    jitter: 0.1,
  });
}
