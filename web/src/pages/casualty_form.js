// #/casualties/new (and #/casualties/new?incident=ID, from an incident's page): a member's
// casualty record, every field POST /api/v1/casualties takes, in the words of the UN
// fatalities vocabulary. The form checks what it can before asking the server and shows every
// problem at once, each at its field; the server's refusals land at the field they name. The
// create carries an Idempotency-Key (forms.js keeps it while an attempt got no answer), so a
// retried submit does not record the person twice. A new record is embargoed; a focal point or
// coordinator (or an admin) may release it at once instead. Afterwards the page goes to the
// record's place: its incident, with a status line; a record without an incident is shown
// here, with its Release and its CASEVAC timeline, and a link to the register narrowed to it.
import { api } from '../api.js';
import { getOrgs } from '../data.js';
import { fill, h, newId } from '../dom.js';
import {
  dateInput,
  field,
  fieldset,
  formAlert,
  input,
  onSubmit,
  parseIsoDate,
  select,
  statusLine,
  validateWith,
} from '../forms.js';
import { date, intlLocale, t } from '../i18n.js';
import { casevacSection } from '../incidents/casevac.js';
import {
  CASUALTY_TYPES,
  GENDERS,
  INCIDENT_TYPES,
  PERSONNEL_TYPES,
  casualtyTypeLabel,
  embargoState,
  genderLabel,
  incidentTypeLabel,
  mayRelease,
  personnelTypeLabel,
  releaseButton,
} from '../incidents/casualty_actions.js';
import {
  facts,
  getGroups,
  getMissions,
  incidentHref,
  setFlash,
  tlpHint,
  TLPS,
} from '../incidents/common.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

// The nationality choice that opens the ISO3 code field (not a code: codes are upper case).
const OTHER = 'other';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The first UN peace operation (UNTSO) began in 1948: no record is older.
const EARLIEST = '1948-01-01';

// Today in UTC, as the server reckons "not in the future".
const todayUtc = () => new Date().toISOString().slice(0, 10);

// The incident id from the address: #/casualties/new?incident=ID.
function linkedIncident() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  return (q.get('incident') || '').trim();
}

// The countries to choose from, [iso3, name]: the member states of the directory and the
// nationalities of the records the reader may see (their names as the register has them).
async function getCountries() {
  const byCode = new Map();
  const [orgs, stats] = await Promise.all([
    getOrgs().catch(() => []),
    api('GET', '/api/v1/stats/casualties?by=nationality').catch(() => null),
  ]);
  for (const r of (stats && stats.rows) || [])
    if (r.nationality && /^[A-Z]{3}$/.test(r.nationality))
      byCode.set(r.nationality, r.nationality_name || r.nationality);
  for (const o of orgs || [])
    if (o.kind === 'member_state' && /^[A-Z]{3}$/.test(o.country_iso3 || o.code || ''))
      byCode.set(o.country_iso3 || o.code, o.name);
  const loc = intlLocale();
  return [...byCode].sort((a, b) => a[1].localeCompare(b[1], loc));
}

// The missions to choose from: the reader's, the directory's and those with records.
async function getMissionChoices() {
  const [mine, stats] = await Promise.all([
    getMissions().catch(() => []),
    api('GET', '/api/v1/stats/casualties?by=mission').catch(() => null),
  ]);
  const set = new Set(mine);
  for (const r of (stats && stats.rows) || []) if (r.mission) set.add(r.mission);
  return [...set].sort();
}

export function renderCasualtyForm(view) {
  const incidentId = linkedIncident();
  const box = h('div', null, loading(t('casualty_form.loading')));
  view.append(pageHeader(t('casualty_form.title'), t('casualty_form.intro')), box);
  Promise.all([
    getMissionChoices(),
    getCountries(),
    getGroups().catch(() => []),
    incidentId
      ? api('GET', `/api/v1/incidents/${encodeURIComponent(incidentId)}`).catch(() => null)
      : null,
  ]).then(
    ([missions, countries, groups, incident]) => {
      if (!view.isConnected) return;
      fill(box);
      buildForm(view, box, { missions, countries, groups, incident, incidentId });
    },
    (err) => fill(box, errorNote(err)),
  );
}

