import type { Args } from './workspace.js';

/**
 * What a person chose in one control, as the sandbox page (or the demo week) says it: an option's value, a
 * user or channel id, a date `YYYY-MM-DD`, a time `HH:MM`, a date-time in epoch seconds, typed text, or
 * several values. Slack's own shapes (selected_option with its text, state values by element type) are
 * built from the view's blocks here, so the page never has to know them.
 */
export type Choice = string | number | string[] | null;
/** Choices by block_id, then action_id, as view state is keyed. */
export type Choices = Record<string, Record<string, Choice>>;

interface Option {
  text: unknown;
  value?: string;
}

const optionsOf = (e: Args): Option[] => [
  ...((e.options ?? []) as Option[]),
  ...((e.option_groups ?? []) as Array<{ options?: Option[] }>).flatMap((g) => g.options ?? []),
];

const option = (e: Args, value: unknown): Option | null =>
  value === null || value === undefined ? null : (optionsOf(e).find((o) => o.value === String(value)) ?? null);

const list = (v: Choice | undefined): string[] =>
  Array.isArray(v) ? v : v === null || v === undefined ? [] : [String(v)];

/** The value Slack reports for `element` in view state (or in an action), from a choice or the initial one. */
export function stateValue(e: Args, choice: Choice | undefined): Args {
  const given = choice !== undefined;
  const type = String(e.type);
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
    case 'overflow':
      return { type, selected_option: given ? option(e, choice) : (e.initial_option ?? null) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return {
        type,
        selected_options: given
          ? list(choice)
              .map((v) => option(e, v))
              .filter(Boolean)
          : (e.initial_options ?? []),
      };
    case 'users_select':
      return { type, selected_user: given ? choice : (e.initial_user ?? null) };
    case 'multi_users_select':
      return { type, selected_users: given ? list(choice) : (e.initial_users ?? []) };
    case 'conversations_select':
      return { type, selected_conversation: given ? choice : (e.initial_conversation ?? null) };
    case 'channels_select':
      return { type, selected_channel: given ? choice : (e.initial_channel ?? null) };
    case 'datepicker':
      return { type, selected_date: given ? choice : (e.initial_date ?? null) };
    case 'timepicker':
      return { type, selected_time: given ? choice : (e.initial_time ?? null) };
    case 'datetimepicker':
      return { type, selected_date_time: given && choice !== null ? Number(choice) : (e.initial_date_time ?? null) };
    default: {
      const typed = given ? choice : e.initial_value;
      return { type, value: typed === undefined || typed === null || typed === '' ? null : String(typed) };
    }
  }
}

interface Located {
  block: Args;
  element: Args;
}

/** Every interactive element of the blocks with the block that holds it. */
export function elementsOf(blocks: readonly unknown[]): Located[] {
  return (blocks as Args[]).flatMap((block) => {
    if (block.type === 'input' && block.element) return [{ block, element: block.element as Args }];
    if (block.type === 'section' && block.accessory) return [{ block, element: block.accessory as Args }];
    if (block.type === 'actions') return ((block.elements ?? []) as Args[]).map((element) => ({ block, element }));
    return [];
  });
}

export function findElement(
  blocks: readonly unknown[],
  blockId: string | undefined,
  actionId: string,
): Located | undefined {
  return elementsOf(blocks).find((l) => l.element.action_id === actionId && (!blockId || l.block.block_id === blockId));
}

/** A view's `state.values`: every input (and every control given a choice), as Slack sends it. */
export function viewState(blocks: readonly unknown[], choices: Choices = {}): { values: Record<string, Args> } {
  const values: Record<string, Args> = {};
  for (const { block, element } of elementsOf(blocks)) {
    const blockId = String(block.block_id ?? '');
    const actionId = String(element.action_id ?? '');
    const choice = choices[blockId]?.[actionId];
    if (block.type !== 'input' && choice === undefined) continue;
    if (element.type === 'button') continue;
    values[blockId] = { ...(values[blockId] ?? {}), [actionId]: stateValue(element, choice) };
  }
  return { values };
}

/** The `actions[0]` of a block_actions payload for a click or choice on `located`. */
export function actionPayload({ block, element }: Located, choice: Choice | undefined, actionTs: string): Args {
  const base = { type: element.type, action_id: element.action_id, block_id: block.block_id, action_ts: actionTs };
  if (element.type === 'button')
    return { ...base, text: element.text, value: element.value, ...(element.url ? { url: element.url } : {}) };
  const { type: _type, ...selected } = stateValue(element, choice);
  return { ...base, ...selected };
}

/** Answers by the start of their block_id: modals re-rendered by Deskbell suffix it (`reply_message.2`). */
export function choicesByBlockPrefix(blocks: readonly unknown[], answers: Record<string, Choice>): Choices {
  const choices: Choices = {};
  for (const { block, element } of elementsOf(blocks)) {
    const blockId = String(block.block_id ?? '');
    const key = Object.keys(answers).find((k) => blockId === k || blockId.startsWith(`${k}.`));
    if (key) choices[blockId] = { [String(element.action_id)]: answers[key]! };
  }
  return choices;
}
