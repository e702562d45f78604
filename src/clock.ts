/** Time is injected everywhere so SLA and schedule logic is tested by moving time, not by sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