function buildForm(view, box, { missions, countries, groups, incident, incidentId }) {
  const choose = t('incident_form.choose');
  const opts = (list) => [['', choose]].concat(list);
  const mine = session.missions || [];
  const missionList = missions.slice();
  if (incident && incident.mission && missionList.indexOf(incident.mission) < 0)
    missionList.push(incident.mission);
  missionList.sort();
  const firstMission =
    (incident && incident.mission) ||
    (mine.length === 1 ? mine[0] : missionList.length === 1 ? missionList[0] : '');

  const c = {};
  // ISO text (forms.js names a wrong format itself, before the checks below).
  c.incident_date = dateInput('incident_date', {
    class: 'iso-input short',
    // The incident's day, when the record is for one.
    value: incident && incident.occurred_at ? String(incident.occurred_at).slice(0, 10) : '',
  });
  c.mission = select('mission', opts(missionList.map((m) => [m, m])), firstMission);
  c.casualty_type = select(
    'casualty_type',
    opts(CASUALTY_TYPES.map((k) => [k, casualtyTypeLabel(k)])),
    '',
  );
  c.incident_type = select(
    'incident_type',
    opts(INCIDENT_TYPES.map((k) => [k, incidentTypeLabel(k)])),
    '',
  );
  c.personnel_type = select(
    'personnel_type',
    opts(PERSONNEL_TYPES.map((k) => [k, personnelTypeLabel(k)])),
    '',
  );
  c.gender = select('gender', opts(GENDERS.map((k) => [k, genderLabel(k)])), '');
  c.nationality = select(
    'nationality',
    opts(
      [['unknown', t('casualty_form.nationality_unknown')]].concat(
        countries.map(([code, name]) => [code, t('casualty_form.country', { name, code })]),
        [[OTHER, t('casualty_form.nationality_other')]],
      ),
    ),
    '',
  );
  // A country the lists above do not have (the directory holds the members, not every
  // country): its ISO3 code, which the server looks up in its country table.
  c.nationality_code = input('nationality_code', {
    dir: 'ltr',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 3,
    class: 'short',
  });
  const codeField = field(
    t('casualty_form.nationality_code'),
    c.nationality_code,
    t('casualty_form.nationality_code_hint'),
  );
  const otherCountry = () => {
    codeField.hidden = c.nationality.value !== OTHER;
  };
  c.nationality.addEventListener('change', otherCountry);
  otherCountry();
  c.incident_id = input('incident_id', {
    dir: 'ltr',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 36,
    value: incidentId,
  });
  c.tlp = select(
    'tlp',
    TLPS.map((m) => [m, `TLP:${m}`]),
    'GREEN',
  );
  c.sharing_group = select('sharing_group', opts(groups.map((g) => [String(g.id), g.name])), '');

  // The embargo: kept until released (the default, and the only choice for those who may not
  // release), or lifted at once by a focal point or coordinator of the reader's organization.
  const canRelease = mayRelease({ embargoed: true, owner: session.user && session.user.org });
  const embargoKeep = h('input', {
    type: 'radio',
    name: 'embargo',
    value: 'keep',
    id: newId('emb'),
    checked: true,
  });
  const embargoLift = h('input', {
    type: 'radio',
    name: 'embargo',
    value: 'release',
    id: newId('emb'),
  });
  const embargoField = fieldset(
    t('casualty_form.embargo'),
    'embargo',
    h(
      'div',
      { class: 'checks' },
      h(
        'label',
        { class: 'check', for: embargoKeep.id },
        embargoKeep,
        t('casualty_form.embargo_keep'),
      ),
      canRelease
        ? h(
            'label',
            { class: 'check', for: embargoLift.id },
            embargoLift,
            t('casualty_form.embargo_release'),
          )
        : null,
    ),
    canRelease ? t('casualty_form.embargo_hint') : t('casualty_form.embargo_hint_others'),
  );

  const tlpHintEl = h('span', null);
  const groupField = field(
    t('incident_form.sharing_group'),
    c.sharing_group,
    t('incident_form.sharing_group_hint'),
  );
  const marking = () => {
    tlpHintEl.textContent = tlpHint(c.tlp.value);
    groupField.hidden = c.tlp.value !== 'AMBER';
  };
  c.tlp.addEventListener('change', marking);
  marking();

  const linkNote = incidentId
    ? h(
        'p',
        { class: 'alert alert-info' },
        incident
          ? t('casualty_form.for_incident', {
              mission: incident.mission || '—',
              date: incident.occurred_at ? date(incident.occurred_at) : '—',
            })
          : t('casualty_form.incident_not_found'),
        ' ',
        h('a', { href: incidentHref(incidentId) }, t('casualty_form.open_incident')),
      )
    : null;

  const form = h(
    'form',
    { novalidate: true, class: 'report-form', 'aria-label': t('casualty_form.form_label') },
    formAlert(),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'cf-what' },
      h('h2', { id: 'cf-what' }, t('casualty_form.what_happened')),
      h(
        'div',
        { class: 'grid' },
        field(t('casualty_form.incident_date'), c.incident_date, t('casualty_form.date_hint')),
        field(t('casualty_form.mission'), c.mission),
        field(t('casualty_form.casualty_type'), c.casualty_type),
        field(t('casualty_form.incident_type'), c.incident_type),
      ),
      field(t('casualty_form.incident_id'), c.incident_id, t('casualty_form.incident_id_hint')),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'cf-who' },
      h('h2', { id: 'cf-who' }, t('casualty_form.the_person')),
      h('p', { class: 'muted' }, t('casualty_form.no_names')),
      h(
        'div',
        { class: 'grid' },
        field(t('casualty_form.personnel_type'), c.personnel_type),
        field(t('casualty_form.nationality'), c.nationality),
        codeField,
        field(t('casualty_form.gender'), c.gender),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'cf-share' },
      h('h2', { id: 'cf-share' }, t('incident_form.who_may_see')),
      h('div', { class: 'grid' }, field(t('incident_form.marking'), c.tlp, tlpHintEl), groupField),
      embargoField,
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('casualty_form.save')),
      h(
        'a',
        { class: 'button ghost', href: incidentId ? incidentHref(incidentId) : '#/casualties' },
        t('common.cancel'),
      ),
    ),
  );
  box.append(linkNote, form);

  // Every problem the form can see by itself, [field, text], in the order of the form.
  function check() {
    const out = [];
    const d = c.incident_date.value.trim();
    if (!d) out.push(['incident_date', t('casualty_form.problem_date_missing')]);
    else if (!parseIsoDate(d)) out.push(['incident_date', t('casualty_form.problem_date_form')]);
    else if (parseIsoDate(d) > todayUtc())
      out.push(['incident_date', t('casualty_form.problem_date_future')]);
    else if (parseIsoDate(d) < EARLIEST)
      out.push(['incident_date', t('casualty_form.problem_date_early')]);
    if (!c.mission.value) out.push(['mission', t('incident_form.problem_mission')]);
    if (!c.casualty_type.value)
      out.push(['casualty_type', t('casualty_form.problem_casualty_type')]);
    if (!c.incident_type.value)
      out.push(['incident_type', t('casualty_form.problem_incident_type')]);
    const inc = c.incident_id.value.trim();
    if (inc && !UUID.test(inc)) out.push(['incident_id', t('casualty_form.problem_incident_id')]);
    if (!c.personnel_type.value)
      out.push(['personnel_type', t('casualty_form.problem_personnel_type')]);
    if (!c.nationality.value) out.push(['nationality', t('casualty_form.problem_nationality')]);
    else if (
      c.nationality.value === OTHER &&
      !/^[A-Za-z]{3}$/.test(c.nationality_code.value.trim())
    )
      out.push(['nationality_code', t('casualty_form.problem_nationality_code')]);
    if (!c.gender.value) out.push(['gender', t('casualty_form.problem_gender')]);
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', t('incident_form.problem_amber_group')]);
    return out;
  }

  // The JSON the API takes: its own keys, nothing else (it refuses unknown ones).
  function bodyOf() {
    const b = {
      incident_date: parseIsoDate(c.incident_date.value),
      mission: c.mission.value,
      casualty_type: c.casualty_type.value,
      gender: c.gender.value,
      nationality:
        c.nationality.value === OTHER
          ? c.nationality_code.value.trim().toUpperCase()
          : c.nationality.value,
      personnel_type: c.personnel_type.value,
      incident_type: c.incident_type.value,
      tlp: `TLP:${c.tlp.value}`,
    };
    const inc = c.incident_id.value.trim();
    if (inc) b.incident_id = inc;
    if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
    return b;
  }

  // onSubmit() shows every problem check() finds at once, at its field, and sends nothing
  // while there is one; a field is checked again as it is corrected.
  validateWith(form, check);
  onSubmit(form, async (key) => {
    const b = bodyOf();
    let rec;
    try {
      rec = await api('POST', '/api/v1/casualties', b, { idempotencyKey: key });
    } catch (err) {
      // A code typed in the other-country field is refused there, not at the list.
      if (err.field === 'nationality' && c.nationality.value === OTHER)
        err.field = 'nationality_code';
      throw err;
    }
    // Saved: whatever follows, the form must not send it again.
    let note = t('casualty_form.saved', { id: rec.casualty_id });
    if (embargoLift.checked && canRelease) {
      try {
        rec = Object.assign({}, rec, await api('POST', releasePath(rec)));
        note = t('casualty_form.saved_released', { id: rec.casualty_id });
      } catch (err) {
        note = t('casualty_form.saved_release_failed', {
          id: rec.casualty_id,
          reason: err.detail || err.message,
        });
      }
    }
    if (rec.incident_id) {
      setFlash(note);
      // The incident's page, at this record with its CASEVAC timeline open.
      location.hash = `${incidentHref(rec.incident_id)}?casualty=${encodeURIComponent(rec.id)}`;
      return;
    }
    showSaved(view, box, rec, note);
  });
}

