// What the incident pages share: the taxonomy and the lists behind the choices (fetched once
// per session), the words for the API's codes, times in UTC, and small pieces of the page
// (status and marking badges, a filter query).
import { api, ApiError, listAll } from '../api.js';
import { getOrgs } from '../data.js';
import { h } from '../dom.js';
import { session } from '../state.js';

export const STATUSES = {
  draft: 'Draft',
  submitted: 'Submitted',
  endorsed: 'Endorsed',
  returned: 'Returned',
  merged: 'Merged',
};

export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

export const TLP_HINTS = {
  CLEAR: 'Anyone, also without signing in.',
  GREEN: 'Every signed-in member.',
  AMBER: 'Your organization and the organizations of the sharing group you choose.',
  'AMBER+STRICT': 'Your organization only.',
  RED: 'Only the people you name.',
};

// Words for the taxonomy's plain lists of codes, where the API gives codes only.
const WORDS = {
  exact: 'Exact',
  day: 'Day',
  week: 'Week',
  month: 'Month',
  near: 'Near (within a few km)',
  admin2: 'District (admin 2)',
  admin1: 'Region (admin 1)',
  country: 'Country',
  convoy: 'Convoy',
  patrol: 'Patrol',
  camp_base: 'Camp or base',
  aircraft: 'Aircraft',
  individual: 'Individual',
  other: 'Other',
  patrolling: 'Patrolling',
  guarding: 'Guarding',
  demining: 'Demining',
  medical: 'Medical',
  engineering: 'Engineering',
  air_transport: 'Air transport',
  escort: 'Escort',
  logistics_convoy: 'Logistics convoy',
};

export function word(code) {
  if (!code) return '—';
  return WORDS[code] || code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ');
}

// [[code, label], ...] from a list of codes or of objects ({code, label|name}).
function pairs(list) {
  return (Array.isArray(list) ? list : []).map((x) =>
    typeof x === 'string' ? [x, word(x)] : [x.code, x.label || x.name || word(x.code)],
  );
}

function pick(obj, keys) {
  for (const k of keys) if (obj && obj[k]) return obj[k];
  return [];
}

let cache = { user: null };
function cached(key, load) {
  if (cache.user !== session.user) cache = { user: session.user };
  if (!cache[key]) {
    const p = load();
    cache[key] = p;
    // A failed load is not kept: the next page asks again.
    p.catch(() => {
      if (cache[key] === p) cache[key] = null;
    });
  }
  return cache[key];
}

// GET /api/v1/taxonomy as the pages use it: { types: [{code, label, description, class}],
// targets, activities, timePrecisions, placePrecisions, groups: [[code, name]] }, each list of
// the last kinds as [code, label] pairs.
export function getTaxonomy() {
  return cached('taxonomy', async () => {
    const t = (await api('GET', '/api/v1/taxonomy')) || {};
    const types = pick(t, ['threat_types', 'threats', 'types']).map((x) =>
      typeof x === 'string' ? { code: x, label: word(x) } : x,
    );
    return {
      types,
      typeLabel: (code) => {
        const x = types.find((y) => y.code === code);
        return x ? x.label : word(code);
      },
      targets: pairs(pick(t, ['targets'])),
      activities: pairs(pick(t, ['activities'])),
      timePrecisions: pairs(pick(t, ['time_precisions', 'occurred_precisions'])),
      placePrecisions: pairs(pick(t, ['place_precisions', 'location_precisions'])),
      groups: pairs(pick(t, ['known_groups', 'groups'])),
    };
  });
}

const CLASSES = {
  attack: 'Attacks',
  hazard: 'Explosive and other hazards',
  crime: 'Crime',
  accident: 'Accidents',
  health: 'Health',
  context: 'Conflict around the mission',
  other: 'Other',
};

