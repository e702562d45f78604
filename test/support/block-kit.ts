/**
 * Slack's Block Kit limits, checked on rendered JSON: what Slack would refuse with `invalid_blocks`
 * (or silently cut). Pure, for view unit tests.
 */
export const BLOCK_KIT = {
  messageBlocks: 50,
  surfaceBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  options: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  label: 2000,
  id: 255,
  modalTitle: 24,
  privateMetadata: 3000,
} as const;

type Json = Record<string, unknown>;

const textOf = (t: unknown): string =>
  t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text) : '';

/** Every limit the blocks break, as readable lines; `[]` when Slack would take them. */
export function blockKitProblems(blocks: readonly unknown[], surface: 'message' | 'modal' | 'home'): string[] {
  const problems: string[] = [];
  const over = (what: string, length: number, max: number) => {
    if (length > max) problems.push(`${what}: ${length} > ${max}`);
  };
  over('blocks', blocks.length, surface === 'message' ? BLOCK_KIT.messageBlocks : BLOCK_KIT.surfaceBlocks);
  const element = (e: Json, where: string) => {
    if (typeof e.action_id === 'string') over(`${where} action_id`, e.action_id.length, BLOCK_KIT.id);
    if (e.placeholder) over(`${where} placeholder`, textOf(e.placeholder).length, BLOCK_KIT.placeholder);
    if (e.type === 'button') {
      over(`${where} button text`, textOf(e.text).length, BLOCK_KIT.buttonText);
      if (typeof e.value === 'string') over(`${where} button value`, e.value.length, BLOCK_KIT.buttonValue);
    }
    const options = (e.options ?? []) as Json[];
    over(`${where} options`, options.length, BLOCK_KIT.options);
    for (const o of options) {
      over(`${where} option text`, textOf(o.text).length, BLOCK_KIT.optionText);
      over(`${where} option value`, String(o.value ?? '').length, BLOCK_KIT.optionValue);
    }
  };
  blocks.forEach((raw, i) => {
    const b = raw as Json;
    const where = `block ${i} (${String(b.type)})`;
    if (typeof b.block_id === 'string') over(`${where} block_id`, b.block_id.length, BLOCK_KIT.id);
    if (b.type === 'section') {
      over(`${where} text`, textOf(b.text).length, BLOCK_KIT.sectionText);
      const fields = (b.fields ?? []) as Json[];
      over(`${where} fields`, fields.length, BLOCK_KIT.sectionFields);
      for (const f of fields) over(`${where} field`, textOf(f).length, BLOCK_KIT.fieldText);
      if (b.accessory) element(b.accessory as Json, where);
    }
    if (b.type === 'header') over(`${where} text`, textOf(b.text).length, BLOCK_KIT.headerText);
    if (b.type === 'context') {
      const elements = (b.elements ?? []) as Json[];
      over(`${where} elements`, elements.length, BLOCK_KIT.contextElements);
      for (const e of elements) over(`${where} element text`, textOf(e).length, BLOCK_KIT.sectionText);
    }
    if (b.type === 'actions') for (const e of (b.elements ?? []) as Json[]) element(e, where);
    if (b.type === 'input') {
      over(`${where} label`, textOf(b.label).length, BLOCK_KIT.label);
      if (b.hint) over(`${where} hint`, textOf(b.hint).length, BLOCK_KIT.label);
      element(b.element as Json, where);
    }
  });
  return problems;
}

/** The limits of a modal's own fields, then of its blocks. */
export function modalProblems(view: {
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  private_metadata?: string;
  blocks: readonly unknown[];
}): string[] {
  const problems: string[] = [];
  for (const [name, value] of [
    ['title', view.title],
    ['submit', view.submit],
    ['close', view.close],
  ] as const) {
    if (value && textOf(value).length > BLOCK_KIT.modalTitle)
      problems.push(`${name}: ${textOf(value).length} > ${BLOCK_KIT.modalTitle}`);
  }
  if ((view.private_metadata ?? '').length > BLOCK_KIT.privateMetadata)
    problems.push(`private_metadata: ${view.private_metadata!.length} > ${BLOCK_KIT.privateMetadata}`);
  return [...problems, ...blockKitProblems(view.blocks, 'modal')];
}
