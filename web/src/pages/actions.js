// A mission-level action (#/actions/ID, issue 15 items 4 and 6): its status, due date in the
// zone it is due in, the overdue flag, the indicators with target and current value, the
// timeline of progress updates with their evidence, the progress update form (action.update:
// the responsible organization's and the owner organization's users; the server decides) and
// the edit form (action.write), which sends the revision read as If-Match: a 412 means someone
// else changed the action meanwhile, and the reader is asked to reload.
import { api, ApiError } from '../api.js';
import { getOrgs, byKindThenName } from '../data.js';
import { fill, h } from '../dom.js';
import {
  dateInput,
  field,
  formAlert,
  input,
  onSubmit,
  select,
  showAlert,
  statusLine,
  validateWith,
} from '../forms.js';
import { instant, num, t } from '../i18n.js';
import { facts, setFlash, takeFlash, tlpBadge } from '../incidents/common.js';
import { blocks } from '../markdown.js';
import { can } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import {
  ACTION_STATUSES,
  actionStatusBadge,
  bar,
  commitmentHref,
  dueText,
  indicatorProgress,
  overdueBadge,
  statusLabel,
} from './commitments.js';

// Where a piece of evidence leads: the app's own page for a record, the address for a link.
const RECORD_PAGES = {
  incident: 'incidents',
  alert: 'alerts',
  bulletin: 'bulletins',
  decision: 'decisions',
  meeting: 'meetings',
  document: 'library',
};
export const EVIDENCE_KINDS = [
  'link',
  'incident',
  'alert',
  'bulletin',
  'decision',
  'meeting',
  'document',
];

function evidenceNode(e) {
  if (e.hidden) return h('span', { class: 'muted evidence-hidden' }, t('actions.evidence_hidden'));
  const text = e.label || e.ref || '—';
  if (RECORD_PAGES[e.kind] && e.ref)
    return h(
      'a',
      { href: `#/${RECORD_PAGES[e.kind]}/${encodeURIComponent(e.ref)}`, dir: 'auto' },
      t(`actions.evidence_kind.${e.kind}`),
      ': ',
      h('bdi', null, text),
    );
  if (e.kind === 'link' && /^https?:\/\//i.test(String(e.ref || '')))
    return h(
      'a',
      { href: e.ref, rel: 'noopener noreferrer', target: '_blank', dir: 'auto' },
      h('bdi', null, text),
    );
  return h('bdi', null, text);
}

// When it was done, in the reader's zone and, beside it, in the action's own:
// "10 Dec 2026, 23:00 GMT · 10 Dec 2026, 18:00 EST (New York)".
function doneText(at, zone) {
  if (!zone) return instant(at);
  const place = zone.split('/').pop().replace(/_/g, ' ');
  return h(
    'span',
    null,
    instant(at),
    ' · ',
    h(
      'span',
      { class: 'muted' },
      t('actions.due_in_zone', { date: instant(at, zone), zone: place }),
    ),
  );
}

function updateItem(u, indicatorsById) {
  const changed = u.status_to && u.status_to !== u.status_from;
  return h(
    'li',
    { class: 'update' },
    h(
      'p',
      { class: 'update-head' },
      h('span', { class: 'update-time nowrap' }, instant(u.at)),
      ' ',
      h('bdi', { class: 'update-by' }, u.by || '—'),
      u.org ? [' ', h('span', { class: 'muted', dir: 'ltr' }, u.org)] : null,
      changed
        ? [
            ' ',
            h(
              'span',
              { class: 'status-change' },
              t('actions.status_change', {
                from: u.status_from ? statusLabel(u.status_from) : '—',
                to: statusLabel(u.status_to),
              }),
            ),
          ]
        : null,
    ),
    u.note ? h('p', { class: 'update-note', dir: 'auto' }, u.note) : null,
    (u.indicators || []).length
      ? h(
          'ul',
          { class: 'plain update-values' },
          u.indicators.map((v) =>
            h(
              'li',
              null,
              t('actions.indicator_value', {
                name: v.name || (indicatorsById[v.id] || {}).name || '—',
                value: num(Number(v.value)),
              }),
            ),
          ),
        )
      : null,
    (u.evidence || []).length
      ? h(
          'ul',
          { class: 'plain evidence', 'aria-label': t('actions.evidence') },
          u.evidence.map((e) => h('li', null, evidenceNode(e))),
        )
      : null,
  );
}

function indicatorsTable(list) {
  const value = (v) => (v === null || v === undefined || v === '' ? '—' : num(Number(v)));
  return table(
    t('actions.indicators'),
    [
      t('actions.indicator_name'),
      t('actions.indicator_baseline'),
      t('actions.indicator_target'),
      t('actions.indicator_current'),
      t('actions.indicator_progress_col'),
    ],
    list.map((i) => [
      h(
        'span',
        null,
        h('bdi', null, i.name),
        i.unit ? [' ', h('span', { class: 'muted' }, h('bdi', null, i.unit))] : null,
      ),
      value(i.baseline),
      value(i.target),
      h(
        'span',
        { class: 'indicator-current' },
        value(i.current),
        i.updated_at ? h('span', { class: 'muted block' }, instant(i.updated_at)) : null,
      ),
      indicatorProgress(i) === null
        ? '—'
        : bar(indicatorProgress(i), t('actions.indicator_progress', { name: i.name })),
    ]),
    t('actions.no_indicators'),
  );
}

// One evidence row of the update form: kind, reference (a record's id or an address), label.
function evidenceRow(rows) {
  const row = h('div', { class: 'evidence-row grid' });
  const kind = select(
    'evidence_kind',
    EVIDENCE_KINDS.map((k) => [k, t(`actions.evidence_kind.${k}`)]),
    'link',
  );
  const ref = input('evidence_ref', { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' });
  const label = input('evidence_label', { maxlength: 200, dir: 'auto' });
  row.bhValue = () => ({ kind: kind.value, ref: ref.value.trim(), label: label.value.trim() });
  fill(
    row,
    field(t('actions.evidence_kind_field'), kind),
    field(t('actions.evidence_ref'), ref, t('actions.evidence_ref_hint')),
    field(t('actions.evidence_label'), label),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'ghost', onclick: () => row.remove() },
        t('actions.remove_evidence'),
      ),
    ),
  );
  rows.append(row);
}