const releasePath = (rec) => `/api/v1/casualties/${encodeURIComponent(rec.id)}/release`;

// The register narrowed to a record: its year, mission and type of casualty (the dashboard
// shows fatalities unless the address names another type).
function registerHref(rec) {
  const q = new URLSearchParams();
  const y = String(rec.incident_date || '').slice(0, 4);
  if (y) {
    q.set('from', y);
    q.set('to', y);
  }
  if (rec.mission) q.set('mission', rec.mission);
  if (rec.casualty_type && rec.casualty_type !== 'Fatality') q.set('ct', rec.casualty_type);
  return `#/casualties?${q.toString()}`;
}

// A record without an incident, just saved: what was recorded, its state and Release, its
// CASEVAC timeline, and the way to the register or to another record.
function showSaved(view, box, rec, note) {
  const status = statusLine();
  status.textContent = note;
  const problem = h('div', null);
  const stateBox = h('div', { class: 'record-state actions' });
  const drawState = (r) => {
    fill(
      stateBox,
      embargoState(r),
      releaseButton(
        r,
        (released) => {
          status.textContent = t('casualties.released_status', { id: released.casualty_id });
          fill(problem);
          drawState(released);
        },
        (err) => fill(problem, errorNote(err)),
      ),
    );
  };
  drawState(rec);
  fill(
    box,
    status,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'cf-saved' },
      h('h2', { id: 'cf-saved' }, t('casualty_form.saved_heading', { id: rec.casualty_id })),
      stateBox,
      problem,
      facts([
        [t('casualty_form.incident_date'), date(rec.incident_date)],
        [t('casualty_form.mission'), rec.mission],
        [t('casualty_form.casualty_type'), casualtyTypeLabel(rec.casualty_type)],
        [t('casualty_form.incident_type'), incidentTypeLabel(rec.incident_type)],
        [t('casualty_form.personnel_type'), personnelTypeLabel(rec.personnel_type)],
        [t('casualty_form.nationality'), rec.nationality_name || rec.nationality || '—'],
        [t('casualty_form.gender'), genderLabel(rec.gender)],
      ]),
      h('p', { class: 'muted' }, t('incident_detail.rule_10_1_2')),
      casevacSection(rec),
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button', href: registerHref(rec) }, t('casualty_form.see_in_register')),
        h(
          'a',
          {
            class: 'button ghost',
            href: '#/casualties/new',
            onclick: (ev) => {
              // At the same address already: no hash change would draw the empty form.
              if (location.hash !== '#/casualties/new') return;
              ev.preventDefault();
              fill(view);
              renderCasualtyForm(view);
            },
          },
          t('casualty_form.add_another'),
        ),
      ),
    ),
  );
}
