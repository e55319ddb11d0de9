// Training records (issue 17): the courses providers gave, each with its deliveries (dates,
// place, mission, status, who enrolled and completed, the needs it covered); a course's page
// (#/capacity/training/ID) where a capacity.train holder of the course's organization adds a
// delivery and edits one (status, participants by organization, needs covered with seats);
// and the course form (#/capacity/training/new). The server's problems are shown at the field
// they name ("participants[1].enrolled" at the participants).
import { api } from '../api.js';
import { getOrgs, byKindThenName } from '../data.js';
import { fill, h } from '../dom.js';
import {
  dateInput,
  field,
  fieldset,
  formAlert,
  input,
  onSubmit,
  select,
  statusLine,
  validateWith,
} from '../forms.js';
import { t } from '../i18n.js';
import { facts, getGroups, getMissions, query, setFlash, takeFlash } from '../incidents/common.js';
import { can } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import {
  capabilityLabel,
  categoryCapability,
  checkedValues,
  getCapacityVocabulary,
  hashParams,
  languageChecks,
  languagesText,
  markingPart,
  needHref,
  orgCode,
  orgText,
  periodText,
  stackOnPhone,
  VOCAB,
} from './capacity_common.js';

const STATUSES = ['planned', 'completed', 'cancelled'];

const courseHref = (id) => `#/capacity/training/${encodeURIComponent(id)}`;

function statusLabel(code) {
  return (
    {
      planned: t('capacity.training_status_planned'),
      completed: t('capacity.training_status_completed'),
      cancelled: t('capacity.training_status_cancelled'),
    }[code] || code
  );
}

function statusBadge(code) {
  return h('span', { class: `badge training-delivery-${code}` }, statusLabel(code));
}

const period = (d) => periodText(d.starts_on, d.ends_on);

function needsCovered(d) {
  const list = d.needs || [];
  if (!list.length) return h('span', { class: 'muted' }, '—');
  return h(
    'ul',
    { class: 'plain training-needs-covered' },
    list.map((n) =>
      h(
        'li',
        null,
        n.hidden
          ? h('span', { class: 'muted' }, t('capacity.training_need_hidden'))
          : h('a', { href: needHref(n.id), dir: 'auto' }, n.title || n.id),
        ' ',
        h('span', { class: 'muted' }, t('capacity.training_seats', { n: Number(n.seats || 0) })),
      ),
    ),
  );
}

function participantsText(d) {
  const list = d.participants || [];
  if (!list.length) return null;
  return h(
    'span',
    { class: 'muted block' },
    list
      .map((p) =>
        t('capacity.training_participant_line', {
          org: orgCode(p.org),
          enrolled: Number(p.enrolled || 0),
          completed: Number(p.completed || 0),
        }),
      )
      .join(' · '),
  );
}

// The deliveries of a course as a table; `edit(d)`, when given, adds an "Edit" button.
function deliveriesTable(course, edit) {
  const headers = [
    t('capacity.training_col_dates'),
    t('capacity.training_col_location'),
    t('capacity.training_col_mission'),
    t('capacity.training_col_status'),
    t('capacity.training_col_people'),
    t('capacity.training_col_needs'),
  ];
  if (edit) headers.push(t('capacity.training_col_action'));
  return stackOnPhone(
    table(
      t('capacity.training_deliveries_of', { course: course.title }),
      headers,
      (course.deliveries || []).map((d) => {
        const cells = [
          h('span', { class: 'nowrap' }, period(d)),
          d.location ? h('bdi', null, d.location) : '—',
          d.mission ? h('bdi', { dir: 'ltr' }, d.mission) : '—',
          statusBadge(d.status),
          h(
            'span',
            null,
            t('capacity.training_enrolled_completed', {
              enrolled: Number(d.enrolled || 0),
              completed: Number(d.completed || 0),
            }),
            participantsText(d),
          ),
          needsCovered(d),
        ];
        if (edit)
          cells.push(
            h(
              'button',
              {
                type: 'button',
                class: 'training-edit-delivery',
                onclick: () => edit(d),
                'aria-label': t('capacity.training_edit_delivery_of', { dates: period(d) }),
              },
              t('capacity.training_edit_delivery'),
            ),
          );
        return { class: 'training-delivery', cells };
      }),
      t('capacity.training_no_deliveries'),
    ),
  );
}

