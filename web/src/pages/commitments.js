// Commitments and their mission-level actions (issue 15 items 3, 4 and 6): the list
// (#/commitments) with its source and area filters and each commitment's implementation (a done
// share bar and the overdue count), the form (#/commitments/new, commitment.write) and the
// commitment (#/commitments/ID) with its actions table and the "Add action" form (action.write).
// The action itself is pages/actions.js, which takes its words for codes from here.
// Bars are <progress> elements: no style attribute (the Content-Security-Policy forbids them),
// and a screen reader reads the value.
import { api, ApiError, listAll } from '../api.js';
import { getOrgs, byKindThenName } from '../data.js';
import { fill, h, newId } from '../dom.js';
import {
  dateInput,
  field,
  formAlert,
  input,
  onSubmit,
  select,
  statusLine,
  validateWith,
} from '../forms.js';
import { date, num, pct, t } from '../i18n.js';
import {
  facts,
  getGroups,
  getMissions,
  query,
  setFlash,
  takeFlash,
  tlpBadge,
  TLPS,
} from '../incidents/common.js';
import { blocks } from '../markdown.js';
import { markingFields } from '../marking.js';
import { can } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

// The codes of the API, in its order.
export const SOURCES = ['group', 'a4p', 'ap2017'];
export const A4P_AREAS = [
  'politics',
  'wps',
  'protection',
  'safety_security',
  'performance',
  'peacebuilding',
  'partnerships',
  'conduct',
];
export const AP2017_AREAS = ['mindsets', 'capacities', 'footprint', 'accountability'];
export const ACTION_STATUSES = ['planned', 'in_progress', 'done', 'blocked', 'dropped'];

export const sourceLabel = (c) => t(`commitments.source.${c}`);
export const a4pLabel = (c) => t(`commitments.a4p.${c}`);
export const ap2017Label = (c) => t(`commitments.ap2017.${c}`);
export const statusLabel = (c) => t(`actions.status.${c}`);

export const commitmentHref = (id) => `#/commitments/${encodeURIComponent(id)}`;
export const actionHref = (id) => `#/actions/${encodeURIComponent(id)}`;

export function actionStatusBadge(status) {
  return h('span', { class: `badge action-${status}` }, statusLabel(status));
}

export function overdueBadge() {
  return h('span', { class: 'badge badge-overdue' }, t('actions.overdue'));
}

// A fraction bar with its percentage in words beside it.
export function bar(fraction, labelText) {
  const f = Math.max(0, Math.min(1, Number(fraction) || 0));
  return h(
    'span',
    { class: 'progress-line' },
    h('progress', { max: '1', value: String(f), 'aria-label': labelText }),
    h('span', { class: 'progress-pct' }, pct(f)),
  );
}

// How far an indicator has come from its baseline towards its target (0 to 1), or null when
// it cannot be said (no current value, or a target equal to the baseline).
export function indicatorProgress(ind) {
  const cur = ind.current;
  if (cur === null || cur === undefined || cur === '') return null;
  const base = Number(ind.baseline || 0);
  const target = Number(ind.target);
  if (!Number.isFinite(target) || target === base) return Number(cur) >= target ? 1 : 0;
  return Math.max(0, Math.min(1, (Number(cur) - base) / (target - base)));
}

// "12 / 40 km" and the bar.
export function indicatorSummary(ind) {
  const p = indicatorProgress(ind);
  const value = (v) => (v === null || v === undefined || v === '' ? '—' : num(Number(v)));
  return h(
    'span',
    { class: 'indicator' },
    h('bdi', null, ind.name),
    ' ',
    h(
      'span',
      { class: 'muted' },
      t('actions.indicator_of', {
        current: value(ind.current),
        target: value(ind.target),
        unit: ind.unit || '',
      }),
    ),
    p === null ? null : bar(p, t('actions.indicator_progress', { name: ind.name })),
  );
}

// "3 of 5 done" with its bar and the overdue count, for a commitment's {actions} counts.
function implementation(counts) {
  const c = counts || {};
  const total = Number(c.total || 0);
  const done = Number(c.done || 0);
  if (!total) return h('span', { class: 'muted' }, t('commitments.no_actions'));
  return h(
    'span',
    { class: 'implementation' },
    bar(done / total, t('commitments.done_share')),
    h('span', { class: 'done-count' }, t('commitments.done_of', { done, total })),
    c.overdue
      ? h('span', { class: 'badge badge-overdue' }, t('commitments.overdue_n', { n: c.overdue }))
      : null,
  );
}

