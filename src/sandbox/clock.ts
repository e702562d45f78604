import type { Clock } from '../clock.js';

/**
 * The sandbox's clock: the system's, moved by an offset the page's clock control (and the demo week) add to.
 * Deskbell reads time only through its injected clock, so SLA targets, cadences and summaries follow it.
 */
export class SandboxClock implements Clock {
  private offsetMs: number;

  constructor(start?: Date) {
    this.offsetMs = start ? start.getTime() - Date.now() : 0;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    if (!(ms > 0)) throw new Error('the sandbox clock only moves forward');
    this.offsetMs += ms;
  }
}