function courseCard(c) {
  return h(
    'article',
    { class: 'card training-course' },
    h('h2', null, h('a', { href: courseHref(c.id), dir: 'auto' }, c.title || c.id)),
    h(
      'p',
      { class: 'muted' },
      t('capacity.training_course_line', {
        org: orgText(c.org),
        capability: capabilityLabel(c.capability),
      }),
    ),
    deliveriesTable(c),
  );
}

export async function renderTraining(view) {
  const params = hashParams();
  view.append(loading(t('capacity.training_loading')));
  let list;
  try {
    [, list] = await Promise.all([
      getCapacityVocabulary().catch(() => VOCAB),
      api(
        'GET',
        `/api/v1/capacity/training?${query({
          capability: params.get('capability') || '',
          org: params.get('org') || '',
          mission: params.get('mission') || '',
          limit: 100,
        })}`,
      ),
    ]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('capacity.training_title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const items = (list && list.items) || [];
  const flash = takeFlash();
  fill(
    view,
    pageHeader(t('capacity.training_title'), t('capacity.training_intro')),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    can('capacity.train')
      ? h(
          'p',
          { class: 'page-actions' },
          h(
            'a',
            { href: '#/capacity/training/new', class: 'button primary' },
            t('capacity.training_new'),
          ),
        )
      : null,
    items.length
      ? h(
          'div',
          { class: 'training-courses' },
          items.map((c) => courseCard(c)),
        )
      : h('p', { class: 'empty' }, t('capacity.training_none')),
  );
}

export async function renderCourseForm(view) {
  view.append(loading(t('capacity.training_loading')));
  // Without the vocabulary the form shows codes; without groups, AMBER cannot be chosen well
  // but the rest still can.
  const [, groups] = await Promise.all([
    getCapacityVocabulary().catch(() => VOCAB),
    getGroups().catch(() => []),
  ]);
  if (!view.isConnected) return;
  const c = {
    title: input('title', { maxlength: 200, required: true, dir: 'auto' }),
    description: h('textarea', { name: 'description', rows: 5, maxlength: 5000, dir: 'auto' }),
    offer: input('offer', { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' }),
  };
  const pick = categoryCapability({ category: 'training' });
  const languages = languageChecks([]);
  const marking = markingPart({}, groups);
  const status = statusLine();
  const form = h(
    'form',
    { class: 'training-course-form', novalidate: true },
    formAlert(),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, t('capacity.training_course_legend')),
      field(t('capacity.training_field_title'), c.title),
      field(t('capacity.training_field_category'), pick.category),
      field(t('capacity.training_field_capability'), pick.capability),
      fieldset(t('capacity.training_field_languages'), 'languages', languages),
      field(t('capacity.training_field_description'), c.description),
      field(t('capacity.training_field_offer'), c.offer, t('capacity.training_field_offer_hint')),
      marking.tlp,
      marking.group,
    ),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('capacity.training_create')),
      h('a', { href: '#/capacity/training', class: 'button' }, t('capacity.training_back')),
    ),
    status,
  );
  fill(view, pageHeader(t('capacity.training_new_title'), t('capacity.training_new_intro')), form);
  const m = marking.controls;
  validateWith(form, () => {
    const out = [];
    if (!c.title.value.trim()) out.push(['title', t('capacity.training_problem_title')]);
    if (!pick.capability.value) out.push(['capability', t('capacity.training_problem_capability')]);
    if (m.tlp.value === 'AMBER' && !m.sharing_group.value)
      out.push(['sharing_group', t('capacity.training_problem_group')]);
    return out;
  });
  onSubmit(
    form,
    async (key) => {
      const b = {
        title: c.title.value.trim(),
        capability: pick.capability.value,
        languages: checkedValues(languages),
        description: c.description.value.trim(),
        tlp: m.tlp.value,
      };
      if (pick.category.value) b.category = pick.category.value;
      if (c.offer.value.trim()) b.offer = c.offer.value.trim();
      if (m.tlp.value === 'AMBER') b.sharing_group = Number(m.sharing_group.value);
      const made = await api('POST', '/api/v1/capacity/training', b, { idempotencyKey: key });
      setFlash(t('capacity.training_created'));
      location.hash = courseHref(made.id);
    },
    status,
  );
}

// One participant row: organization, enrolled, completed, and a button that removes it.
function participantRow(orgs, p) {
  const org = select(
    'participant_org',
    [['', t('capacity.training_choose')]].concat(orgs.map((o) => [o.code, o.name || o.code])),
    p ? orgCode(p.org) : '',
    { 'aria-label': t('capacity.training_participant_org') },
  );
  const enrolled = input('participant_enrolled', {
    type: 'number',
    min: 0,
    inputmode: 'numeric',
    value: p ? String(p.enrolled || 0) : '',
    'aria-label': t('capacity.training_participant_enrolled'),
  });
  const completed = input('participant_completed', {
    type: 'number',
    min: 0,
    inputmode: 'numeric',
    value: p ? String(p.completed || 0) : '',
    'aria-label': t('capacity.training_participant_completed'),
  });
  const row = h(
    'div',
    { class: 'training-row participant-row' },
    org,
    enrolled,
    completed,
    h('button', { type: 'button', onclick: () => row.remove() }, t('capacity.training_remove')),
  );
  row.bhValue = () => ({
    org: org.value,
    enrolled: Number(enrolled.value || 0),
    completed: Number(completed.value || 0),
  });
  return row;
}

// One need-covered row: the need and its seats.
function needRow(needs, n) {
  const options = [['', t('capacity.training_choose')]].concat(
    needs.map((x) => [x.id, x.title || x.id]),
  );
  if (n && n.id && !needs.some((x) => x.id === n.id)) options.push([n.id, n.title || n.id]);
  const need = select('need_id', options, n ? n.id || '' : '', {
    'aria-label': t('capacity.training_need'),
  });
  const seats = input('need_seats', {
    type: 'number',
    min: 1,
    inputmode: 'numeric',
    value: n ? String(n.seats || '') : '',
    'aria-label': t('capacity.training_need_seats'),
  });
  const row = h(
    'div',
    { class: 'training-row need-row' },
    need,
    seats,
    h('button', { type: 'button', onclick: () => row.remove() }, t('capacity.training_remove')),
  );
  row.bhValue = () => ({ id: need.value, seats: Number(seats.value || 0) });
  return row;
}

// The delivery form: a new one (`d` null) or a change of `d`. `done(course)` gets the course as
// the server answered.
function deliveryForm(course, d, ctx, done, close) {
  const c = {
    status: select(
      'status',
      STATUSES.map((s) => [s, statusLabel(s)]),
      d ? d.status : 'planned',
    ),
    starts_on: dateInput('starts_on', { value: d ? d.starts_on || '' : '' }),
    ends_on: dateInput('ends_on', { value: d ? d.ends_on || '' : '' }),
    location: input('location', { maxlength: 200, dir: 'auto', value: d ? d.location || '' : '' }),
    mission: select(
      'mission',
      [['', t('capacity.training_no_mission')]].concat(ctx.missions.map((m) => [m, m])),
      d ? d.mission || '' : '',
    ),
  };
  const participants = h(
    'div',
    { class: 'training-rows' },
    ((d && d.participants) || []).map((p) => participantRow(ctx.orgs, p)),
  );
  const needs = h(
    'div',
    { class: 'training-rows' },
    ((d && d.needs) || []).filter((n) => !n.hidden).map((n) => needRow(ctx.needs, n)),
  );
  const status = statusLine();
  const form = h(
    'form',
    { class: 'card training-delivery-form', novalidate: true },
    h(
      'h2',
      null,
      d ? t('capacity.training_edit_delivery_title') : t('capacity.training_add_delivery'),
    ),
    formAlert(),
    h(
      'div',
      { class: 'grid' },
      field(t('capacity.training_field_status'), c.status),
      field(t('capacity.training_field_starts_on'), c.starts_on),
      field(t('capacity.training_field_ends_on'), c.ends_on),
      field(t('capacity.training_field_location'), c.location),
      field(t('capacity.training_field_mission'), c.mission),
    ),
    fieldset(
      t('capacity.training_participants'),
      'participants',
      [
        participants,
        h(
          'button',
          { type: 'button', onclick: () => participants.append(participantRow(ctx.orgs, null)) },
          t('capacity.training_add_participant'),
        ),
      ],
      t('capacity.training_participants_hint'),
    ),
    fieldset(
      t('capacity.training_needs'),
      'needs',
      [
        needs,
        h(
          'button',
          { type: 'button', onclick: () => needs.append(needRow(ctx.needs, null)) },
          t('capacity.training_add_need'),
        ),
      ],
      t('capacity.training_needs_hint'),
    ),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary' },
        d ? t('capacity.training_save_delivery') : t('capacity.training_add_delivery'),
      ),
      close ? h('button', { type: 'button', onclick: close }, t('capacity.training_close')) : null,
    ),
    status,
  );
  const rows = (box) => [...box.children].map((r) => r.bhValue());
  validateWith(form, () => {
    const out = [];
    if (!c.starts_on.value.trim()) out.push(['starts_on', t('capacity.training_problem_starts')]);
    if (!c.ends_on.value.trim()) out.push(['ends_on', t('capacity.training_problem_ends')]);
    if (rows(participants).some((p) => !p.org || p.completed > p.enrolled))
      out.push(['participants', t('capacity.training_problem_participants')]);
    if (rows(needs).some((n) => !n.id || !(n.seats > 0)))
      out.push(['needs', t('capacity.training_problem_needs')]);
    return out;
  });
  onSubmit(
    form,
    async (key) => {
      const b = {
        status: c.status.value,
        starts_on: c.starts_on.value.trim(),
        ends_on: c.ends_on.value.trim(),
        location: c.location.value.trim(),
        mission: c.mission.value || null,
        participants: rows(participants),
        needs: rows(needs),
      };
      const answer = d
        ? await api('PATCH', `/api/v1/capacity/deliveries/${encodeURIComponent(d.id)}`, b)
        : await api(
            'POST',
            `/api/v1/capacity/training/${encodeURIComponent(course.id)}/deliveries`,
            b,
            { idempotencyKey: key },
          );
      done(
        answer,
        d ? t('capacity.training_delivery_saved') : t('capacity.training_delivery_added'),
      );
    },
    status,
  );
  return form;
}

