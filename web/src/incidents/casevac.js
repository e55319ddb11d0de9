// The CASEVAC timeline of one casualty (GET/PUT /api/v1/casualties/{id}/casevac): the times of
// injury, first aid, advanced care, surgery and the evacuation's request, launch and arrival,
// and the server's verdict on the 10-1-2 rule (first aid within 10 minutes of the injury,
// advanced care within 1 hour, surgery within 2 hours). Fetched when the casualty's section
// is opened, not with the page: most readers of a report never open it. The words are the
// catalog's (casevac.*; the UN fatalities vocabulary's codes under casualties.*).
import { api, ApiError } from '../api.js';
import { fill, h, newId } from '../dom.js';
import { clearProblems, field, formAlert, input, onSubmit, statusLine } from '../forms.js';
import { dateTime, has, t } from '../i18n.js';
import { can } from '../state.js';
import { errorNote, loading } from '../ui.js';
import { fromInput, toInput } from './common.js';

// The times, each with its words (a function: the language is chosen after this loads).
export const CASEVAC_TIMES = [
  ['injury_at', () => t('casevac.injury')],
  ['first_aid_at', () => t('casevac.first_aid')],
  ['advanced_care_at', () => t('casevac.advanced_care_long')],
  ['surgery_at', () => t('casevac.surgery_long')],
  ['evac_requested_at', () => t('casevac.evac_requested')],
  ['evac_launched_at', () => t('casevac.evac_launched')],
  ['evac_arrived_at', () => t('casevac.evac_arrived')],
];

// Each step of the rule, its words and its target (used when the server gives none).
const RULE = [
  ['first_aid', () => t('casevac.first_aid'), () => t('casevac.target_minutes', { n: 10 })],
  ['advanced_care', () => t('casevac.advanced_care'), () => t('casevac.target_hours', { n: 1 })],
  ['surgery', () => t('casevac.surgery'), () => t('casevac.target_hours', { n: 2 })],
];

// A duration: "7 min", "2 h 20 min", "1 h".
function minutes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 60) return t('casevac.duration_min', { n });
  const hrs = Math.floor(n / 60);
  return n % 60
    ? t('casevac.duration_h_min', { h: hrs, min: n % 60 })
    : t('casevac.duration_h', { h: hrs });
}

// The 10-1-2 verdict as a list: each step's time from injury against its target.
export function complianceView(c) {
  if (!c) return null;
  const items = RULE.map(([k, name, target]) => {
    const x = c[k] || {};
    let state = 'unknown';
    let text = t('casevac.not_recorded');
    const goal = typeof x.target === 'number' ? minutes(x.target) : target();
    if (x.met === true) {
      state = 'met';
      text = t('casevac.within', { time: minutes(x.minutes), goal });
    } else if (x.met === false) {
      state = 'missed';
      text = t('casevac.target', { time: minutes(x.minutes), goal });
    }
    return h(
      'li',
      { class: `rule rule-${state}`, 'data-step': k },
      h('span', { class: 'rule-name' }, name()),
      h(
        'span',
        { class: 'rule-verdict' },
        state === 'met' ? t('casevac.met') : state === 'missed' ? t('casevac.missed') : '—',
      ),
      h('span', { class: 'rule-time' }, text),
    );
  });
  const all =
    c.all_met === true
      ? h('p', { class: 'rule-all rule-met' }, t('casevac.all_met'))
      : c.all_met === false
        ? h('p', { class: 'rule-all rule-missed' }, t('casevac.all_not_met'))
        : h('p', { class: 'rule-all' }, t('casevac.all_unknown'));
  return h('div', { class: 'compliance' }, all, h('ul', { class: 'rules' }, items));
}

const EVACUATION = [
  ['request_to_launch_minutes', (time) => t('casevac.request_to_launch', { time })],
  ['launch_to_arrival_minutes', (time) => t('casevac.launch_to_arrival', { time })],
];

