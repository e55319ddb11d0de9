// Capacity needs (issue 17): the list (#/capacity) with its filters kept in the address, a
// need's page (#/capacity/needs/ID) with its confirmed matches and the offers that could meet
// it, which a coordinator of a third organization confirms there, and the form that posts or
// changes a need (#/capacity/needs/new, #/capacity/needs/ID/edit). The words for the module's
// codes are the server's (capacity_common.js).
import { api, ApiError } from '../api.js';
import { append, clear, fill, h } from '../dom.js';
import {
  dateInput,
  field,
  fieldset,
  formAlert,
  input,
  onSubmit,
  parseIsoDate,
  select,
  showProblem,
  statusLine,
  validateWith,
} from '../forms.js';
import { dateTime, instant, num, t } from '../i18n.js';
import {
  facts,
  getGroups,
  getMissions,
  query,
  setFlash,
  takeFlash,
  tlpBadge,
} from '../incidents/common.js';
import { can } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import {
  amountText,
  capabilitiesOf,
  capabilityLabel,
  categoryCapability,
  categoryLabel,
  CATEGORIES,
  checkedValues,
  codesOf,
  coverageBar,
  getCapacityVocabulary,
  languageChecks,
  languagesText,
  markingPart,
  needHref,
  offerHref,
  orgText,
  periodText,
  PRIORITIES,
  priorityBadge,
  priorityLabel,
  statusBadge,
  statusButtons,
  statusLabel,
  unitSelect,
  VOCAB,
} from './capacity_common.js';

const needPath = (id) => `/api/v1/capacity/needs/${encodeURIComponent(id)}`;
const FILTERS = ['status', 'category', 'capability', 'mission', 'priority', 'unmet'];
const LIST_STATUSES = ['open', 'closed', 'withdrawn', 'any'];

// ---- the list ----

function stateFromAddress() {
  const p = new URLSearchParams(location.hash.split('?')[1] || '');
  const s = {};
  for (const f of FILTERS) s[f] = p.get(f) || '';
  if (!LIST_STATUSES.includes(s.status)) s.status = '';
  s.unmet = s.unmet === '1' ? '1' : '';
  return s;
}

function statusFilterLabel(s) {
  return s === 'any' ? t('capacity.need_filter_any_status') : statusLabel(s);
}

// One need as a card: what, whose, how much is covered, how urgent, when, how marked.
export function needCard(n) {
  return h(
    'li',
    { class: 'card capacity-card', 'data-id': n.id },
    h('h3', null, h('a', { href: needHref(n.id), dir: 'auto' }, n.title || n.id)),
    h(
      'p',
      { class: 'capacity-meta' },
      h('span', { class: 'capacity-org', dir: 'auto' }, orgText(n.org)),
      n.mission ? [' · ', h('span', { class: 'capacity-mission', dir: 'ltr' }, n.mission)] : null,
      ' · ',
      h('span', null, categoryLabel(n.category)),
      ' · ',
      h('span', { class: 'capacity-capability' }, capabilityLabel(n.capability)),
    ),
    h(
      'p',
      { class: 'capacity-line' },
      coverageBar(n.covered, n.quantity, n.unit),
      ' ',
      priorityBadge(n.priority),
      n.status && n.status !== 'open' ? [' ', statusBadge(n.status)] : null,
      ' ',
      tlpBadge(n.tlp),
    ),
    h('p', { class: 'muted capacity-period' }, periodText(n.starts_on, n.ends_on)),
  );
}

