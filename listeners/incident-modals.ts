import { bulkMailRefusal } from '../src/domain/bulk-mail.js';
import { z, type ZodType } from 'zod';
import type { AppContext } from '../src/context.js';
import { checkForm, type FormCheck } from './modal-values.js';
import type { IncidentDoc } from '../src/db/models/incident.js';
import { DomainError } from '../src/domain/errors.js';
import { affectedTickets } from '../src/domain/incidents/queries.js';
import { reportRefusal, updateRefusal } from '../src/domain/incidents/guards.js';
import { reportDraft } from '../src/domain/incidents/report.js';
import type { UpdateData } from '../src/domain/incidents/updates.js';
import { OPEN_STATUSES, type Status } from '../src/domain/types.js';
import { incidentResolveModal, incidentUpdateModal } from '../views/incident-update.js';
import { reportModal } from '../views/incident-report.js';

/** Modal `private_metadata` of the incident forms: which incident, and where to answer. */
export const incidentMetadataSchema = z.object({
  incidentId: z.string().regex(/^[a-f0-9]{24}$/),
  channel: z.string().optional(),
});
export type IncidentMetadata = z.infer<typeof incidentMetadataSchema>;

export function parseIncidentMetadata(raw: string | undefined): IncidentMetadata | undefined {
  try {
    const parsed = incidentMetadataSchema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** checkForm for an incident's form (its metadata names the incident). */
export function checkIncidentForm<S extends ZodType>(
  ctx: Pick<AppContext, 'team' | 'logger'>,
  user: string,
  privateMetadata: string | undefined,
  form: FormCheck<IncidentMetadata, S>,
) {
  return checkForm(ctx, user, parseIncidentMetadata(privateMetadata), { ...form, where: 'on the brief' });
}

type StateValue = {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }> | null;
  selected_date_time?: number | null;
};

/** Reads a submitted form's inputs by their ids (views/ids.ts InputIds). */
export function formValues(values: Record<string, Record<string, unknown>>) {
  const get = (ids: { block: string; action: string }) => values[ids.block]?.[ids.action] as StateValue | undefined;
  return {
    text: (ids: { block: string; action: string }) => get(ids)?.value ?? '',
    selected: (ids: { block: string; action: string }) => get(ids)?.selected_option?.value ?? undefined,
    choices: (ids: { block: string; action: string }) => (get(ids)?.selected_options ?? []).map((o) => o.value),
    dateTime: (ids: { block: string; action: string }) => get(ids)?.selected_date_time ?? undefined,
  };
}

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

async function affectedOpen(ctx: AppContext, incident: IncidentDoc): Promise<{ affected: number; unverified: number }> {
  const open = (await affectedTickets(ctx, incident)).filter((t) => OPEN_STATUSES.includes(t.status as Status));
  return { affected: open.length, unverified: open.filter((t) => bulkMailRefusal(t)).length };
}

/** "Post update" (brief, reminders, `/support update` in a war room). The trigger expires 3 s after the click: few reads first. */
export async function openUpdateModal(
  ctx: AppContext,
  triggerId: string,
  incident: IncidentDoc,
  channel?: string,
): Promise<void> {
  const refused = updateRefusal(incident);
  if (refused) throw new DomainError(refused);
  const last = incident.timeline.filter((e) => e.kind === 'status_update').at(-1)?.data as UpdateData | undefined;
  const metadata: IncidentMetadata = { incidentId: incident.id, ...(channel ? { channel } : {}) };
  await ctx.slack.views.open({
    trigger_id: triggerId,
    view: incidentUpdateModal({
      incident,
      ...(last?.impact && !last.resolution ? { lastImpact: last.impact } : {}),
      defaultMinutes: minutes(ctx.incidents.updateMs),
      ...(await affectedOpen(ctx, incident)),
      statusPage: ctx.incidents.statusPage,
      privateMetadata: JSON.stringify(metadata),
    }),
  });
}

export async function openResolveModal(
  ctx: AppContext,
  triggerId: string,
  incident: IncidentDoc,
  channel?: string,
): Promise<void> {
  const metadata: IncidentMetadata = { incidentId: incident.id, ...(channel ? { channel } : {}) };
  await ctx.slack.views.open({
    trigger_id: triggerId,
    view: incidentResolveModal({
      incident,
      monitorMinutes: minutes(ctx.incidents.monitorMs),
      ...(await affectedOpen(ctx, incident)),
      statusPage: ctx.incidents.statusPage,
      privateMetadata: JSON.stringify(metadata),
    }),
  });
}

/** People's names for the report's timeline, looked up within a budget: the form must open before the trigger expires. */
async function namesOf(
  ctx: AppContext,
  incident: IncidentDoc,
  budgetMs = 1200,
): Promise<(id: string | null | undefined) => string> {
  const ids = new Set<string>();
  for (const u of [
    incident.roles?.commander,
    incident.roles?.declarer,
    ...(incident.roles?.oncall ?? []),
    incident.roles?.secondary,
  ])
    if (u) ids.add(u);
  for (const e of incident.timeline) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    for (const u of [e.actor?.type === 'user' ? e.actor.id : undefined, d.by, d.to, d.from])
      if (typeof u === 'string' && /^[UW][A-Z0-9]+$/.test(u)) ids.add(u);
  }
  const names = new Map<string, string>();
  const lookups = [...ids].slice(0, 20).map(async (id) => {
    const res = await ctx.slack.users.info({ user: id }).catch(() => undefined);
    const name = res?.user?.real_name || res?.user?.profile?.real_name || res?.user?.name;
    if (name) names.set(id, name);
  });
  await Promise.race([Promise.all(lookups), new Promise((r) => setTimeout(r, budgetMs))]);
  return (id) => (id ? (names.get(id) ?? `@${id}`) : 'nobody');
}

export async function openReportModal(
  ctx: AppContext,
  triggerId: string,
  incident: IncidentDoc,
  channel?: string,
): Promise<void> {
  const refused = reportRefusal(incident);
  if (refused) throw new DomainError(refused);
  const metadata: IncidentMetadata = { incidentId: incident.id, ...(channel ? { channel } : {}) };
  const draft = reportDraft(incident, { names: await namesOf(ctx, incident), timeZone: ctx.policy.timeZone });
  await ctx.slack.views.open({
    trigger_id: triggerId,
    view: reportModal({ incident, draft, privateMetadata: JSON.stringify(metadata) }),
  });
}
