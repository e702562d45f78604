import { z } from 'zod';
import { BlockIds } from '../views/ids.js';
import { parseJson } from './ticket-ref.js';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'not a storm id');
const stormRefSchema = z.object({ stormId: objectId });
const stormMetadataSchema = z.object({ stormId: objectId, channel: z.string().optional() });
export type StormMetadata = z.infer<typeof stormMetadataSchema>;

/** The storm a storm-card button belongs to (its `value`); undefined when forged or stale. */
export const parseStormRef = (value: unknown) => parseJson(stormRefSchema, value);
/** The storm modals' `private_metadata`. */
export const parseStormMetadata = (raw: unknown) => parseJson(stormMetadataSchema, raw);

const controls = z.string().regex(new RegExp(`^${BlockIds.stormControls}:([a-f0-9]{24})$`));
/** The storm of the card's select, from its block_id. */
export function stormIdFromBlockId(blockId: unknown): string | undefined {
  const parsed = controls.safeParse(blockId);
  return parsed.success ? parsed.data.slice(BlockIds.stormControls.length + 1) : undefined;
}