export function renderNeeds(view) {
  const state = stateFromAddress();
  const c = {};
  c.status = select(
    'status',
    LIST_STATUSES.map((s) => [s, statusFilterLabel(s)]),
    state.status || 'open',
  );
  c.category = h('select', { name: 'category' });
  c.capability = h('select', { name: 'capability' });
  c.mission = h('select', { name: 'mission' });
  c.priority = h('select', { name: 'priority' });
  c.unmet = h('input', { type: 'checkbox', name: 'unmet', checked: state.unmet === '1' });
  const fillChoices = (missions) => {
    const opt = (v, text, on) => h('option', { value: v, selected: v === on }, text);
    c.category.replaceChildren(
      opt('', t('capacity.need_filter_all'), state.category),
      ...codesOf(VOCAB.categories, CATEGORIES).map((k) => opt(k, categoryLabel(k), state.category)),
    );
    const caps = capabilitiesOf(state.category);
    if (state.capability && !caps.some(([k]) => k === state.capability))
      caps.push([state.capability, capabilityLabel(state.capability)]);
    c.capability.replaceChildren(
      opt('', t('capacity.need_filter_all'), state.capability),
      ...caps.map(([k, text]) => opt(k, text, state.capability)),
    );
    const ms = (missions || []).slice();
    if (state.mission && !ms.includes(state.mission)) ms.push(state.mission);
    c.mission.replaceChildren(
      opt('', t('capacity.need_filter_all'), state.mission),
      ...ms.map((m) => opt(m, m, state.mission)),
    );
    c.priority.replaceChildren(
      opt('', t('capacity.need_filter_all'), state.priority),
      ...codesOf(VOCAB.priorities, PRIORITIES).map((k) => opt(k, priorityLabel(k), state.priority)),
    );
  };
  fillChoices([]);
  const filter = (label, control) =>
    h('div', { class: 'filter' }, h('label', { for: control.id }, label), control);
  for (const k of Object.keys(c)) c[k].id = `capacity-need-${k}`;
  const onChange = () => {
    state.status = c.status.value === 'open' ? '' : c.status.value;
    if (state.category !== c.category.value) {
      state.category = c.category.value;
      state.capability = '';
      fillChoices(missionList);
    } else state.capability = c.capability.value;
    state.mission = c.mission.value;
    state.priority = c.priority.value;
    state.unmet = c.unmet.checked ? '1' : '';
    load();
  };
  const filters = h(
    'form',
    {
      class: 'filters capacity-filters',
      onchange: onChange,
      onsubmit: (ev) => ev.preventDefault(),
    },
    filter(t('capacity.need_filter_status'), c.status),
    filter(t('capacity.need_filter_category'), c.category),
    filter(t('capacity.need_filter_capability'), c.capability),
    filter(t('capacity.need_filter_mission'), c.mission),
    filter(t('capacity.need_filter_priority'), c.priority),
    h(
      'div',
      { class: 'capacity-unmet' },
      h('label', { class: 'check' }, c.unmet, ' ', t('capacity.need_filter_unmet')),
    ),
  );
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const asOf = h('p', { class: 'muted as-of' });
  const list = h('ul', { class: 'capacity-list' });
  const more = h('p', { class: 'actions' });
  const out = h('div', { class: 'capacity-out' });
  append(view, [
    pageHeader(t('capacity.need_list_title'), t('capacity.need_list_intro')),
    h(
      'p',
      { class: 'actions' },
      can('capacity.request')
        ? h('a', { href: '#/capacity/needs/new', class: 'button primary' }, t('capacity.need_new'))
        : null,
      h('a', { href: '#/capacity/offers', class: 'button' }, t('capacity.need_see_offers')),
    ),
    filters,
    count,
    asOf,
    out,
  ]);

  let missionList = [];
  let seq = 0;
  async function load(after) {
    const my = ++seq;
    const shown = { ...state };
    const qs = query(shown);
    history.replaceState(null, '', `#/capacity${qs ? `?${qs}` : ''}`);
    if (!after) fill(out, loading(t('capacity.need_loading')));
    let r;
    try {
      r = await api('GET', `/api/v1/capacity/needs?${query({ ...shown, after, limit: 20 })}`);
    } catch (e) {
      if (my === seq && view.isConnected) {
        fill(out, errorNote(e));
        count.textContent = '';
        asOf.textContent = '';
      }
      return;
    }
    if (my !== seq || !view.isConnected) return;
    if (!after) {
      clear(list);
      fill(out, list, more);
    }
    for (const n of (r && r.items) || []) list.append(needCard(n));
    const total = Number(r && r.total != null ? r.total : list.children.length);
    count.textContent = t('capacity.need_count', { n: total });
    asOf.textContent = t('capacity.common_as_of', {
      time: dateTime((r && r.as_of) || new Date().toISOString()),
    });
    if (!list.children.length)
      fill(
        out,
        h(
          'p',
          { class: 'empty' },
          FILTERS.some((f) => state[f]) ? t('capacity.need_none_match') : t('capacity.need_none'),
        ),
      );
    fill(
      more,
      r && r.next
        ? h('button', { type: 'button', onclick: () => load(r.next) }, t('capacity.common_more'))
        : null,
    );
  }
  // The cards are drawn once the words for the codes have come (or failed to: codes then).
  fill(out, loading(t('capacity.need_loading')));
  Promise.all([getCapacityVocabulary().catch(() => null), getMissions().catch(() => [])]).then(
    ([, missions]) => {
      if (!view.isConnected) return;
      missionList = missions;
      fillChoices(missions);
      load();
    },
  );
}

