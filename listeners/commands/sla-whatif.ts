import type { AckFn, RespondArguments, SlashCommand } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { parseWhatIfArgs } from '../../src/domain/sla-whatif.js';
import { deliverWhatIf } from '../../src/flows/sla-whatif.js';
import { notInTeamText } from '../../views/team-gate.js';
import { afterAck, tellUser } from '../respond.js';

/** `/support-report sla-whatif <schedule or policy file> [period]`: parse, gate, hand over to the flow. */
export async function whatIfCommand(
  ack: AckFn<string | RespondArguments>,
  command: SlashCommand,
  ctx: AppContext,
): Promise<void> {
  const parsed = parseWhatIfArgs(command.text);
  if (!parsed.ok) {
    await ack({ response_type: 'ephemeral', text: `${parsed.error}.` });
    return;
  }
  await ack();
  const { channel_id: channel, user_id: user } = command;
  await afterAck(ctx, { channel, user, what: '/support-report sla-whatif' }, async () => {
    if (!(await ctx.team.mayAct(user))) {
      await tellUser(ctx.slack, channel, user, notInTeamText(ctx.team.usergroup));
      return;
    }
    await deliverWhatIf(ctx, parsed.request, {
      user,
      channel,
      tell: (text, blocks) => tellUser(ctx.slack, channel, user, text, blocks),
    });
  });
}