// What the delivery form chooses from: organizations, missions, the open needs.
async function deliveryChoices() {
  const [orgs, missions, needs] = await Promise.all([
    getOrgs().catch(() => []),
    getMissions().catch(() => []),
    api('GET', '/api/v1/capacity/needs?limit=500')
      .then((r) => (r && r.items) || [])
      .catch(() => []),
  ]);
  return { orgs: orgs.slice().sort(byKindThenName), missions, needs };
}

export async function renderCourse(view, [id]) {
  view.append(loading(t('capacity.training_loading')));
  let course;
  try {
    [, course] = await Promise.all([
      getCapacityVocabulary().catch(() => VOCAB),
      api('GET', `/api/v1/capacity/training/${encodeURIComponent(id)}`),
    ]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('capacity.training_title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const editable = !!(course.can && course.can.edit) && can('capacity.train');
  const flash = takeFlash();
  const slot = h('div', { class: 'training-delivery-slot' });
  const reload = (_course, text) => {
    if (text) setFlash(text);
    if (!view.isConnected) return;
    fill(view);
    renderCourse(view, [id]);
  };
  let ctx = null;
  async function openForm(d) {
    if (!ctx) {
      fill(slot, loading(t('capacity.training_loading')));
      ctx = await deliveryChoices();
      if (!view.isConnected) return;
    }
    const form = deliveryForm(course, d, ctx, reload, () => fill(slot));
    fill(slot, form);
    const first = form.querySelector('select, input');
    if (first) first.focus();
  }
  fill(
    view,
    pageHeader(course.title || String(course.id)),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    facts([
      [t('capacity.training_field_org'), h('bdi', null, orgText(course.org))],
      [t('capacity.training_field_capability'), capabilityLabel(course.capability)],
      [t('capacity.training_field_languages'), languagesText(course.languages)],
      [t('capacity.training_field_tlp'), course.tlp || ''],
    ]),
    course.description ? h('p', { class: 'card prose', dir: 'auto' }, course.description) : null,
    h('h2', null, t('capacity.training_deliveries')),
    deliveriesTable(course, editable ? (d) => openForm(d) : null),
    editable
      ? h(
          'p',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'primary', onclick: () => openForm(null) },
            t('capacity.training_add_delivery'),
          ),
        )
      : null,
    slot,
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '#/capacity/training', class: 'button' }, t('capacity.training_back')),
    ),
  );
}