// ---- one need ----

export async function renderNeed(view, [id]) {
  view.append(loading(t('capacity.need_loading_one')));
  let need;
  let matches;
  let candidates;
  try {
    [need, matches, candidates] = await Promise.all([
      api('GET', needPath(id)),
      api('GET', `/api/v1/capacity/matches?${query({ need: id, limit: 100 })}`).catch(() => null),
      api('GET', `${needPath(id)}/candidates`).catch((e) => ({ error: e })),
      getCapacityVocabulary().catch(() => null),
    ]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('shell.title_capacity_need')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const redraw = () => {
    clear(view);
    renderNeed(view, [id]);
  };
  const problem = h('div', { class: 'capacity-problem' });
  const flash = takeFlash();
  const mayEdit = need.can && need.can.edit;
  fill(
    view,
    pageHeader(h('span', { dir: 'auto' }, need.title || need.id)),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    problem,
    h(
      'p',
      { class: 'capacity-line' },
      statusBadge(need.status),
      ' ',
      priorityBadge(need.priority),
      ' ',
      tlpBadge(need.tlp),
    ),
    h('p', { class: 'capacity-line' }, coverageBar(need.covered, need.quantity, need.unit)),
    mayEdit
      ? h(
          'p',
          { class: 'actions capacity-actions' },
          h('a', { href: `${needHref(need.id)}/edit`, class: 'button' }, t('capacity.need_edit')),
          statusButtons(needPath(need.id), need, redraw, (e) => fill(problem, errorNote(e))),
        )
      : null,
    facts([
      [t('capacity.need_f_org'), h('span', { dir: 'auto' }, orgText(need.org))],
      [t('capacity.need_f_mission'), need.mission ? h('span', { dir: 'ltr' }, need.mission) : '—'],
      [t('capacity.form_category'), categoryLabel(need.category)],
      [t('capacity.form_capability'), capabilityLabel(need.capability)],
      [t('capacity.need_f_quantity'), amountText(need.quantity, need.unit)],
      [t('capacity.need_f_remaining'), amountText(need.remaining, need.unit)],
      [t('capacity.form_priority'), priorityLabel(need.priority)],
      [t('capacity.form_period'), periodText(need.starts_on, need.ends_on)],
      [t('capacity.form_languages'), languagesText(need.languages)],
      [
        t('capacity.form_location'),
        need.location ? h('span', { dir: 'auto' }, need.location) : '—',
      ],
      [t('capacity.common_updated'), instant(need.updated_at)],
    ]),
    need.description ? h('div', { class: 'capacity-text', dir: 'auto' }, need.description) : null,
    h(
      'section',
      { class: 'capacity-section' },
      h('h2', null, t('capacity.need_matches_title')),
      matchesTable(matches),
    ),
    h(
      'section',
      { class: 'capacity-section' },
      h('h2', null, t('capacity.need_candidates_title')),
      candidatesList(need, candidates, redraw),
    ),
  );
}

function matchesTable(matches) {
  if (!matches) return h('p', { class: 'muted' }, t('capacity.need_matches_unavailable'));
  const items = matches.items || [];
  return table(
    t('capacity.need_matches_title'),
    [
      t('capacity.need_col_provider'),
      t('capacity.need_col_offer'),
      t('capacity.need_col_quantity'),
      t('capacity.need_col_confirmed'),
    ],
    items.map((m) => {
      const offer = m.offer || {};
      return [
        h('span', { dir: 'auto' }, orgText(offer.org)),
        offer.id
          ? h('a', { href: offerHref(offer.id), dir: 'auto' }, offer.title || offer.id)
          : '—',
        amountText(m.quantity, offer.unit || (m.need && m.need.unit)),
        instant(m.confirmed_at),
      ];
    }),
    t('capacity.need_matches_none'),
  );
}

// The candidates leave out the offers already matched to the need (confirming such a pair
// again only gives back the match there is), so every one listed may be confirmed.
function candidatesList(need, candidates, redraw) {
  if (!candidates || candidates.error)
    return candidates && candidates.error
      ? errorNote(candidates.error)
      : h('p', { class: 'muted' }, t('capacity.need_candidates_none'));
  const items = candidates.items || [];
  if (!items.length) return h('p', { class: 'empty' }, t('capacity.need_candidates_none'));
  const mayConfirm = need.can && need.can.confirm && need.status === 'open';
  return h(
    'ul',
    { class: 'capacity-list capacity-candidates' },
    items.map((c) => {
      const o = c.offer || {};
      return h(
        'li',
        { class: 'card capacity-card capacity-candidate', 'data-offer': o.id },
        h('h3', null, h('a', { href: offerHref(o.id), dir: 'auto' }, o.title || o.id)),
        h(
          'p',
          { class: 'capacity-meta' },
          h('span', { class: 'capacity-org', dir: 'auto' }, orgText(o.org)),
          ' · ',
          periodText(o.starts_on, o.ends_on),
          o.languages && o.languages.length ? [' · ', languagesText(o.languages)] : null,
        ),
        h(
          'p',
          { class: 'capacity-line' },
          h(
            'span',
            { class: 'badge capacity-score' },
            t('capacity.need_score', { score: num(Number(c.score || 0)) }),
          ),
          ' ',
          h(
            'span',
            { class: 'capacity-could' },
            t('capacity.need_could_give', { amount: amountText(c.quantity, need.unit) }),
          ),
        ),
        mayConfirm ? confirmForm(need, o, c, redraw) : null,
      );
    }),
  );
}

// Confirms the candidate as a match: POST /api/v1/capacity/matches with the quantity asked
// (by default what the candidate could give), then the page is drawn again with the cover.
function confirmForm(need, offer, cand, redraw) {
  const quantity = input('quantity', {
    inputmode: 'numeric',
    dir: 'ltr',
    value: String(cand.quantity || ''),
    class: 'capacity-quantity',
  });
  const form = h(
    'form',
    { class: 'form inline-form capacity-confirm', novalidate: true },
    formAlert(),
    field(t('capacity.need_confirm_quantity'), quantity),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('capacity.need_confirm')),
    ),
  );
  validateWith(form, () =>
    /^\d+$/.test(quantity.value.trim()) && Number(quantity.value) > 0
      ? []
      : [['quantity', t('capacity.form_problem_amount')]],
  );
  onSubmit(form, async (key) => {
    await api(
      'POST',
      '/api/v1/capacity/matches',
      { need: need.id, offer: offer.id, quantity: Number(quantity.value.trim()) },
      { idempotencyKey: key },
    );
    setFlash(t('capacity.need_confirmed'));
    redraw();
  });
  return form;
}