function areaText(c) {
  const parts = [];
  if (c.a4p_area) parts.push(a4pLabel(c.a4p_area));
  if (c.ap2017_area) parts.push(ap2017Label(c.ap2017_area));
  return parts.length ? parts.join(' · ') : '—';
}

// The page's filters live after "?" in the hash, so a reload or a shared link keeps them.
function hashParams() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? location.hash.slice(i + 1) : '');
}

export function renderCommitments(view) {
  const params = hashParams();
  const choose = t('commitments.any');
  const f = {
    source: select(
      'source',
      [['', choose]].concat(SOURCES.map((c) => [c, sourceLabel(c)])),
      params.get('source') || '',
    ),
    a4p_area: select(
      'a4p_area',
      [['', choose]].concat(A4P_AREAS.map((c) => [c, a4pLabel(c)])),
      params.get('a4p_area') || '',
    ),
    ap2017_area: select(
      'ap2017_area',
      [['', choose]].concat(AP2017_AREAS.map((c) => [c, ap2017Label(c)])),
      params.get('ap2017_area') || '',
    ),
  };
  const out = h('div', null, loading(t('commitments.loading')));
  const flash = takeFlash();
  view.append(
    pageHeader(t('commitments.title'), t('commitments.intro')),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    can('commitment.write')
      ? h(
          'p',
          { class: 'page-actions' },
          h('a', { href: '#/commitments/new', class: 'button primary' }, t('commitments.new')),
        )
      : null,
    h(
      'div',
      { class: 'filters grid' },
      field(t('commitments.source'), f.source),
      field(t('commitments.a4p_area'), f.a4p_area),
      field(t('commitments.ap2017_area'), f.ap2017_area),
    ),
    out,
  );
  let items = [];
  let asked = 0;
  async function load(cursor) {
    const mine = ++asked;
    const filter = {
      source: f.source.value,
      a4p_area: f.a4p_area.value,
      ap2017_area: f.ap2017_area.value,
    };
    let r;
    try {
      r = await api('GET', `/api/v1/commitments?${query({ ...filter, cursor, limit: 50 })}`);
    } catch (e) {
      if (view.isConnected && mine === asked) fill(out, errorNote(e));
      return;
    }
    if (!view.isConnected || mine !== asked) return;
    items = cursor ? items.concat((r && r.items) || []) : (r && r.items) || [];
    const next = r && (r.next_cursor || r.next);
    fill(
      out,
      table(
        t('commitments.title'),
        [
          t('commitments.col_title'),
          t('commitments.col_source'),
          t('commitments.col_area'),
          t('commitments.col_made_on'),
          t('commitments.col_implementation'),
        ],
        items.map((c) => ({
          class: 'commitment-row',
          cells: [
            h('a', { href: commitmentHref(c.id), dir: 'auto' }, c.title || c.id),
            sourceLabel(c.source),
            areaText(c),
            c.made_on ? h('span', { class: 'nowrap' }, date(c.made_on)) : '—',
            implementation(c.actions),
          ],
        })),
        t('commitments.none'),
      ),
      next
        ? h(
            'p',
            { class: 'actions' },
            h('button', { type: 'button', onclick: () => load(next) }, t('commitments.show_more')),
          )
        : null,
    );
  }
  const changed = () => {
    const q = query({
      source: f.source.value,
      a4p_area: f.a4p_area.value,
      ap2017_area: f.ap2017_area.value,
    });
    history.replaceState(null, '', `#/commitments${q ? `?${q}` : ''}`);
    load();
  };
  for (const s of Object.values(f)) s.addEventListener('change', changed);
  load();
}

