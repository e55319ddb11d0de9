// What the capacity-building pages share (issue 17): the words for the module's codes
// (categories, capabilities, units, priorities, languages), which the server keeps and serves
// in GET /api/v1/vocabulary's "capacity" in the reader's language, an amount in the reader's
// digits ("12 seats", "$1,200,000"), the priority and status badges, the coverage bar ("8 of 12
// seats covered"), the period, and the parts of the need and offer forms that are the same
// (category and capability, languages, marking, the close / withdraw / reopen buttons).
// Exported for the other capacity pages: getCapacityVocabulary, categoryLabel,
// capabilityLabel, unitLabel, priorityLabel, languageLabel, languagesText, amountText,
// priorityBadge, statusLabel, statusBadge, coverageBar, periodText, orgText, needHref,
// offerHref.
import { api, ApiError } from '../api.js';
import { h } from '../dom.js';
import { select } from '../forms.js';
import { date, language, num, t } from '../i18n.js';
import { word } from '../incidents/common.js';
import { markingFields } from '../marking.js';

// The closed lists, in the server's order, for when the vocabulary has not arrived (a code
// is then shown as itself, made a word).
export const CATEGORIES = [
  'training',
  'lessons_learned',
  'mentoring',
  'advise_assist',
  'equipment',
  'infrastructure',
  'logistics',
  'financial',
];
export const PRIORITIES = ['critical', 'high', 'medium', 'low'];
export const UNITS = ['seats', 'units', 'person_days', 'usd'];
export const STATUSES = ['open', 'closed', 'withdrawn'];
// A need or an offer is marked for others to act on: never AMBER+STRICT or RED.
export const MARKINGS = ['CLEAR', 'GREEN', 'AMBER'];

export const needHref = (id) => `#/capacity/needs/${encodeURIComponent(id)}`;
export const offerHref = (id) => `#/capacity/offers/${encodeURIComponent(id)}`;

// The words, filled in place once the vocabulary arrives: {categories: {code: label},
// capabilities: {code: {label, category, unit}}, units, priorities, languages}.
export const VOCAB = { categories: {}, capabilities: {}, units: {}, priorities: {}, languages: {} };
let loaded = null;
let loadedIn = '';

