// What the incident pages share: the taxonomy and the lists behind the choices (fetched once
// per session), the words for the API's codes (from the catalog, `incidents.*`), times in UTC
// in the reader's form, and small pieces of the page (status and marking badges, a filter
// query).
import { api, ApiError, listAll } from '../api.js';
import { getOrgs } from '../data.js';
import { h } from '../dom.js';
import { date, dateTime, has, intlLocale, num, t } from '../i18n.js';
import { session } from '../state.js';

// The workflow's states, in order.
export const STATUS_CODES = ['draft', 'submitted', 'endorsed', 'returned', 'merged'];

// A state's word ("Submitted"); a state this app does not know is shown as its code.
export function statusLabel(code) {
  if (!code) return '—';
  return has(`incidents.status.${code}`) ? t(`incidents.status.${code}`) : code;
}

// code → word, for the pages that read STATUSES[code] or Object.keys(STATUSES). Each word is
// looked up when read, not when this module loads (the language is chosen later); new code
// calls statusLabel() and STATUS_CODES.
export const STATUSES = {};
for (const code of STATUS_CODES)
  Object.defineProperty(STATUSES, code, { enumerable: true, get: () => statusLabel(code) });

// The Traffic Light Protocol's markings: codes, shown as they are in every language.
export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

// Who may see a report of a marking, in a sentence.
export function tlpHint(tlp) {
  switch (tlp) {
    case 'CLEAR':
      return t('incidents.tlp_hint_clear');
    case 'GREEN':
      return t('incidents.tlp_hint_green');
    case 'AMBER':
      return t('incidents.tlp_hint_amber');
    case 'AMBER+STRICT':
      return t('incidents.tlp_hint_amber_strict');
    case 'RED':
      return t('incidents.tlp_hint_red');
    default:
      return '';
  }
}

// Words for the codes the API gives without a label: the taxonomy's plain lists (targets,
// activities, precisions) when it sends codes only, the report's source and the steps of its
// history. A code without a message (a list the server extended) is shown as itself, made to
// look like a word: "night_patrol" → "Night patrol".
export function word(code) {
  if (!code) return '—';
  if (has(`incidents.word.${code}`)) return t(`incidents.word.${code}`);
  return code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ');
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
    const tx = (await api('GET', '/api/v1/taxonomy')) || {};
    const types = pick(tx, ['threat_types', 'threats', 'types']).map((x) =>
      typeof x === 'string' ? { code: x, label: word(x) } : x,
    );
    return {
      types,
      typeLabel: (code) => {
        const x = types.find((y) => y.code === code);
        return x ? x.label : word(code);
      },
      targets: pairs(pick(tx, ['targets'])),
      activities: pairs(pick(tx, ['activities'])),
      timePrecisions: pairs(pick(tx, ['time_precisions', 'occurred_precisions'])),
      placePrecisions: pairs(pick(tx, ['place_precisions', 'location_precisions'])),
      groups: pairs(pick(tx, ['known_groups', 'groups'])),
    };
  });
}

// The name of a class of threat types (the API sends the class codes only).
function className(code) {
  return has(`incidents.class.${code}`) ? t(`incidents.class.${code}`) : word(code);
}

// The threat types as <option>s grouped by class (<optgroup>), after an optional first
// option. Reports leave out the context class: those types are for conflict events around a
// mission, not incidents against peacekeepers.
export function typeOptions(tax, first, reports) {
  const out = first ? [h('option', { value: '' }, first)] : [];
  const byClass = new Map();
  for (const ty of tax.types) {
    if (reports && ty.class === 'context') continue;
    const k = ty.class || 'other';
    if (!byClass.has(k)) byClass.set(k, []);
    byClass.get(k).push(h('option', { value: ty.code }, ty.label));
  }
  for (const [k, list] of byClass) out.push(h('optgroup', { label: className(k) }, list));
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

// Where a mission's headquarters are ({lat, lon}, from the directory's reference data), or
// null.
export async function missionHq(code) {
  const want = String(code || '').toUpperCase();
  for (const o of await getOrgs())
    if (o.kind === 'mission' && String(o.mission || o.code).toUpperCase() === want && o.hq)
      return o.hq;
  return null;
}

// The tile URL template configured on the server (`map_tile_url`), or null: the map is drawn
// from the bundled outlines alone.
export function getTileUrl() {
  return cached('tiles', async () => {
    const v = await api('GET', '/api/v1/version');
    return (v && v.map_tile_url) || null;
  });
}

// "2024-03-02T06:40:00Z" → "2 Mar 2024, 06:40 UTC" in the reader's form; a precision coarser
// than exact, or a date alone, shows the day only. Text that is not a date comes back as it is.
export function utc(text, precision) {
  if (!text) return '—';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || (precision && precision !== 'exact'))
    return date(text);
  return dateTime(text);
}

