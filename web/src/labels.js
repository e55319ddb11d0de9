// The words the app shows for the API's codes. The words are not kept
// here: the server keeps them beside the codes (src/principal, src/org) and serves them at
// GET /api/v1/vocabulary in the language the app asks for (Accept-Language), which
// loadVocabulary() reads once into the tables below, so a new role or permission is named in
// one place. Until then (the sign-in page) label() shows codes.
import { api } from './api.js';

export const KINDS = {};
export const STANDINGS = {};
// Contributor roles: short label for the table, long one for the title and forms.
export const ORG_ROLES = {};
export const ROLES = {};
// Who holds each role, for the form that gives it.
export const ROLE_WHO = {};
export const PERMISSIONS = {};

let loaded = null;

// Fetches the words once and fills the tables in place (pages hold references to them). A
// failed fetch is forgotten, so the next call tries again; `again` asks anew (the app's
// language changed, and the words come in the language the request says).
export function loadVocabulary(again) {
  if (!loaded || again) {
    // Only the newest request fills the tables: an older answer is in the older language.
    const p = api('GET', '/api/v1/vocabulary').then(
      (v) => {
        if (loaded !== p) return;
        for (const [code, r] of Object.entries(v.roles)) {
          ROLES[code] = r.label;
          ROLE_WHO[code] = r.who;
        }
        Object.assign(PERMISSIONS, v.permissions);
        Object.assign(KINDS, v.org_kinds);
        Object.assign(STANDINGS, v.standings);
        Object.assign(ORG_ROLES, v.org_roles);
      },
      (e) => {
        if (loaded === p) loaded = null;
        throw e;
      },
    );
    loaded = p;
  }
  return loaded;
}

export function label(table, code) {
  const v = table[code];
  if (v === undefined) return code || '—';
  return Array.isArray(v) ? v[0] : v;
}