function updateForm(a, reload) {
  const c = {};
  c.note = h('textarea', { name: 'note', rows: 4, maxlength: 20000, dir: 'auto' });
  c.status = select(
    'status',
    [['', t('actions.status_unchanged')]].concat(
      ACTION_STATUSES.filter((s) => s !== a.status).map((s) => [s, statusLabel(s)]),
    ),
    '',
  );
  c.reason = input('reason', { maxlength: 1000, dir: 'auto' });
  const reasonField = field(t('actions.reason'), c.reason, t('actions.reason_hint'));
  const values = (a.indicators || []).map((i) => {
    const el = input(`indicator_${i.id}`, {
      inputmode: 'decimal',
      dir: 'ltr',
      autocomplete: 'off',
    });
    el.bhIndicator = i;
    return el;
  });
  const rows = h('div', { class: 'evidence-rows' });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'update-form card', novalidate: true },
    h('h2', null, t('actions.update_title')),
    formAlert(),
    field(t('actions.note'), c.note),
    h('div', { class: 'grid' }, field(t('actions.new_status'), c.status), reasonField),
    values.length
      ? h(
          'fieldset',
          { class: 'indicator-values' },
          h('legend', null, t('actions.indicator_values')),
          h(
            'div',
            { class: 'grid' },
            values.map((el) =>
              field(
                el.bhIndicator.unit
                  ? t('actions.indicator_value_label', {
                      name: el.bhIndicator.name,
                      unit: el.bhIndicator.unit,
                    })
                  : el.bhIndicator.name,
                el,
                t('actions.indicator_value_hint', {
                  target: num(Number(el.bhIndicator.target)),
                }),
              ),
            ),
          ),
        )
      : null,
    h(
      'fieldset',
      { class: 'evidence-set' },
      h('legend', null, t('actions.evidence')),
      rows,
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', onclick: () => evidenceRow(rows) },
          t('actions.add_evidence'),
        ),
      ),
    ),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('actions.post_update')),
    ),
    status,
  );
  const evidence = () =>
    [...rows.querySelectorAll('.evidence-row')].map((r) => r.bhValue()).filter((e) => e.ref);
  validateWith(form, () => {
    const out = [];
    if (!c.note.value.trim() && !c.status.value && !values.some((el) => el.value.trim()))
      out.push(['note', t('actions.problem_note')]);
    if (c.status.value === 'dropped' && !c.reason.value.trim())
      out.push(['reason', t('actions.problem_reason')]);
    for (const el of values)
      if (el.value.trim() && !/^-?\d+(\.\d+)?$/.test(el.value.trim()))
        out.push([el.getAttribute('name'), t('actions.problem_number')]);
    return out;
  });
  onSubmit(
    form,
    async (key) => {
      const b = {
        note: c.note.value.trim(),
        evidence: evidence(),
        indicators: values
          .filter((el) => el.value.trim())
          .map((el) => ({ name: el.bhIndicator.name, value: Number(el.value.trim()) })),
      };
      if (c.status.value) b.status = c.status.value;
      if (c.reason.value.trim()) b.reason = c.reason.value.trim();
      await api('POST', `/api/v1/actions/${encodeURIComponent(a.id)}/updates`, b, {
        idempotencyKey: key,
      });
      setFlash(t('actions.update_posted'));
      reload();
    },
    status,
  );
  return form;
}

