// Lists several pages need (the directory feeds the directory page, the user form's
// organization choice and the sharing-group member picker), fetched once per session: on a
// slow link the second page should not wait for the same bytes again.
import { listAll } from './api.js';
import { intlLocale } from './i18n.js';
import { session } from './state.js';

let cache = { user: null, orgs: null };

export function getOrgs(force) {
  if (cache.user !== session.user) cache = { user: session.user, orgs: null };
  if (force || !cache.orgs) {
    const p = listAll('/api/v1/orgs');
    cache.orgs = p;
    // A failed load is not kept: the next page asks again.
    p.catch(() => {
      if (cache.orgs === p) cache.orgs = null;
    });
  }
  return cache.orgs;
}

const KIND_RANK = { member_state: 0, regional_org: 1, un_entity: 2, mission: 3 };

// Member states first, then regional organizations, UN entities and missions; by name within,
// in the order of the reader's language.
export function byKindThenName(a, b) {
  const k = (KIND_RANK[a.kind] ?? 9) - (KIND_RANK[b.kind] ?? 9);
  return k || byName(a, b);
}

export function byName(a, b) {
  return a.name.localeCompare(b.name, intlLocale());
}
