/**
 * Database commands counted from the driver's command monitoring (`monitorCommands: true` on the app's
 * connection): every `commandStarted` event of the app under test, by command name and collection. The
 * benchmarks' own queries go through a separate, unmonitored connection, so they are not counted.
 */
import type { MongoClient } from 'mongodb';

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Counts by "command collection" (`findAndModify agendaJobs`), plus the total. */
export interface CommandCounts {
  total: number;
  byKey: Map<string, number>;
}

/** Commands that are the driver's own or a session's bookkeeping, not a command the app asked for. */
const IGNORED = new Set(['hello', 'isMaster', 'ismaster', 'endSessions', 'killCursors']);

function collectionOf(command: Record<string, unknown>, name: string): string {
  if (name === 'getMore') return String(command.collection ?? '-');
  const target = command[name];
  return typeof target === 'string' ? target : '-';
}

export class CommandCounter {
  total = 0;
  readonly byKey = new Map<string, number>();
  /** Time of the last command started, `performance.now()`: quiet periods are measured from it. */
  lastAt = 0;

  constructor(client: MongoClient) {
    client.on('commandStarted', (e) => {
      if (IGNORED.has(e.commandName)) return;
      this.total++;
      const key = `${e.commandName} ${collectionOf(e.command as Record<string, unknown>, e.commandName)}`;
      this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
      this.lastAt = performance.now();
    });
  }

  snapshot(): CommandCounts {
    return { total: this.total, byKey: new Map(this.byKey) };
  }

  /** Waits until no command has started for `quietMs` (at most `maxMs`); true when it got quiet. */
  async quiet(quietMs = 300, maxMs = 15_000): Promise<boolean> {
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline) {
      const since = performance.now() - this.lastAt;
      if (since >= quietMs) return true;
      await new Promise((r) => setTimeout(r, Math.max(10, quietMs - since)));
    }
    return false;
  }
}

export function diff(after: CommandCounts, before: CommandCounts): CommandCounts {
  const byKey = new Map<string, number>();
  for (const [k, v] of after.byKey) {
    const d = v - (before.byKey.get(k) ?? 0);
    if (d) byKey.set(k, d);
  }
  return { total: after.total - before.total, byKey };
}

export function sum(list: CommandCounts[]): CommandCounts {
  const byKey = new Map<string, number>();
  let total = 0;
  for (const c of list) {
    total += c.total;
    for (const [k, v] of c.byKey) byKey.set(k, (byKey.get(k) ?? 0) + v);
  }
  return { total, byKey };
}

/** Per-ticket figures of a list of per-ticket counts: mean, median, min, max of the totals. */
export function spread(list: CommandCounts[]) {
  const totals = list.map((c) => c.total).sort((a, b) => a - b);
  if (!totals.length) return { tickets: 0, mean: NaN, median: NaN, min: NaN, max: NaN };
  return {
    tickets: totals.length,
    mean: round(totals.reduce((a, b) => a + b, 0) / totals.length, 2),
    median: totals[Math.floor((totals.length - 1) / 2)]!,
    min: totals[0]!,
    max: totals.at(-1)!,
  };
}

/**
 * One table: a row per command and collection, a column per measure, each cell commands per ticket
 * (`counts` divided by `tickets`). Also returns the rows for the result file.
 */
export function breakdown(
  columns: Record<string, { counts: CommandCounts; tickets: number }>,
): Record<string, Record<string, number>> {
  const keys = new Set<string>();
  for (const { counts } of Object.values(columns)) for (const k of counts.byKey.keys()) keys.add(k);
  const first = Object.values(columns)[0];
  const ordered = [...keys].sort((a, b) => {
    const byCount = (first?.counts.byKey.get(b) ?? 0) - (first?.counts.byKey.get(a) ?? 0);
    return byCount || a.localeCompare(b);
  });
  const rows: Record<string, Record<string, number>> = {};
  for (const key of [...ordered, 'total']) {
    rows[key] = Object.fromEntries(
      Object.entries(columns).map(([name, { counts, tickets }]) => [
        name,
        round((key === 'total' ? counts.total : (counts.byKey.get(key) ?? 0)) / Math.max(1, tickets), 2),
      ]),
    );
  }
  console.table(rows);
  return rows;
}

export function countsToJson(c: CommandCounts): { total: number; byCommand: Record<string, number> } {
  return { total: c.total, byCommand: Object.fromEntries([...c.byKey].sort((a, b) => b[1] - a[1])) };
}