// The decisions to choose from, or null when the server has no list of them (then the form
// asks for the decision's id as text).
async function getDecisions() {
  try {
    return await listAll('/api/v1/decisions', 200);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export async function renderCommitmentForm(view) {
  view.append(loading(t('commitments.loading_form')));
  let groups, decisions;
  try {
    [groups, decisions] = await Promise.all([getGroups().catch(() => []), getDecisions()]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('commitments.new_title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const none = t('commitments.none_chosen');
  const c = {};
  c.title = input('title', { maxlength: 300, required: true, dir: 'auto' });
  c.description = h('textarea', { name: 'description', rows: 5, maxlength: 20000, dir: 'auto' });
  c.source = select(
    'source',
    [['', t('commitments.choose')]].concat(SOURCES.map((s) => [s, sourceLabel(s)])),
    '',
  );
  c.decision = decisions
    ? select(
        'decision',
        [['', t('commitments.choose')]].concat(
          decisions.map((d) => [String(d.id), d.title || String(d.id)]),
        ),
        '',
      )
    : input('decision', { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' });
  c.a4p_area = select('a4p_area', [['', none]].concat(A4P_AREAS.map((a) => [a, a4pLabel(a)])), '');
  c.ap2017_area = select(
    'ap2017_area',
    [['', none]].concat(AP2017_AREAS.map((a) => [a, ap2017Label(a)])),
    '',
  );
  c.made_on = dateInput('made_on');
  c.tlp = select(
    'tlp',
    TLPS.map((m) => [m, `TLP:${m}`]),
    'GREEN',
  );
  c.sharing_group = select(
    'sharing_group',
    [['', t('commitments.choose')]].concat(groups.map((g) => [String(g.id), g.name])),
    '',
  );
  c.recipients = input('recipients', { autocomplete: 'off', spellcheck: 'false', dir: 'ltr' });
  const marking = markingFields(c);
  const decisionField = field(
    t('commitments.decision'),
    c.decision,
    t('commitments.decision_hint'),
  );
  const followSource = () => {
    decisionField.hidden = c.source.value !== 'group';
  };
  c.source.addEventListener('change', followSource);
  followSource();
  const status = statusLine();
  const form = h(
    'form',
    { class: 'commitment-form', novalidate: true },
    formAlert(),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, t('commitments.what')),
      field(t('commitments.title_field'), c.title),
      field(t('commitments.description'), c.description),
      field(t('commitments.source'), c.source, t('commitments.source_hint')),
      decisionField,
      h(
        'div',
        { class: 'grid' },
        field(t('commitments.a4p_area'), c.a4p_area),
        field(t('commitments.ap2017_area'), c.ap2017_area),
      ),
      field(t('commitments.made_on'), c.made_on),
    ),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, t('incident_form.marking')),
      marking.tlp,
      marking.group,
      marking.recipients,
    ),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('commitments.create')),
      h('a', { href: '#/commitments', class: 'button' }, t('commitments.cancel')),
    ),
    status,
  );
  fill(view, pageHeader(t('commitments.new_title'), t('commitments.new_intro')), form);
  const recipients = () =>
    c.recipients.value
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  validateWith(form, () => {
    const out = [];
    if (!c.title.value.trim()) out.push(['title', t('commitments.problem_title')]);
    if (!c.source.value) out.push(['source', t('commitments.problem_source')]);
    if (c.source.value === 'group' && !c.decision.value.trim())
      out.push(['decision', t('commitments.problem_decision')]);
    if (c.source.value === 'a4p' && !c.a4p_area.value)
      out.push(['a4p_area', t('commitments.problem_a4p')]);
    if (c.source.value === 'ap2017' && !c.ap2017_area.value)
      out.push(['ap2017_area', t('commitments.problem_ap2017')]);
    if (!c.made_on.value.trim()) out.push(['made_on', t('commitments.problem_made_on')]);
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', t('incident_form.problem_amber_group')]);
    if (c.tlp.value === 'RED' && !recipients().length)
      out.push(['recipients', t('incident_form.problem_red_recipients')]);
    return out;
  });
  onSubmit(
    form,
    async (key) => {
      const b = {
        title: c.title.value.trim(),
        description: c.description.value.trim(),
        source: c.source.value,
        made_on: c.made_on.value.trim(),
        tlp: c.tlp.value,
      };
      if (c.source.value === 'group') b.decision = c.decision.value.trim();
      if (c.a4p_area.value) b.a4p_area = c.a4p_area.value;
      if (c.ap2017_area.value) b.ap2017_area = c.ap2017_area.value;
      if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
      if (c.tlp.value === 'RED') b.recipients = recipients();
      const made = await api('POST', '/api/v1/commitments', b, { idempotencyKey: key });
      setFlash(t('commitments.created'));
      location.hash = commitmentHref(made.id);
    },
    status,
  );
}

// The time zones the browser knows, for the time zone field's suggestions.
function zoneList(id) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch (e) {
    zones = [];
  }
  return h(
    'datalist',
    { id },
    zones.map((z) => h('option', { value: z })),
  );
}

// "31 Mar 2027 (Africa/Bangui)": the due day, in the zone it is due in.
export function dueText(a) {
  if (!a.due_date) return '—';
  const zone = a.time_zone || '';
  return zone ? t('actions.due_in_zone', { date: date(a.due_date), zone }) : date(a.due_date);
}

