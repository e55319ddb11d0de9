// The CASEVAC timeline of one casualty (GET/PUT /api/v1/casualties/{id}/casevac): the times of
// injury, first aid, advanced care, surgery and the evacuation's request, launch and arrival,
// and the server's verdict on the 10-1-2 rule (first aid within 10 minutes of the injury,
// advanced care within 1 hour, surgery within 2 hours). Fetched when the casualty's section
// is opened, not with the page: most readers of a report never open it.
import { api, ApiError } from '../api.js';
import { fill, h, newId } from '../dom.js';
import { clearProblems, field, formAlert, input, onSubmit, statusLine } from '../forms.js';
import { can } from '../state.js';
import { errorNote, loading } from '../ui.js';
import { fromInput, toInput, utc } from './common.js';

export const CASEVAC_TIMES = [
  ['injury_at', 'Injury'],
  ['first_aid_at', 'First aid'],
  ['advanced_care_at', 'Advanced care (damage control resuscitation)'],
  ['surgery_at', 'Surgery (damage control surgery)'],
  ['evac_requested_at', 'Evacuation requested'],
  ['evac_launched_at', 'Evacuation launched'],
  ['evac_arrived_at', 'Evacuation arrived'],
];

const RULE = [
  ['first_aid', 'First aid', '10 minutes'],
  ['advanced_care', 'Advanced care', '1 hour'],
  ['surgery', 'Surgery', '2 hours'],
];

function minutes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 60) return `${n} min`;
  const hrs = Math.floor(n / 60);
  return n % 60 ? `${hrs} h ${n % 60} min` : `${hrs} h`;
}

// The 10-1-2 verdict as a list: each step's time from injury against its target.
export function complianceView(c) {
  if (!c) return null;
  const items = RULE.map(([k, name, target]) => {
    const x = c[k] || {};
    let state = 'unknown';
    let text = 'not recorded';
    const goal = typeof x.target === 'number' ? minutes(x.target) : target;
    if (x.met === true) {
      state = 'met';
      text = `${minutes(x.minutes)} after the injury, within ${goal}`;
    } else if (x.met === false) {
      state = 'missed';
      text = `${minutes(x.minutes)} after the injury, target ${goal}`;
    }
    return h(
      'li',
      { class: `rule rule-${state}`, 'data-step': k },
      h('span', { class: 'rule-name' }, name),
      h(
        'span',
        { class: 'rule-verdict' },
        state === 'met' ? 'Met' : state === 'missed' ? 'Missed' : '—',
      ),
      h('span', { class: 'rule-time' }, text),
    );
  });
  const all =
    c.all_met === true
      ? h('p', { class: 'rule-all rule-met' }, '10-1-2 met for this casualty.')
      : c.all_met === false
        ? h('p', { class: 'rule-all rule-missed' }, '10-1-2 not met for this casualty.')
        : h('p', { class: 'rule-all' }, '10-1-2 not yet known: times are missing.');
  return h('div', { class: 'compliance' }, all, h('ul', { class: 'rules' }, items));
}

const EVACUATION = [
  ['request_to_launch_minutes', 'Request to launch'],
  ['launch_to_arrival_minutes', 'Launch to arrival'],
];

// The evacuation's own intervals, where both ends are known.
function evacuationView(e) {
  if (!e || typeof e !== 'object') return null;
  const rows = EVACUATION.filter(([k]) => typeof e[k] === 'number').map(([k, name]) =>
    h('li', null, `${name}: ${minutes(e[k])}`),
  );
  return rows.length
    ? h(
        'div',
        { class: 'evacuation' },
        h('h3', null, 'Evacuation'),
        h('ul', { class: 'plain' }, rows),
      )
    : null;
}

// The timeline of casualty record `c` (casualty JSON), in a <details> that loads when opened.
export function casevacSection(c) {
  const body = h('div', { class: 'casevac-body' });
  const title = `CASEVAC timeline: ${c.casualty_id || c.id}`;
  const box = h(
    'details',
    { class: 'casevac', 'data-casualty': c.id },
    h(
      'summary',
      null,
      h('span', { class: 'casevac-title' }, title),
      h('span', { class: 'sub' }, [c.casualty_type, c.personnel_type].filter(Boolean).join(', ')),
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
    fill(body, loading('the timeline'));
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
            h('div', { class: 'fact' }, h('dt', null, name), h('dd', null, utc(times[k]))),
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
      return field(`${name} (UTC)`, controls[k]);
    });
    const notes = h('textarea', { name: 'notes', rows: 2, maxlength: 2000, id: newId('cv') });
    notes.value = data.notes || '';
    const form = h(
      'form',
      { novalidate: true, class: 'casevac-form', 'aria-label': title },
      formAlert(),
      h('div', { class: 'grid' }, fields),
      field('Notes', notes),
      h('button', { type: 'submit', class: 'primary' }, 'Save the timeline'),
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
        status.textContent = 'Timeline saved.';
      },
      status,
    );
    fill(body, verdict, form, status, evac);
  }

  return box;
}
