// Capacity offers (issue 17): the list (#/capacity/offers) with its filters kept in the
// address, an offer's page (#/capacity/offers/ID) with the matches confirmed against it, and
// the form that posts or changes an offer (#/capacity/offers/new, #/capacity/offers/ID/edit).
// An offer may be made to one contributor only (for_org); training is given in named
// languages, so an offer of training must name at least one.
import { api, ApiError } from '../api.js';
import { append, clear, fill, h } from '../dom.js';
import { byName, getOrgs } from '../data.js';
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
import { dateTime, instant, t } from '../i18n.js';
import { facts, getGroups, query, setFlash, takeFlash, tlpBadge } from '../incidents/common.js';
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
  statusBadge,
  statusButtons,
  statusLabel,
  unitSelect,
  VOCAB,
} from './capacity_common.js';

const offerPath = (id) => `/api/v1/capacity/offers/${encodeURIComponent(id)}`;
const FILTERS = ['status', 'category', 'capability'];
const LIST_STATUSES = ['open', 'closed', 'withdrawn', 'any'];

// ---- the list ----

function stateFromAddress() {
  const p = new URLSearchParams(location.hash.split('?')[1] || '');
  const s = {};
  for (const f of FILTERS) s[f] = p.get(f) || '';
  if (!LIST_STATUSES.includes(s.status)) s.status = '';
  return s;
}

export function offerCard(o) {
  return h(
    'li',
    { class: 'card capacity-card', 'data-id': o.id },
    h('h3', null, h('a', { href: offerHref(o.id), dir: 'auto' }, o.title || o.id)),
    h(
      'p',
      { class: 'capacity-meta' },
      h('span', { class: 'capacity-org', dir: 'auto' }, orgText(o.org)),
      ' · ',
      h('span', null, categoryLabel(o.category)),
      ' · ',
      h('span', { class: 'capacity-capability' }, capabilityLabel(o.capability)),
      o.for_org
        ? [
            ' · ',
            h(
              'span',
              { class: 'capacity-for' },
              t('capacity.offer_for', { org: orgText(o.for_org) }),
            ),
          ]
        : null,
    ),
    h(
      'p',
      { class: 'capacity-line' },
      coverageBar(o.committed, o.capacity, o.unit, true),
      o.status && o.status !== 'open' ? [' ', statusBadge(o.status)] : null,
      ' ',
      tlpBadge(o.tlp),
    ),
    h(
      'p',
      { class: 'muted capacity-period' },
      periodText(o.starts_on, o.ends_on),
      o.languages && o.languages.length ? [' · ', languagesText(o.languages)] : null,
    ),
  );
}