// Fetches the vocabulary once per language; a failure is forgotten, so the next page asks
// again, and the pages show codes meanwhile.
export function getCapacityVocabulary() {
  if (!loaded || loadedIn !== language()) {
    loadedIn = language();
    const p = api('GET', '/api/v1/vocabulary').then(
      (v) => {
        const c = (v && v.capacity) || {};
        for (const k of Object.keys(VOCAB)) VOCAB[k] = c[k] && typeof c[k] === 'object' ? c[k] : {};
        return VOCAB;
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

const words = (table, code) => {
  const v = table[code];
  if (v && typeof v === 'object') return v.label || word(code);
  return v || word(code);
};

export const categoryLabel = (c) => words(VOCAB.categories, c);
export const capabilityLabel = (c) => words(VOCAB.capabilities, c);
export const unitLabel = (u) => words(VOCAB.units, u);
export const priorityLabel = (p) => words(VOCAB.priorities, p);
export const languageLabel = (l) => words(VOCAB.languages, l);

// The codes of a table in the server's order, else the fallback list.
export function codesOf(table, fallback) {
  const codes = Object.keys(table);
  return codes.length ? codes : fallback || [];
}

// [[code, label, unit]] of the capabilities of `category` (all when none is given).
export function capabilitiesOf(category) {
  return Object.entries(VOCAB.capabilities)
    .filter(([, c]) => !category || (c && c.category === category))
    .map(([code, c]) => [code, (c && c.label) || word(code), (c && c.unit) || '']);
}

// "fr, ar" as the languages' names; "—" for none.
export function languagesText(codes) {
  const list = Array.isArray(codes) ? codes : [];
  return list.length ? list.map(languageLabel).join(t('capacity.common_list_separator')) : '—';
}

// An amount in its unit, in the reader's digits: "12 seats", "1,200,000 US$" as the language
// writes dollars. A unit this app does not know is shown with its vocabulary word.
export function amountText(n, unit) {
  const v = Number(n || 0);
  switch (unit) {
    case 'usd':
      return num(v, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
    case 'seats':
      return t('capacity.common_amount_seats', { n: v });
    case 'units':
      return t('capacity.common_amount_units', { n: v });
    case 'person_days':
      return t('capacity.common_amount_person_days', { n: v });
    default:
      return t('capacity.common_amount_other', { n: num(v), unit: unitLabel(unit) });
  }
}

// The part taken before the whole in "8 of 12 seats": the bare number, dollars as dollars.
const partText = (n, unit) => (unit === 'usd' ? amountText(n, unit) : num(Number(n || 0)));

export function priorityBadge(p) {
  return h('span', { class: `badge capacity-priority priority-${p}` }, priorityLabel(p));
}

export function statusLabel(s) {
  return (
    {
      open: t('capacity.common_status_open'),
      closed: t('capacity.common_status_closed'),
      withdrawn: t('capacity.common_status_withdrawn'),
    }[s] || word(s)
  );
}

export function statusBadge(s) {
  return h('span', { class: `badge capacity-status capacity-status-${s}` }, statusLabel(s));
}

// A bar of `part` out of `whole` with its words ("8 of 12 seats covered"): a <progress>, since
// the Content-Security-Policy forbids the style attribute a drawn bar would need. `offer`: the
// words say "committed".
export function coverageBar(part, whole, unit, offer) {
  const amounts = { part: partText(part, unit), whole: amountText(whole, unit) };
  const text = offer
    ? t('capacity.common_committed', amounts)
    : t('capacity.common_covered', amounts);
  const full = Number(part) >= Number(whole) && Number(whole) > 0;
  return h(
    'span',
    { class: full ? 'capacity-coverage full' : 'capacity-coverage' },
    h('progress', {
      max: String(Math.max(1, Number(whole || 0))),
      value: String(Math.min(Number(part || 0), Number(whole || 0))),
      'aria-label': text,
    }),
    h('span', { class: 'capacity-coverage-text' }, text),
  );
}

// "3 Jan 2027 – 28 Feb 2027".
export function periodText(starts, ends) {
  if (!starts && !ends) return '—';
  return t('capacity.common_period', { from: date(starts), to: date(ends) });
}

// An organization ({code, name} or a code) as its name.
export function orgText(o) {
  if (!o) return '—';
  if (typeof o === 'string') return o;
  return o.name || o.code || '—';
}

// ---- the forms' shared parts ----

// The category and capability selects, the capability's list following the category and the
// unit (when `unit` is given) following the capability's default.
export function categoryCapability(x, unit) {
  const category = select(
    'category',
    [['', t('capacity.form_choose_category')]].concat(
      codesOf(VOCAB.categories, CATEGORIES).map((c) => [c, categoryLabel(c)]),
    ),
    x.category || '',
  );
  const capability = h('select', { name: 'capability' });
  const fillCapabilities = (keep) => {
    const want = keep || '';
    const list = capabilitiesOf(category.value);
    if (want && !list.some(([c]) => c === want)) list.push([want, capabilityLabel(want), '']);
    capability.replaceChildren(
      h('option', { value: '' }, t('capacity.form_choose_capability')),
      ...list.map(([code, text]) => h('option', { value: code, selected: code === want }, text)),
    );
  };
  fillCapabilities(x.capability);
  category.addEventListener('change', () => fillCapabilities(''));
  if (unit)
    capability.addEventListener('change', () => {
      const c = VOCAB.capabilities[capability.value];
      if (c && c.unit) unit.value = c.unit;
    });
  return { category, capability };
}

export function unitSelect(x) {
  return select(
    'unit',
    codesOf(VOCAB.units, UNITS).map((u) => [u, unitLabel(u)]),
    x.unit || 'seats',
  );
}

// The vocabulary's languages as check boxes, those of `chosen` checked.
export function languageChecks(chosen) {
  const want = new Set(chosen || []);
  const codes = codesOf(VOCAB.languages, []);
  for (const c of want) if (!codes.includes(c)) codes.push(c);
  return h(
    'div',
    { class: 'capacity-checks' },
    codes.map((code) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', name: 'languages', value: code, checked: want.has(code) }),
        ' ',
        languageLabel(code),
      ),
    ),
  );
}

export const checkedValues = (box) =>
  [...box.querySelectorAll('input:checked')].map((i) => i.value);

// The marking select (CLEAR, GREEN, AMBER) and the sharing group AMBER asks for:
// {tlp, group, controls}.
export function markingPart(x, groups) {
  const c = {};
  c.tlp = select(
    'tlp',
    MARKINGS.map((m) => [m, `TLP:${m}`]),
    x.tlp ? String(x.tlp).replace(/^TLP:/, '') : 'GREEN',
  );
  c.sharing_group = select(
    'sharing_group',
    [['', t('capacity.form_choose_group')]].concat(
      (groups || []).map((g) => [String(g.id), g.name]),
    ),
    x.sharing_group ? String(x.sharing_group) : '',
  );
  // RED is not offered: its recipients field stays hidden and unplaced.
  c.recipients = h('input', { name: 'recipients', type: 'text' });
  const m = markingFields(c);
  return { tlp: m.tlp, group: m.group, controls: c };
}

// The buttons that change a record's status (close, withdraw, reopen), each a PATCH with
// If-Match of the version shown; `done()` draws the page again.
export function statusButtons(path, rec, done, onError) {
  const send = async (status, button) => {
    button.disabled = true;
    try {
      await api('PATCH', path, { status }, { ifMatch: `"${rec.version}"` });
      done();
    } catch (e) {
      button.disabled = false;
      if (e instanceof ApiError) onError(e);
      else throw e;
    }
  };
  const button = (status, text) => {
    const b = h('button', { type: 'button', onclick: () => send(status, b) }, text);
    return b;
  };
  if (rec.status === 'open')
    return [
      button('closed', t('capacity.common_close')),
      button('withdrawn', t('capacity.common_withdraw')),
    ];
  return [button('open', t('capacity.common_reopen'))];
}

// An organization as the API gives it: a code, or {code, name}.
export const orgCode = (o) => (o && typeof o === 'object' ? o.code : o) || '';

// The page's filters live after "?" in the hash, so a reload or a shared link keeps them.
export function hashParams() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? location.hash.slice(i + 1) : '');
}

// A table() that becomes one card per row on a phone (CSS .stack-on-phone): each cell is
// labelled with its column's header (data-label, shown by the stylesheet), and the roles are
// said outright, since a table drawn as blocks loses them in some browsers. `wrap` is what
// table() returned (a "nothing here" paragraph is returned as it is).
export function stackOnPhone(wrap) {
  const tableEl = wrap.querySelector && wrap.querySelector('table');
  if (!tableEl) return wrap;
  wrap.classList.add('stack-on-phone');
  tableEl.setAttribute('role', 'table');
  const heads = [...tableEl.querySelectorAll('thead th')].map((th) => {
    th.setAttribute('role', 'columnheader');
    return th.textContent;
  });
  for (const tr of tableEl.querySelectorAll('tr')) tr.setAttribute('role', 'row');
  for (const tr of tableEl.querySelectorAll('tbody tr'))
    [...tr.children].forEach((td, i) => {
      td.setAttribute('role', 'cell');
      td.setAttribute('data-label', heads[i] || '');
    });
  return wrap;
}
