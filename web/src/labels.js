// The words the app shows for the API's codes, and small formatters.

export const KINDS = {
  member_state: 'Member state',
  regional_org: 'Regional organization',
  un_entity: 'UN entity',
  mission: 'Mission',
};

export const STANDINGS = {
  co_chair: 'Co-chair',
  member: 'Member',
  observer: 'Observer',
  none: 'None (not in the group)',
};

// Contributor roles: short label for the table, long one for the title and forms.
export const ORG_ROLES = {
  tcc: ['Troops', 'Troop-contributing'],
  pcc: ['Police', 'Police-contributing'],
  financial: ['Financial', 'Financial contributor'],
  host: ['Host', 'Hosts a mission'],
};

export const ROLES = {
  admin: 'Admin',
  coordinator: 'Coordinator',
  focal_point: 'Focal point',
  reporter: 'Reporter',
  endorser: 'Endorser',
  analyst: 'Analyst',
  auditor: 'Auditor',
};

// Who holds each role, for the form that gives it.
export const ROLE_WHO = {
  admin: 'platform secretariat',
  coordinator: "co-chairs' focal points",
  focal_point: "members' representatives",
  reporter: 'mission field reporters',
  endorser: 'mission JOC/JMAC officers, who endorse reports',
  analyst: 'analysts: read and export',
  auditor: 'auditors: read the audit log',
};

export const PERMISSIONS = {
  'directory.read': 'See organizations and sharing groups',
  'org.write': 'Add and change organizations',
  'user.admin': 'Add, change and disable users',
  'group.write': 'Create and change sharing groups',
  'token.own': 'Manage your own API tokens',
  'audit.read': 'Read the audit log',
  'record.read': 'Read records shared with you',
  'record.write': "Create and edit your organization's records",
  'record.endorse': 'Endorse or return reports',
  'record.export': 'Export in bulk',
  'data.import': 'Import published data (UN fatalities, deployments)',
};

export function label(table, code) {
  const v = table[code];
  if (v === undefined) return code || '—';
  return Array.isArray(v) ? v[0] : v;
}

// "2026-04-27T09:30:00Z" → "2026-04-27 09:30 UTC"; dates stay dates; empty → "—".
export function when(text) {
  if (!text) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(text);
  if (!m) return text;
  return /Z$|\+00:?00$/.test(text) ? `${m[1]} ${m[2]} UTC` : `${m[1]} ${m[2]}`;
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}