function actionsTable(list) {
  return table(
    t('commitments.actions'),
    [
      t('commitments.col_action'),
      t('commitments.col_mission'),
      t('commitments.col_responsible'),
      t('commitments.col_due'),
      t('commitments.col_status'),
      t('commitments.col_indicators'),
    ],
    list.map((a) => ({
      class: a.overdue ? 'action-row row-overdue' : 'action-row',
      cells: [
        h('a', { href: actionHref(a.id), dir: 'auto' }, a.title || String(a.id)),
        h('span', { dir: 'ltr' }, a.mission || '—'),
        h(
          'span',
          null,
          h('bdi', null, a.responsible_org_name || a.responsible_org || '—'),
          a.responsible_unit
            ? h('span', { class: 'muted block' }, h('bdi', null, a.responsible_unit))
            : null,
        ),
        h(
          'span',
          null,
          h('span', { class: 'nowrap' }, dueText(a)),
          a.overdue ? [' ', overdueBadge()] : null,
        ),
        actionStatusBadge(a.status),
        (a.indicators || []).length
          ? h(
              'ul',
              { class: 'plain indicators' },
              a.indicators.map((i) => h('li', null, indicatorSummary(i))),
            )
          : '—',
      ],
    })),
    t('commitments.no_actions'),
  );
}

// One indicator's row of the "Add action" form: name, unit, baseline, target, and Remove.
function indicatorRow(rows) {
  const row = h('div', { class: 'indicator-row grid' });
  const name = input('indicator_name', { maxlength: 200, dir: 'auto' });
  const unit = input('indicator_unit', { maxlength: 40, dir: 'auto' });
  const baseline = input('indicator_baseline', { inputmode: 'decimal', dir: 'ltr' });
  const target = input('indicator_target', { inputmode: 'decimal', dir: 'ltr' });
  row.bhValue = () => ({
    name: name.value.trim(),
    unit: unit.value.trim(),
    baseline: baseline.value.trim(),
    target: target.value.trim(),
  });
  fill(
    row,
    field(t('actions.indicator_name'), name),
    field(t('actions.indicator_unit'), unit),
    field(t('actions.indicator_baseline'), baseline),
    field(t('actions.indicator_target'), target),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'ghost', onclick: () => row.remove() },
        t('actions.remove_indicator'),
      ),
    ),
  );
  rows.append(row);
  return row;
}

const isNumber = (s) => /^-?\d+(\.\d+)?$/.test(String(s).trim());

