import type { SlackWebApi } from './slack/web-api.js';

/** The sandbox's channel for ticket cards (SUPPORT_CHANNEL_ID). */
export const SUPPORT_CHANNEL = 'C0SUPPORT';
export const SUPPORT_ADDRESS = 'support@acme.example';

export type Role = 'agent' | 'lead' | 'on-call' | 'outsider';

export interface Person {
  id: string;
  name: string;
  real_name: string;
  email: string;
  role: Role;
  /** What the user switcher says about them. */
  title: string;
}

/** Who can be played in the sandbox: one of each kind of person a support team's workspace has. */
export const PEOPLE: readonly Person[] = [
  {
    id: 'U0AGENT',
    name: 'alex',
    real_name: 'Alex Rivera',
    email: 'alex@acme.example',
    role: 'agent',
    title: 'support agent',
  },
  {
    id: 'U0LEAD',
    name: 'priya',
    real_name: 'Priya Shah',
    email: 'priya@acme.example',
    role: 'lead',
    title: 'support lead',
  },
  {
    id: 'U0ONCALL',
    name: 'omar',
    real_name: 'Omar Haddad',
    email: 'omar@acme.example',
    role: 'on-call',
    title: 'on-call engineer',
  },
  {
    id: 'U0OUTSIDER',
    name: 'jamie',
    real_name: 'Jamie Fox',
    email: 'jamie@acme.example',
    role: 'outsider',
    title: 'sales, not in the support team',
  },
];

export const person = (role: Role): Person => PEOPLE.find((p) => p.role === role)!;

/** The user groups Deskbell's settings name, and who is in each. */
export const GROUPS = {
  team: { id: 'S0TEAM', members: ['agent', 'lead', 'on-call'] },
  leads: { id: 'S0LEADS', members: ['lead'] },
  engineering: { id: 'S0ENG', members: ['on-call'] },
  techLead: { id: 'S0TECHLEAD', members: ['on-call'] },
  management: { id: 'S0MGMT', members: ['lead'] },
  onCall: { id: 'S0ONCALL', members: ['on-call'] },
} as const satisfies Record<string, { id: string; members: Role[] }>;

/** Deskbell's settings for those groups. */
export const GROUP_SETTINGS = {
  SUPPORT_TEAM_USERGROUP: GROUPS.team.id,
  SUPPORT_LEADS_USERGROUP: GROUPS.leads.id,
  ESCALATION_L2_USERGROUP: GROUPS.engineering.id,
  ESCALATION_L3_USERGROUP: GROUPS.techLead.id,
  ESCALATION_MANAGEMENT_USERGROUP: GROUPS.management.id,
  ONCALL_USERGROUP: GROUPS.onCall.id,
};

/** Fills a fresh stand-in with the people, their groups and #support, everyone in it. */
export function populate(workspace: SlackWebApi): void {
  for (const p of PEOPLE) workspace.users.set(p.id, { id: p.id, name: p.name, real_name: p.real_name, email: p.email });
  workspace.users.set('UBOT', { id: 'UBOT', name: 'deskbell', real_name: 'Deskbell', is_bot: true });
  for (const group of Object.values(GROUPS)) {
    workspace.usergroups.set(
      group.id,
      group.members.map((role) => person(role).id),
    );
  }
  const members = new Set(['UBOT', ...PEOPLE.map((p) => p.id)]);
  workspace.channels.set(SUPPORT_CHANNEL, {
    id: SUPPORT_CHANNEL,
    name: 'support',
    members,
    creator: person('lead').id,
    is_private: false,
  });
}
