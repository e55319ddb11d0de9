// The words the app shows for the API's codes, and small formatters. The words are not kept
// here: the server keeps them beside the codes (src/principal, src/org) and serves them at
// GET /api/v1/vocabulary, which loadVocabulary() reads once into the tables below, so a new
// role or permission is named in one place. Until then (the sign-in page) label() shows codes.
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
// failed fetch is forgotten, so the next call tries again.
export function loadVocabulary() {
  if (!loaded) {
    loaded = api('GET', '/api/v1/vocabulary').then(
      (v) => {
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
        loaded = null;
        throw e;
      },
    );
  }
  return loaded;
}

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