// The edit form: the action's own fields, sent with the revision read.
async function editForm(a, reload) {
  const orgs = await getOrgs();
  const c = {};
  c.title = input('title', { maxlength: 300, dir: 'auto', value: a.title || '' });
  c.description = h('textarea', {
    name: 'description',
    rows: 3,
    maxlength: 20000,
    dir: 'auto',
    value: a.description || '',
  });
  c.responsible_org = select(
    'responsible_org',
    orgs
      .filter((o) => o.kind !== 'mission')
      .slice()
      .sort(byKindThenName)
      .map((o) => [o.code, `${o.name} (${o.code})`]),
    a.responsible_org,
  );
  c.responsible_unit = input('responsible_unit', {
    maxlength: 200,
    dir: 'auto',
    value: a.responsible_unit || '',
  });
  c.due_date = dateInput('due_date', { value: a.due_date || '' });
  c.time_zone = input('time_zone', {
    dir: 'ltr',
    autocomplete: 'off',
    spellcheck: 'false',
    value: a.time_zone || '',
  });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'edit-form', novalidate: true },
    formAlert(),
    field(t('actions.title_field'), c.title),
    field(t('actions.description'), c.description),
    h(
      'div',
      { class: 'grid' },
      field(t('actions.responsible_org'), c.responsible_org),
      field(t('actions.responsible_unit'), c.responsible_unit),
      field(t('actions.due_date'), c.due_date),
      field(t('actions.time_zone'), c.time_zone, t('actions.time_zone_hint')),
    ),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('actions.save')),
    ),
    status,
  );
  validateWith(form, () => {
    const out = [];
    if (!c.title.value.trim()) out.push(['title', t('actions.problem_title')]);
    if (!c.due_date.value.trim()) out.push(['due_date', t('actions.problem_due')]);
    return out;
  });
  onSubmit(
    form,
    async () => {
      const b = {
        title: c.title.value.trim(),
        description: c.description.value.trim(),
        responsible_org: c.responsible_org.value,
        responsible_unit: c.responsible_unit.value.trim(),
        due_date: c.due_date.value.trim(),
        time_zone: c.time_zone.value.trim(),
      };
      try {
        await api('PATCH', `/api/v1/actions/${encodeURIComponent(a.id)}`, b, {
          ifMatch: `"${a.revision}"`,
        });
      } catch (e) {
        if (e instanceof ApiError && e.status === 412) {
          showAlert(form, t('actions.changed_elsewhere'));
          return;
        }
        throw e;
      }
      setFlash(t('actions.saved'));
      reload();
    },
    status,
  );
  return h('details', { class: 'card edit-action' }, h('summary', null, t('actions.edit')), form);
}

export async function renderAction(view, [id]) {
  view.append(loading(t('actions.loading')));
  let a;
  try {
    a = await api('GET', `/api/v1/actions/${encodeURIComponent(id)}`);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('actions.title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const reload = () => {
    if (!view.isConnected) return;
    fill(view);
    renderAction(view, [id]);
  };
  const indicators = a.indicators || [];
  const byId = {};
  for (const i of indicators) byId[i.id] = i;
  const updates = a.updates || [];
  const flash = takeFlash();
  const zone = a.time_zone || '';
  fill(
    view,
    pageHeader(a.title || String(a.id)),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    h(
      'div',
      { class: 'badges' },
      actionStatusBadge(a.status),
      a.overdue ? overdueBadge() : null,
      tlpBadge(a.tlp),
    ),
    facts([
      [
        t('actions.commitment'),
        a.commitment
          ? h(
              'a',
              { href: commitmentHref(a.commitment.id), dir: 'auto' },
              a.commitment.title || String(a.commitment.id),
            )
          : '',
      ],
      [t('commitments.col_mission'), a.mission ? h('span', { dir: 'ltr' }, a.mission) : ''],
      [t('actions.fact_org'), h('bdi', null, a.responsible_org_name || a.responsible_org || '—')],
      [t('actions.responsible_unit'), a.responsible_unit ? h('bdi', null, a.responsible_unit) : ''],
      [t('actions.fact_due'), h('span', { class: 'due' }, dueText(a))],
      [t('actions.time_zone'), zone ? h('span', { dir: 'ltr' }, zone) : ''],
      [t('actions.status_reason'), a.status_reason ? h('bdi', null, a.status_reason) : ''],
      [t('actions.done_at'), a.done_at ? doneText(a.done_at, zone) : ''],
      [t('actions.owner'), a.owner ? h('bdi', null, a.owner) : ''],
    ]),
    a.description
      ? h('article', { class: 'card prose narrative', dir: 'auto' }, blocks(a.description))
      : null,
    h('h2', null, t('actions.indicators')),
    indicatorsTable(indicators),
    h('h2', null, t('actions.updates')),
    updates.length
      ? h(
          'ol',
          { class: 'plain timeline' },
          updates.map((u) => updateItem(u, byId)),
        )
      : h('p', { class: 'empty' }, t('actions.no_updates')),
    can('action.update') ? updateForm(a, reload) : null,
    h('div', { class: 'edit-slot' }),
  );
  if (can('action.write')) {
    const slotEl = view.querySelector('.edit-slot');
    try {
      const form = await editForm(a, reload);
      if (view.isConnected) fill(slotEl, form);
    } catch (e) {
      if (view.isConnected) fill(slotEl, errorNote(e));
    }
  }
}