export function renderOffers(view) {
  const state = stateFromAddress();
  const c = {};
  c.status = select(
    'status',
    LIST_STATUSES.map((s) => [
      s,
      s === 'any' ? t('capacity.offer_filter_any_status') : statusLabel(s),
    ]),
    state.status || 'open',
  );
  c.category = h('select', { name: 'category' });
  c.capability = h('select', { name: 'capability' });
  const opt = (v, text, on) => h('option', { value: v, selected: v === on }, text);
  const fillChoices = () => {
    c.category.replaceChildren(
      opt('', t('capacity.offer_filter_all'), state.category),
      ...codesOf(VOCAB.categories, CATEGORIES).map((k) => opt(k, categoryLabel(k), state.category)),
    );
    const caps = capabilitiesOf(state.category);
    if (state.capability && !caps.some(([k]) => k === state.capability))
      caps.push([state.capability, capabilityLabel(state.capability)]);
    c.capability.replaceChildren(
      opt('', t('capacity.offer_filter_all'), state.capability),
      ...caps.map(([k, text]) => opt(k, text, state.capability)),
    );
  };
  fillChoices();
  for (const k of Object.keys(c)) c[k].id = `capacity-offer-${k}`;
  const filter = (label, control) =>
    h('div', { class: 'filter' }, h('label', { for: control.id }, label), control);
  const filters = h(
    'form',
    {
      class: 'filters capacity-filters',
      onsubmit: (ev) => ev.preventDefault(),
      onchange: () => {
        state.status = c.status.value === 'open' ? '' : c.status.value;
        if (state.category !== c.category.value) {
          state.category = c.category.value;
          state.capability = '';
          fillChoices();
        } else state.capability = c.capability.value;
        load();
      },
    },
    filter(t('capacity.offer_filter_status'), c.status),
    filter(t('capacity.offer_filter_category'), c.category),
    filter(t('capacity.offer_filter_capability'), c.capability),
  );
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const asOf = h('p', { class: 'muted as-of' });
  const list = h('ul', { class: 'capacity-list' });
  const more = h('p', { class: 'actions' });
  const out = h('div', { class: 'capacity-out' }, loading(t('capacity.offer_loading')));
  append(view, [
    pageHeader(t('capacity.offer_list_title'), t('capacity.offer_list_intro')),
    h(
      'p',
      { class: 'actions' },
      can('capacity.offer')
        ? h(
            'a',
            { href: '#/capacity/offers/new', class: 'button primary' },
            t('capacity.offer_new'),
          )
        : null,
      h('a', { href: '#/capacity', class: 'button' }, t('capacity.offer_see_needs')),
    ),
    filters,
    count,
    asOf,
    out,
  ]);

  let seq = 0;
  async function load(after) {
    const my = ++seq;
    const shown = { ...state };
    const qs = query(shown);
    history.replaceState(null, '', `#/capacity/offers${qs ? `?${qs}` : ''}`);
    if (!after) fill(out, loading(t('capacity.offer_loading')));
    let r;
    try {
      r = await api('GET', `/api/v1/capacity/offers?${query({ ...shown, after, limit: 20 })}`);
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
    for (const o of (r && r.items) || []) list.append(offerCard(o));
    const total = Number(r && r.total != null ? r.total : list.children.length);
    count.textContent = t('capacity.offer_count', { n: total });
    asOf.textContent = t('capacity.common_as_of', {
      time: dateTime((r && r.as_of) || new Date().toISOString()),
    });
    if (!list.children.length)
      fill(
        out,
        h(
          'p',
          { class: 'empty' },
          FILTERS.some((f) => state[f]) ? t('capacity.offer_none_match') : t('capacity.offer_none'),
        ),
      );
    fill(
      more,
      r && r.next
        ? h('button', { type: 'button', onclick: () => load(r.next) }, t('capacity.common_more'))
        : null,
    );
  }
  getCapacityVocabulary()
    .catch(() => null)
    .then(() => {
      if (!view.isConnected) return;
      fillChoices();
      load();
    });
}

// ---- one offer ----

export async function renderOffer(view, [id]) {
  view.append(loading(t('capacity.offer_loading_one')));
  let offer;
  let matches;
  try {
    [offer, matches] = await Promise.all([
      api('GET', offerPath(id)),
      api('GET', `/api/v1/capacity/matches?${query({ offer: id, limit: 100 })}`).catch(() => null),
      getCapacityVocabulary().catch(() => null),
    ]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('shell.title_capacity_offer')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const redraw = () => {
    clear(view);
    renderOffer(view, [id]);
  };
  const problem = h('div', { class: 'capacity-problem' });
  const flash = takeFlash();
  fill(
    view,
    pageHeader(h('span', { dir: 'auto' }, offer.title || offer.id)),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    problem,
    h('p', { class: 'capacity-line' }, statusBadge(offer.status), ' ', tlpBadge(offer.tlp)),
    h(
      'p',
      { class: 'capacity-line' },
      coverageBar(offer.committed, offer.capacity, offer.unit, true),
    ),
    offer.can && offer.can.edit
      ? h(
          'p',
          { class: 'actions capacity-actions' },
          h(
            'a',
            { href: `${offerHref(offer.id)}/edit`, class: 'button' },
            t('capacity.offer_edit'),
          ),
          statusButtons(offerPath(offer.id), offer, redraw, (e) => fill(problem, errorNote(e))),
        )
      : null,
    facts([
      [t('capacity.offer_f_org'), h('span', { dir: 'auto' }, orgText(offer.org))],
      [
        t('capacity.offer_f_for_org'),
        offer.for_org
          ? h('span', { dir: 'auto' }, orgText(offer.for_org))
          : t('capacity.offer_for_anyone'),
      ],
      [t('capacity.form_category'), categoryLabel(offer.category)],
      [t('capacity.form_capability'), capabilityLabel(offer.capability)],
      [t('capacity.offer_f_capacity'), amountText(offer.capacity, offer.unit)],
      [t('capacity.offer_f_remaining'), amountText(offer.remaining, offer.unit)],
      [t('capacity.form_period'), periodText(offer.starts_on, offer.ends_on)],
      [t('capacity.form_languages'), languagesText(offer.languages)],
      [
        t('capacity.form_location'),
        offer.location ? h('span', { dir: 'auto' }, offer.location) : '—',
      ],
      [t('capacity.common_updated'), instant(offer.updated_at)],
    ]),
    offer.conditions
      ? [
          h('h2', null, t('capacity.offer_f_conditions')),
          h('div', { class: 'capacity-text', dir: 'auto' }, offer.conditions),
        ]
      : null,
    h(
      'section',
      { class: 'capacity-section' },
      h('h2', null, t('capacity.offer_matches_title')),
      matchesTable(matches, offer),
    ),
  );
}

function matchesTable(matches, offer) {
  if (!matches) return h('p', { class: 'muted' }, t('capacity.offer_matches_unavailable'));
  return table(
    t('capacity.offer_matches_title'),
    [
      t('capacity.offer_col_requester'),
      t('capacity.offer_col_need'),
      t('capacity.offer_col_quantity'),
      t('capacity.offer_col_confirmed'),
    ],
    (matches.items || []).map((m) => {
      const need = m.need || {};
      return [
        h('span', { dir: 'auto' }, orgText(need.org)),
        need.id ? h('a', { href: needHref(need.id), dir: 'auto' }, need.title || need.id) : '—',
        amountText(m.quantity, offer.unit),
        instant(m.confirmed_at),
      ];
    }),
    t('capacity.offer_matches_none'),
  );
}

// ---- the form ----

export async function renderOfferForm(view, params) {
  const id = params && params[0] ? params[0] : null;
  const title = id ? t('capacity.offer_form_edit') : t('capacity.offer_form_new');
  view.append(loading(t('capacity.offer_loading_one')));
  let offer = null;
  let orgs;
  let groups;
  try {
    [offer, orgs, groups] = await Promise.all([
      id ? api('GET', offerPath(id)) : null,
      getOrgs().catch(() => []),
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
    pageHeader(title, id ? null : t('capacity.offer_form_intro')),
    offerForm(offer, orgs, groups),
  );
}

function offerForm(offer, orgs, groups) {
  const x = offer || {};
  const c = {};
  c.unit = unitSelect(x);
  const cc = categoryCapability(x, c.unit);
  c.category = cc.category;
  c.capability = cc.capability;
  c.title = input('title', { maxlength: '200', dir: 'auto', value: x.title || '' });
  c.conditions = h('textarea', { name: 'conditions', rows: '4', dir: 'auto', maxlength: '5000' });
  c.conditions.value = x.conditions || '';
  c.capacity = input('capacity', {
    inputmode: 'numeric',
    dir: 'ltr',
    value: x.capacity != null ? String(x.capacity) : '',
  });
  c.starts_on = dateInput('starts_on', { value: x.starts_on || '' });
  c.ends_on = dateInput('ends_on', { value: x.ends_on || '' });
  const languages = languageChecks(x.languages);
  c.location = input('location', { maxlength: '200', dir: 'auto', value: x.location || '' });
  const forCode = x.for_org ? x.for_org.code || x.for_org : '';
  const list = (orgs || []).filter((o) => o.kind !== 'mission').sort(byName);
  if (forCode && !list.some((o) => o.code === forCode))
    list.push({ code: forCode, name: orgText(x.for_org) });
  c.for_org = select(
    'for_org',
    [['', t('capacity.offer_for_anyone')]].concat(list.map((o) => [o.code, o.name])),
    forCode,
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
    h(
      'div',
      { class: 'capacity-pair' },
      field(t('capacity.offer_f_capacity'), c.capacity),
      field(t('capacity.form_unit'), c.unit),
    ),
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
      t('capacity.offer_languages_hint'),
    ),
    field(t('capacity.form_location'), c.location),
    field(t('capacity.offer_f_conditions'), c.conditions, t('capacity.offer_conditions_hint')),
    field(t('capacity.offer_f_for_org'), c.for_org, t('capacity.offer_for_org_hint')),
    marking.tlp,
    marking.group,
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('capacity.form_save')),
      h(
        'a',
        { href: offer ? offerHref(offer.id) : '#/capacity/offers', class: 'button' },
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
    const q = c.capacity.value.trim();
    if (!/^\d+$/.test(q) || Number(q) <= 0)
      out.push(['capacity', t('capacity.form_problem_amount')]);
    if (!c.starts_on.value.trim()) out.push(['starts_on', t('capacity.form_problem_date')]);
    if (!c.ends_on.value.trim()) out.push(['ends_on', t('capacity.form_problem_date')]);
    const a = parseIsoDate(c.starts_on.value);
    const b = parseIsoDate(c.ends_on.value);
    if (a && b && b < a) out.push(['ends_on', t('capacity.form_problem_order')]);
    if (c.category.value === 'training' && !checkedValues(languages).length)
      out.push(['languages', t('capacity.offer_problem_languages')]);
    if (marking.controls.tlp.value === 'AMBER' && !marking.controls.sharing_group.value)
      out.push(['sharing_group', t('capacity.form_problem_group')]);
    return out;
  });
  const bodyOf = () => {
    const b = {
      category: c.category.value,
      capability: c.capability.value,
      title: c.title.value.trim(),
      conditions: c.conditions.value,
      capacity: Number(c.capacity.value.trim()),
      unit: c.unit.value,
      starts_on: parseIsoDate(c.starts_on.value),
      ends_on: parseIsoDate(c.ends_on.value),
      languages: checkedValues(languages),
      location: c.location.value.trim(),
      for_org: c.for_org.value || null,
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
        saved = offer
          ? await api('PATCH', offerPath(offer.id), bodyOf(), { ifMatch: `"${offer.version}"` })
          : await api('POST', '/api/v1/capacity/offers', bodyOf(), { idempotencyKey: key });
      } catch (e) {
        if (
          e instanceof ApiError &&
          offer &&
          (e.status === 409 || e.status === 412) &&
          e.field !== 'capacity'
        ) {
          showProblem(form, { detail: t('capacity.form_conflict') });
          return;
        }
        throw e;
      }
      setFlash(t('capacity.offer_saved'));
      location.hash = offerHref((saved && saved.id) || offer.id);
    },
    status,
  );
  return form;
}