// A date-time field's value ("2024-03-02 06:40" or with a "T", read as UTC: the forms say so)
// → RFC 3339 UTC, or ''. A value in no such form comes back with a "Z", for the check to refuse.
export function fromInput(value) {
  const s = String(value || '').trim();
  if (!s) return '';
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ]+(\d{2}:\d{2})(:\d{2})?)?(?:\s*(?:Z|UTC))?$/i.exec(s);
  return m ? `${m[1]}T${m[2] || '00:00'}${m[3] || ':00'}Z` : `${s}Z`;
}

// RFC 3339 → the value of a date-time field, in UTC: "2024-03-02 06:40".
export function toInput(text) {
  if (!text) return '';
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

// TLP:AMBER+STRICT → "amber-strict", for the class. The marking is a code, read left to right.
export function tlpBadge(tlp) {
  const m = String(tlp || '').replace(/^TLP:/, '');
  return h(
    'span',
    { class: `tlp tlp-${m.toLowerCase().replace('+', '-')}`, dir: 'ltr' },
    // i18n-exempt: TLP markings are FIRST's codes, written the same in every language
    `TLP:${m}`,
  );
}

// "Synthetic" beside a record made by the demo generator, wherever the record is shown.
export function syntheticBadge(i) {
  return i && i.synthetic
    ? h('span', { class: 'badge badge-synthetic' }, t('map.synthetic'))
    : null;
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, statusLabel(status));
}

// A list of measures ("3 killed, 2 injured") joined the way the language joins them (a unit
// list: English keeps the commas and adds no "and").
const listFormats = new Map();
function unitList(parts) {
  const loc = intlLocale();
  if (!listFormats.has(loc))
    listFormats.set(loc, new Intl.ListFormat(loc, { style: 'short', type: 'unit' }));
  return listFormats.get(loc).format(parts);
}

// "3 killed, 2 injured", or "None".
export function casualtyText(i) {
  const parts = [];
  if (i.killed) parts.push(t('incidents.casualties_killed', { n: Number(i.killed) }));
  if (i.injured) parts.push(t('incidents.casualties_injured', { n: Number(i.injured) }));
  if (i.missing) parts.push(t('incidents.casualties_missing', { n: Number(i.missing) }));
  if (i.abducted) parts.push(t('incidents.casualties_abducted', { n: Number(i.abducted) }));
  return parts.length ? unitList(parts) : t('incidents.casualties_none');
}

export function incidentHref(id) {
  return `#/incidents/${encodeURIComponent(id)}`;
}

// Where it happened, in words: "Gao, Gao region, Mali" as far as the report says; else the
// coordinates.
export function placeText(i) {
  const parts = [i.place_name, i.admin2, i.admin1].filter(Boolean);
  return parts.length ? parts.join(t('incidents.place_separator')) : coordText(i);
}

// Where it happened, as an element: place names (a reporter's own words, in any script) are
// isolated so that their direction does not mix with the page's ("92 km W of Bamako" keeps its
// order in an Arabic page); a report without place names is placed by its coordinates, which
// read left to right.
export function placeNode(i) {
  return h('bdi', i.place_name || i.admin2 || i.admin1 ? null : { dir: 'ltr' }, placeText(i));
}

// "14.5000, -1.2000" as text that stays left to right in an Arabic page too: the pair is
// wrapped in Unicode's left-to-right isolate (U+2066 … U+2069), the plain-text form of
// <bdi dir="ltr">, because this text goes into other text and into title attributes, where no
// element can carry dir="ltr". Without it the two numbers would swap places and a minus
// sign would move to the number's end.
export function coordText(i) {
  return `\u2066${fmtCoord(i.latitude)}, ${fmtCoord(i.longitude)}\u2069`;
}

// One coordinate with four decimals. The dot stays a dot in every language (coordinates are
// written and typed that way), so this is not num(); an element showing it gets dir="ltr".
export function fmtCoord(x) {
  return typeof x === 'number' ? x.toFixed(4) : '—';
}

// A count in the reader's form ("1,234"; "1 234" in French).
export const fmt = (n) => num(Number(n || 0));

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
// `.cancel()` drops a call still waiting (a page that is left).
export function debounce(fn, ms) {
  let timer = null;
  const call = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  call.cancel = () => clearTimeout(timer);
  return call;
}

// A definition list from [term, value] pairs, leaving out empty values.
export function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([term, v]) => h('div', { class: 'fact' }, h('dt', null, term), h('dd', null, v))),
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
  const text = flash;
  flash = '';
  return text;
}
