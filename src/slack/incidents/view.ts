import type { IncidentDoc } from '../../db/models/incident.js';
import type { IncidentView } from '../../../views/incident.js';

/** The stored incident as the views take it (a plain object with its id). */
export function incidentView(i: IncidentDoc): IncidentView {
  return { ...(i.toObject() as object), id: i.id } as IncidentView;
}