// The evacuation's own intervals, where both ends are known.
function evacuationView(e) {
  if (!e || typeof e !== 'object') return null;
  const rows = EVACUATION.filter(([k]) => typeof e[k] === 'number').map(([k, line]) =>
    h('li', null, line(minutes(e[k]))),
  );
  return rows.length
    ? h(
        'div',
        { class: 'evacuation' },
        h('h3', null, t('casevac.evacuation')),
        h('ul', { class: 'plain' }, rows),
      )
    : null;
}

// The record's type of casualty and personnel in the catalog's words ("Injury, Military"); a
// code the catalog does not know (one the server added) is shown as it is.
function kind(c) {
  const ct = String(c.casualty_type || '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  const pt = String(c.personnel_type || '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  const casualty = has(`casualties.casualty_type.${ct}`)
    ? t(`casualties.casualty_type.${ct}`)
    : c.casualty_type;
  const personnel = has(`casualties.personnel_type.${pt}`)
    ? t(`casualties.personnel_type.${pt}`)
    : c.personnel_type;
  if (casualty && personnel) return t('casevac.kind', { casualty, personnel });
  return casualty || personnel || '';
}

// The timeline of casualty record `c` (casualty JSON), in a <details> that loads when opened.
export function casevacSection(c) {
  const body = h('div', { class: 'casevac-body' });
  const title = t('casevac.title', { id: c.casualty_id || c.id });
  const box = h(
    'details',
    { class: 'casevac', 'data-casualty': c.id },
    h(
      'summary',
      null,
      h('span', { class: 'casevac-title' }, title),
      h('span', { class: 'sub' }, kind(c)),
    ),
    body,
  );
  let loaded = false;
  box.addEventListener('toggle', () => {
    if (box.open && !loaded) {
      loaded = true;
      load();
    }
  });

  async function load() {
    fill(body, loading(t('casevac.loading')));
    let data = null;
    try {
      data = await api('GET', `/api/v1/casualties/${encodeURIComponent(c.id)}/casevac`);
    } catch (err) {
      // No timeline yet is an empty one.
      if (!(err instanceof ApiError && err.status === 404)) {
        loaded = false;
        fill(body, errorNote(err));
        return;
      }
    }
    draw(data || {});
  }

  function draw(data) {
    const times = data.times || {};
    const verdict = h('div', { 'aria-live': 'polite' }, complianceView(data.compliance));
    const evac = h('div', null, evacuationView(data.evacuation));
    if (!can('record.write')) {
      fill(
        body,
        verdict,
        h(
          'dl',
          { class: 'facts' },
          CASEVAC_TIMES.map(([k, name]) =>
            h('div', { class: 'fact' }, h('dt', null, name()), h('dd', null, dateTime(times[k]))),
          ),
        ),
        data.notes ? h('p', { class: 'narrative' }, data.notes) : null,
        evac,
      );
      return;
    }
    const controls = {};
    const status = statusLine();
    const fields = CASEVAC_TIMES.map(([k, name]) => {
      controls[k] = input(k, { type: 'datetime-local', value: toInput(times[k]), id: newId('cv') });
      return field(t('casevac.time_utc', { name: name() }), controls[k]);
    });
    const notes = h('textarea', { name: 'notes', rows: 2, maxlength: 2000, id: newId('cv') });
    notes.value = data.notes || '';
    const form = h(
      'form',
      { novalidate: true, class: 'casevac-form', 'aria-label': title },
      formAlert(),
      h('div', { class: 'grid' }, fields),
      field(t('casevac.notes'), notes),
      h('button', { type: 'submit', class: 'primary' }, t('casevac.save')),
    );
    onSubmit(
      form,
      async () => {
        clearProblems(form);
        const bodyJson = { notes: notes.value.trim() || null };
        for (const [k] of CASEVAC_TIMES) bodyJson[k] = fromInput(controls[k].value) || null;
        const saved = await api(
          'PUT',
          `/api/v1/casualties/${encodeURIComponent(c.id)}/casevac`,
          bodyJson,
        );
        const d = saved || {};
        fill(verdict, complianceView(d.compliance));
        fill(evac, evacuationView(d.evacuation));
        status.textContent = t('casevac.saved');
      },
      status,
    );
    fill(body, verdict, form, status, evac);
  }

  return box;
}
