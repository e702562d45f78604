import type { PublicIncident } from '../src/domain/incidents/status-page.js';
import { STATUS_WORDS } from '../src/domain/incidents/updates.js';
import { escapeHtml } from './csat-page.js';

const COLOURS: Record<string, string> = {
  investigating: '#b3261e',
  identified: '#b35c00',
  monitoring: '#8a6d00',
  resolved: '#1e7b34',
};

function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `GET /status.json`: what the page shows, for scripts and other status pages. */
export function statusJson(incidents: PublicIncident[], now: Date) {
  const open = incidents.filter((i) => !i.resolvedAt);
  return {
    status: open.length ? 'incident' : 'operational',
    generatedAt: now.toISOString(),
    incidents: incidents.map((i) => ({
      id: i.key,
      status: i.status,
      startedAt: i.startedAt.toISOString(),
      resolvedAt: i.resolvedAt?.toISOString() ?? null,
      updates: i.updates.map((u) => ({
        at: u.at.toISOString(),
        status: u.status,
        message: u.message,
        impact: u.impact,
        nextUpdateAt: u.nextAt?.toISOString() ?? null,
      })),
    })),
  };
}

/** `GET /status`: a small page with the public updates; everything escaped, no scripts, no links. */
export function statusPageHtml(incidents: PublicIncident[], now: Date): string {
  const open = incidents.filter((i) => !i.resolvedAt);
  const banner = open.length
    ? `<p class="banner bad">${open.length === 1 ? 'We are working on an incident.' : `We are working on ${open.length} incidents.`}</p>`
    : '<p class="banner ok">All systems operational.</p>';
  const cards = incidents
    .map((i) => {
      const updates = i.updates
        .map(
          (
            u,
          ) => `<li><p><span class="tag" style="background:${COLOURS[u.status] ?? '#555'}">${escapeHtml(STATUS_WORDS[u.status] ?? u.status)}</span> <time datetime="${u.at.toISOString()}">${utc(u.at)}</time></p>
<p>${escapeHtml(u.message)}</p>${u.impact ? `<p class="impact"><strong>Impact:</strong> ${escapeHtml(u.impact)}</p>` : ''}${u.nextAt ? `<p class="next">Next update by ${utc(u.nextAt)}</p>` : ''}</li>`,
        )
        .join('\n');
      return `<section><h2>Incident ${escapeHtml(i.key)} · ${escapeHtml(STATUS_WORDS[i.status] ?? i.status)}</h2>
<p class="when">Started ${utc(i.startedAt)}${i.resolvedAt ? ` · resolved ${utc(i.resolvedAt)}` : ''}</p>
<ol>${updates}</ol></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>Service status</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f6f4;color:#1d1c1d;margin:0;padding:1rem}
main{max-width:44rem;margin:0 auto}h1{font-size:1.5rem}h2{font-size:1.15rem;margin:0 0 .25rem}
.banner{padding:1rem;border-radius:8px;color:#fff;font-weight:600}.ok{background:#1e7b34}.bad{background:#b3261e}
section{background:#fff;border-radius:10px;box-shadow:0 1px 4px rgba(0,0,0,.08);padding:1.25rem;margin:1rem 0}
ol{list-style:none;padding:0;margin:0}li{border-top:1px solid #e5e5e0;padding:.75rem 0}p{margin:.25rem 0;line-height:1.45}
.tag{color:#fff;border-radius:4px;padding:.1rem .45rem;font-size:.85rem}.when,.next,time{color:#555;font-size:.9rem}
</style>
</head>
<body><main>
<h1>Service status</h1>
${banner}
${cards}
<p class="when">Updated ${utc(now)}. This page refreshes every minute.</p>
</main></body>
</html>
`;
}
