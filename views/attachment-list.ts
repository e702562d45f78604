import { safe } from './text.js';

export interface ListedAttachment {
  filename?: string | null;
  contentType?: string | null;
  size?: number | null;
  stored?: boolean | null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Files that came with a requester's mail, one escaped line each (names are requester text). */
export function attachmentLines(attachments: readonly ListedAttachment[] | undefined, max = 10): string[] {
  const list = attachments ?? [];
  const lines = list
    .slice(0, max)
    .map(
      (a) =>
        `:paperclip: ${safe(a.filename ?? 'attachment', 120)} (${safe(a.contentType ?? 'unknown', 60)}, ${formatBytes(a.size ?? 0)})${a.stored === false ? ' _not kept: too large_' : ''}`,
    );
  if (list.length > max) lines.push(`and ${list.length - max} more`);
  return lines;
}