async function addActionForm(commitment, reload) {
  const [orgs, missions, groups] = await Promise.all([
    getOrgs(),
    getMissions(),
    getGroups().catch(() => []),
  ]);
  const choose = t('commitments.choose');
  const c = {};
  c.title = input('title', { maxlength: 300, dir: 'auto' });
  c.description = h('textarea', { name: 'description', rows: 3, maxlength: 20000, dir: 'auto' });
  c.mission = select('mission', [['', choose]].concat(missions.map((m) => [m, m])), '');
  c.responsible_org = select(
    'responsible_org',
    [['', choose]].concat(
      orgs
        .filter((o) => o.kind !== 'mission')
        .slice()
        .sort(byKindThenName)
        .map((o) => [o.code, `${o.name} (${o.code})`]),
    ),
    '',
  );
  c.responsible_unit = input('responsible_unit', { maxlength: 200, dir: 'auto' });
  c.due_date = dateInput('due_date');
  const zonesId = newId('zones');
  c.time_zone = input('time_zone', {
    list: zonesId,
    autocomplete: 'off',
    spellcheck: 'false',
    dir: 'ltr',
  });
  c.tlp = select(
    'tlp',
    TLPS.map((m) => [m, `TLP:${m}`]),
    TLPS.includes(String(commitment.tlp || '').replace(/^TLP:/, ''))
      ? String(commitment.tlp).replace(/^TLP:/, '')
      : 'GREEN',
  );
  c.sharing_group = select(
    'sharing_group',
    [['', choose]].concat(groups.map((g) => [String(g.id), g.name])),
    commitment.sharing_group ? String(commitment.sharing_group) : '',
  );
  c.recipients = input('recipients', { autocomplete: 'off', spellcheck: 'false', dir: 'ltr' });
  const marking = markingFields(c);
  const rows = h('div', { class: 'indicator-rows', 'data-field': 'indicators' });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'action-form card', novalidate: true },
    h('h2', null, t('commitments.add_action')),
    formAlert(),
    field(t('actions.title_field'), c.title),
    field(t('actions.description'), c.description),
    h(
      'div',
      { class: 'grid' },
      field(t('actions.mission'), c.mission),
      field(t('actions.responsible_org'), c.responsible_org),
      field(t('actions.responsible_unit'), c.responsible_unit),
      field(t('actions.due_date'), c.due_date),
      field(t('actions.time_zone'), c.time_zone, t('actions.time_zone_hint')),
    ),
    zoneList(zonesId),
    h(
      'fieldset',
      { class: 'indicators-set' },
      h('legend', null, t('actions.indicators')),
      rows,
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', onclick: () => indicatorRow(rows) },
          t('actions.add_indicator'),
        ),
      ),
    ),
    marking.tlp,
    marking.group,
    marking.recipients,
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('commitments.add_action_submit')),
    ),
    status,
  );
  const recipients = () =>
    c.recipients.value
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  const indicators = () =>
    [...rows.querySelectorAll('.indicator-row')].map((r) => r.bhValue()).filter((i) => i.name);
  validateWith(form, () => {
    const out = [];
    if (!c.title.value.trim()) out.push(['title', t('actions.problem_title')]);
    if (!c.mission.value) out.push(['mission', t('actions.problem_mission')]);
    if (!c.responsible_org.value) out.push(['responsible_org', t('actions.problem_org')]);
    if (!c.due_date.value.trim()) out.push(['due_date', t('actions.problem_due')]);
    if (indicators().some((i) => !isNumber(i.target) || (i.baseline && !isNumber(i.baseline))))
      out.push(['indicators', t('actions.problem_indicator_numbers')]);
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', t('incident_form.problem_amber_group')]);
    if (c.tlp.value === 'RED' && !recipients().length)
      out.push(['recipients', t('incident_form.problem_red_recipients')]);
    return out;
  });
  // The indicator rows have no error slot of their own: the fieldset's problem goes to the
  // form's alert.
  rows.append(h('p', { class: 'field-error', role: 'alert', hidden: true }));
  onSubmit(
    form,
    async (key) => {
      const b = {
        title: c.title.value.trim(),
        description: c.description.value.trim(),
        mission: c.mission.value,
        responsible_org: c.responsible_org.value,
        responsible_unit: c.responsible_unit.value.trim(),
        due_date: c.due_date.value.trim(),
        indicators: indicators().map((i) => ({
          name: i.name,
          unit: i.unit,
          baseline: i.baseline ? Number(i.baseline) : 0,
          target: Number(i.target),
        })),
        tlp: c.tlp.value,
      };
      if (c.time_zone.value.trim()) b.time_zone = c.time_zone.value.trim();
      if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
      if (c.tlp.value === 'RED') b.recipients = recipients();
      await api('POST', `/api/v1/commitments/${encodeURIComponent(commitment.id)}/actions`, b, {
        idempotencyKey: key,
      });
      setFlash(t('commitments.action_added'));
      reload();
    },
    status,
  );
  return form;
}

export async function renderCommitment(view, [id]) {
  view.append(loading(t('commitments.loading_one')));
  const base = `/api/v1/commitments/${encodeURIComponent(id)}`;
  let c, acts;
  try {
    [c, acts] = await Promise.all([api('GET', base), api('GET', `${base}/actions`)]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('commitments.title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const list = (acts && acts.items) || [];
  const flash = takeFlash();
  const reload = () => {
    if (!view.isConnected) return;
    fill(view);
    renderCommitment(view, [id]);
  };
  fill(
    view,
    pageHeader(c.title || String(c.id)),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    h(
      'div',
      { class: 'badges' },
      tlpBadge(c.tlp),
      h('span', { class: 'tag' }, sourceLabel(c.source)),
    ),
    facts([
      [
        t('commitments.decision'),
        c.decision
          ? h(
              'a',
              { href: `#/decisions/${encodeURIComponent(c.decision.id)}`, dir: 'auto' },
              c.decision.title || String(c.decision.id),
            )
          : '',
      ],
      [t('commitments.a4p_area'), c.a4p_area ? a4pLabel(c.a4p_area) : ''],
      [t('commitments.ap2017_area'), c.ap2017_area ? ap2017Label(c.ap2017_area) : ''],
      [t('commitments.made_on'), c.made_on ? date(c.made_on) : ''],
      [t('commitments.owner'), c.owner ? h('bdi', null, c.owner) : ''],
      [t('commitments.col_implementation'), implementation(c.actions)],
    ]),
    c.description
      ? h('article', { class: 'card prose narrative', dir: 'auto' }, blocks(c.description))
      : null,
    h('h2', null, t('commitments.actions')),
    actionsTable(list),
    h('div', { class: 'add-action' }),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '#/commitments', class: 'button' }, t('commitments.back')),
    ),
  );
  if (can('action.write')) {
    const slotEl = view.querySelector('.add-action');
    try {
      const form = await addActionForm(c, reload);
      if (view.isConnected) fill(slotEl, form);
    } catch (e) {
      if (view.isConnected) fill(slotEl, errorNote(e));
    }
  }
}
