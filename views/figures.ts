/** Numbers as every summary, report and incident view writes them: one wording across messages. */

/** "45 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export function percent(rate: number | undefined): string {
  return rate === undefined ? '–' : `${Math.round(rate * 1000) / 10} %`;
}

/** "▲ 3", "▼ 2", "= 0" against the period before. */
export function delta(now: number, before: number): string {
  const d = now - before;
  return d > 0 ? `▲ ${d}` : d < 0 ? `▼ ${-d}` : '= 0';
}