// The threat types as <option>s grouped by class (<optgroup>), after an optional first
// option. Reports leave out the context class: those types are for conflict events around a
// mission, not incidents against peacekeepers.
export function typeOptions(tax, first, reports) {
  const out = first ? [h('option', { value: '' }, first)] : [];
  const byClass = new Map();
  for (const t of tax.types) {
    if (reports && t.class === 'context') continue;
    const k = t.class || 'other';
    if (!byClass.has(k)) byClass.set(k, []);
    byClass.get(k).push(h('option', { value: t.code }, t.label));
  }
  for (const [k, list] of byClass) out.push(h('optgroup', { label: CLASSES[k] || word(k) }, list));
  return out;
}

// The sharing groups (for TLP:AMBER), as in the directory.
export function getGroups() {
  return cached('groups', () => listAll('/api/v1/groups'));
}

// The mission codes to choose from: the signed-in user's missions, and the missions in the
// directory; sorted.
export function getMissions() {
  return cached('missions', async () => {
    const set = new Set(session.missions || []);
    try {
      for (const o of await getOrgs()) if (o.kind === 'mission') set.add(o.mission || o.code);
    } catch (e) {
      // Without the directory the user's own missions still make a list.
    }
    return [...set].sort();
  });
}

// The tile URL template configured on the server (`map_tile_url`), or null: the map is drawn
// from the bundled outlines alone.
export function getTileUrl() {
  return cached('tiles', async () => {
    const v = await api('GET', '/api/v1/version');
    return (v && v.map_tile_url) || null;
  });
}

// "2024-03-02T06:40:00Z" → "2024-03-02 06:40 UTC"; a day precision shows the day only.
export function utc(text, precision) {
  if (!text) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(text);
  if (!m) return text;
  if (!m[2] || (precision && precision !== 'exact')) return m[1];
  return `${m[1]} ${m[2]} UTC`;
}

// A datetime-local control's value (read as UTC: the forms say so) → RFC 3339 UTC, or ''.
export function fromInput(value) {
  if (!value) return '';
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : `${value}Z`;
}

// RFC 3339 → the value of a datetime-local control, in UTC.
export function toInput(text) {
  if (!text) return '';
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(0, 16);
}

// TLP:AMBER+STRICT → "amber-strict", for the class.
export function tlpBadge(tlp) {
  const t = String(tlp || '').replace(/^TLP:/, '');
  return h('span', { class: `tlp tlp-${t.toLowerCase().replace('+', '-')}` }, `TLP:${t}`);
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, STATUSES[status] || status || '—');
}

// "3 killed, 2 injured", or "None".
export function casualtyText(i) {
  const parts = [];
  for (const [k, w] of [
    ['killed', 'killed'],
    ['injured', 'injured'],
    ['missing', 'missing'],
    ['abducted', 'abducted'],
  ])
    if (i[k]) parts.push(`${i[k]} ${w}`);
  return parts.length ? parts.join(', ') : 'None';
}

export function incidentHref(id) {
  return `#/incidents/${encodeURIComponent(id)}`;
}

// Where it happened, in words: "Gao, Gao region, Mali" as far as the report says.
export function placeText(i) {
  const parts = [i.place_name, i.admin2, i.admin1].filter(Boolean);
  return parts.length ? parts.join(', ') : `${fmtCoord(i.latitude)}, ${fmtCoord(i.longitude)}`;
}

export function fmtCoord(x) {
  return typeof x === 'number' ? x.toFixed(4) : '—';
}

export const fmt = (n) => Number(n || 0).toLocaleString('en-US');

// A query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const k of Object.keys(params)) {
    const v = params[k];
    if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  }
  return q.toString();
}

// Calls `fn` once `ms` have passed without another call: typing and panning do not each cost a
// request on a slow link.
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// A definition list from [term, value] pairs, leaving out empty values.
export function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([t, v]) => h('div', { class: 'fact' }, h('dt', null, t), h('dd', null, v))),
  );
}

// A problem found before asking the server, thrown the way the server's are, so that forms
// show it next to its field.
export function clientProblem(field, detail) {
  return new ApiError(400, { detail, field, code: 'CLIENT' });
}

// A line for the next page to show ("Report submitted for endorsement."), once.
let flash = '';
export function setFlash(text) {
  flash = text;
}
export function takeFlash() {
  const t = flash;
  flash = '';
  return t;
}