// ---- the form ----

export async function renderNeedForm(view, params) {
  const id = params && params[0] ? params[0] : null;
  const title = id ? t('capacity.need_form_edit') : t('capacity.need_form_new');
  view.append(loading(t('capacity.need_loading_one')));
  let need = null;
  let missions;
  let groups;
  try {
    [need, missions, groups] = await Promise.all([
      id ? api('GET', needPath(id)) : null,
      getMissions().catch(() => []),
      getGroups().catch(() => []),
      getCapacityVocabulary(),
    ]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(title), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  fill(
    view,
    pageHeader(title, id ? null : t('capacity.need_form_intro')),
    needForm(need, missions, groups),
  );
}

function needForm(need, missions, groups) {
  const x = need || {};
  const c = {};
  c.unit = unitSelect(x);
  const cc = categoryCapability(x, c.unit);
  c.category = cc.category;
  c.capability = cc.capability;
  c.title = input('title', { maxlength: '200', dir: 'auto', value: x.title || '' });
  c.description = h('textarea', { name: 'description', rows: '5', dir: 'auto', maxlength: '5000' });
  c.description.value = x.description || '';
  c.quantity = input('quantity', {
    inputmode: 'numeric',
    dir: 'ltr',
    value: x.quantity != null ? String(x.quantity) : '',
  });
  c.priority = select(
    'priority',
    codesOf(VOCAB.priorities, PRIORITIES).map((p) => [p, priorityLabel(p)]),
    x.priority || 'medium',
  );
  c.starts_on = dateInput('starts_on', { value: x.starts_on || '' });
  c.ends_on = dateInput('ends_on', { value: x.ends_on || '' });
  const languages = languageChecks(x.languages);
  c.location = input('location', { maxlength: '200', dir: 'auto', value: x.location || '' });
  const ms = (missions || []).slice();
  if (x.mission && !ms.includes(x.mission)) ms.push(x.mission);
  c.mission = select(
    'mission',
    [['', t('capacity.form_no_mission')]].concat(ms.map((m) => [m, m])),
    x.mission || '',
  );
  const marking = markingPart(x, groups);
  const status = statusLine();
  const form = h(
    'form',
    { class: 'form capacity-form', novalidate: true },
    formAlert(),
    field(t('capacity.form_category'), c.category),
    field(t('capacity.form_capability'), c.capability, t('capacity.form_capability_hint')),
    field(t('capacity.form_title'), c.title),
    field(t('capacity.form_description'), c.description),
    h(
      'div',
      { class: 'capacity-pair' },
      field(t('capacity.need_f_quantity'), c.quantity),
      field(t('capacity.form_unit'), c.unit),
    ),
    field(t('capacity.form_priority'), c.priority),
    h(
      'div',
      { class: 'capacity-pair' },
      field(t('capacity.form_starts_on'), c.starts_on),
      field(t('capacity.form_ends_on'), c.ends_on),
    ),
    fieldset(
      t('capacity.form_languages'),
      'languages',
      languages,
      t('capacity.need_languages_hint'),
    ),
    field(t('capacity.form_location'), c.location),
    field(t('capacity.need_f_mission'), c.mission),
    marking.tlp,
    marking.group,
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('capacity.form_save')),
      h(
        'a',
        { href: need ? needHref(need.id) : '#/capacity', class: 'button' },
        t('capacity.form_cancel'),
      ),
    ),
    status,
  );
  validateWith(form, () => {
    const out = [];
    if (!c.category.value) out.push(['category', t('capacity.form_problem_category')]);
    if (!c.capability.value) out.push(['capability', t('capacity.form_problem_capability')]);
    if (!c.title.value.trim()) out.push(['title', t('capacity.form_problem_title')]);
    const q = c.quantity.value.trim();
    if (!/^\d+$/.test(q) || Number(q) <= 0)
      out.push(['quantity', t('capacity.form_problem_amount')]);
    if (!c.starts_on.value.trim()) out.push(['starts_on', t('capacity.form_problem_date')]);
    if (!c.ends_on.value.trim()) out.push(['ends_on', t('capacity.form_problem_date')]);
    const a = parseIsoDate(c.starts_on.value);
    const b = parseIsoDate(c.ends_on.value);
    if (a && b && b < a) out.push(['ends_on', t('capacity.form_problem_order')]);
    if (marking.controls.tlp.value === 'AMBER' && !marking.controls.sharing_group.value)
      out.push(['sharing_group', t('capacity.form_problem_group')]);
    return out;
  });
  const bodyOf = () => {
    const b = {
      category: c.category.value,
      capability: c.capability.value,
      title: c.title.value.trim(),
      description: c.description.value,
      quantity: Number(c.quantity.value.trim()),
      unit: c.unit.value,
      priority: c.priority.value,
      starts_on: parseIsoDate(c.starts_on.value),
      ends_on: parseIsoDate(c.ends_on.value),
      languages: checkedValues(languages),
      location: c.location.value.trim(),
      mission: c.mission.value || null,
      tlp: marking.controls.tlp.value,
    };
    b.sharing_group = b.tlp === 'AMBER' ? Number(marking.controls.sharing_group.value) : null;
    return b;
  };
  onSubmit(
    form,
    async (key) => {
      let saved;
      try {
        saved = need
          ? await api('PATCH', needPath(need.id), bodyOf(), { ifMatch: `"${need.version}"` })
          : await api('POST', '/api/v1/capacity/needs', bodyOf(), { idempotencyKey: key });
      } catch (e) {
        if (
          e instanceof ApiError &&
          need &&
          (e.status === 409 || e.status === 412) &&
          e.field !== 'quantity'
        ) {
          showProblem(form, { detail: t('capacity.form_conflict') });
          return;
        }
        throw e;
      }
      setFlash(t('capacity.need_saved'));
      location.hash = needHref((saved && saved.id) || need.id);
    },
    status,
  );
  return form;
}
