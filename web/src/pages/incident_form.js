// #/incidents/new and #/incidents/ID/edit: the report form. Where (a small map: a click or a
// drag of the marker sets the coordinates, typed coordinates move the marker), when, what,
// who, the casualties, the narrative and sources, and the marking. The form checks what it can
// before asking the server (coordinates in range, a time neither in the future nor before 1948,
// the required fields) and names the field; the server's own refusals are shown at their
// field too. "Save draft" keeps the report to finish later; "Submit" sends it for endorsement.
import { api } from '../api.js';
import { fill, h, newId } from '../dom.js';
import {
  clearProblems,
  field,
  fieldset,
  formAlert,
  input,
  onSubmit,
  select,
  showProblem,
} from '../forms.js';
import { L, createMap } from '../incidents/basemap.js';
import {
  clientProblem,
  fromInput,
  getGroups,
  getMissions,
  getTaxonomy,
  incidentHref,
  setFlash,
  TLP_HINTS,
  TLPS,
  toInput,
  typeOptions,
} from '../incidents/common.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

const COUNTS = [
  ['killed', 'Killed'],
  ['injured', 'Injured'],
  ['missing', 'Missing'],
  ['abducted', 'Abducted'],
];
const TEXTS = ['place_name', 'admin1', 'admin2', 'perpetrator', 'narrative'];
const EARLIEST = Date.UTC(1948, 0, 1);

export function renderIncidentForm(view, params) {
  const id = params && params[0];
  const box = h('div', null, loading('the form'));
  view.append(
    pageHeader(
      id ? 'Edit the report' : 'Report an incident',
      'Times are in UTC. Fields marked * are required; everything else helps the analysis.',
    ),
    box,
  );
  Promise.all([
    getTaxonomy(),
    getMissions(),
    getGroups().catch(() => []),
    id ? api('GET', `/api/v1/incidents/${encodeURIComponent(id)}`) : null,
  ]).then(
    ([tax, missions, groups, existing]) => {
      if (!view.isConnected) return;
      fill(box);
      buildForm(view, box, tax, missions, groups, existing);
    },
    (err) => fill(box, errorNote(err)),
  );
}

function buildForm(view, box, tax, missions, groups, existing) {
  const x = existing || {};
  const opts = (list, first) => (first ? [['', first]] : []).concat(list);
  const mine = session.missions || [];
  const missionList = (mine.length ? mine : missions).slice().sort();
  if (x.mission && missionList.indexOf(x.mission) < 0) missionList.push(x.mission);

  const c = {};
  c.mission = select(
    'mission',
    opts(
      missionList.map((m) => [m, m]),
      'Choose…',
    ),
    x.mission || (missionList.length === 1 ? missionList[0] : ''),
  );
  c.occurred_at = input('occurred_at', { type: 'datetime-local', value: toInput(x.occurred_at) });
  c.occurred_precision = select(
    'occurred_precision',
    tax.timePrecisions.length ? tax.timePrecisions : [['exact', 'Exact']],
    x.occurred_precision || 'exact',
  );
  c.latitude = input('latitude', {
    inputmode: 'decimal',
    autocomplete: 'off',
    class: 'short',
    value: x.latitude != null ? String(x.latitude) : '',
  });
  c.longitude = input('longitude', {
    inputmode: 'decimal',
    autocomplete: 'off',
    class: 'short',
    value: x.longitude != null ? String(x.longitude) : '',
  });
  c.location_precision = select(
    'location_precision',
    tax.placePrecisions.length ? tax.placePrecisions : [['exact', 'Exact']],
    x.location_precision || 'exact',
  );
  c.place_name = input('place_name', { maxlength: 200, value: x.place_name || '' });
  c.admin1 = input('admin1', { maxlength: 200, value: x.admin1 || '' });
  c.admin2 = input('admin2', { maxlength: 200, value: x.admin2 || '' });
  c.threat_type = h('select', { name: 'threat_type' }, typeOptions(tax, 'Choose…', true));
  c.threat_type.value = x.threat_type || '';
  c.target = select('target', opts(tax.targets, 'Choose…'), x.target || '');
  c.activity = select('activity', opts(tax.activities, 'Choose…'), x.activity || '');
  c.perpetrator = input('perpetrator', { maxlength: 500, value: x.perpetrator || '' });
  for (const [k] of COUNTS)
    c[k] = input(k, {
      type: 'number',
      min: 0,
      step: 1,
      inputmode: 'numeric',
      class: 'short',
      value: String(x[k] || 0),
    });
  c.narrative = h('textarea', { name: 'narrative', rows: 6, maxlength: 20000 });
  c.narrative.value = x.narrative || '';
  c.sources = h('textarea', { name: 'sources', rows: 3 });
  c.sources.value = (x.sources || []).join('\n');
  const tlpNow = String(x.tlp || 'TLP:GREEN').replace(/^TLP:/, '');
  c.tlp = select(
    'tlp',
    TLPS.map((t) => [t, `TLP:${t}`]),
    tlpNow,
  );
  c.sharing_group = select(
    'sharing_group',
    opts(
      groups.map((g) => [String(g.id), g.name]),
      'Choose…',
    ),
    x.sharing_group != null ? String(x.sharing_group) : '',
  );
  c.recipients = input('recipients', { autocomplete: 'off', spellcheck: 'false' });

  const chosenGroups = new Set(x.perpetrator_groups || []);
  const groupBoxes = tax.groups.map(([code, name]) =>
    h('input', {
      type: 'checkbox',
      name: 'perpetrator_groups',
      value: code,
      id: newId('grp'),
      checked: chosenGroups.has(code),
    }),
  );

  // The threat type's one-sentence description under the choice.
  const typeHint = h('span', null);
  const describe = () => {
    const t = tax.types.find((y) => y.code === c.threat_type.value);
    typeHint.textContent =
      t && t.description ? t.description : 'From the peacekeeper threat taxonomy.';
  };
  c.threat_type.addEventListener('change', describe);
  describe();

  const tlpHint = h('span', null);
  const groupField = field(
    'Sharing group *',
    c.sharing_group,
    'The organizations that may see it.',
  );
  const recipientField = field(
    'Recipients *',
    c.recipients,
    'Usernames of the people who may see it, separated by commas.',
  );
  const marking = () => {
    tlpHint.textContent = TLP_HINTS[c.tlp.value] || '';
    groupField.hidden = c.tlp.value !== 'AMBER';
    recipientField.hidden = c.tlp.value !== 'RED';
  };
  c.tlp.addEventListener('change', marking);
  marking();

  // The location picker.
  const mapEl = h('div', { class: 'picker-map', role: 'region', 'aria-label': 'Location picker' });
  const pickNote = h(
    'p',
    { class: 'hint', id: newId('pick') },
    'Click the map or drag the marker to set the coordinates; typing them moves the marker.',
  );

  const problem = h('div', null);
  const submitIntent = { submit: false };
  const saveBtn = h(
    'button',
    { type: 'submit', onclick: () => (submitIntent.submit = false) },
    existing ? 'Save changes' : 'Save draft',
  );
  const submitBtn = h(
    'button',
    { type: 'submit', class: 'primary', onclick: () => (submitIntent.submit = true) },
    'Submit for endorsement',
  );

  const form = h(
    'form',
    { novalidate: true, class: 'report-form', 'aria-label': 'Incident report' },
    formAlert(),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'f-when' },
      h('h2', { id: 'f-when' }, 'When and where'),
      h(
        'div',
        { class: 'grid' },
        field('Mission *', c.mission),
        field('Occurred at (UTC) *', c.occurred_at, 'Not in the future, not before 1948.'),
        field('Precision of the time', c.occurred_precision),
      ),
      h(
        'div',
        { class: 'picker-layout' },
        h('div', { class: 'picker-box' }, mapEl, pickNote),
        h(
          'div',
          null,
          field('Latitude *', c.latitude, 'Decimal degrees, −90 to 90 (north is positive).'),
          field('Longitude *', c.longitude, 'Decimal degrees, −180 to 180 (east is positive).'),
          field('Precision of the place', c.location_precision),
        ),
      ),
      h(
        'div',
        { class: 'grid' },
        field('Place name', c.place_name, 'Village, town, road or camp.'),
        field('Admin 2 (district)', c.admin2),
        field('Admin 1 (region)', c.admin1),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'f-what' },
      h('h2', { id: 'f-what' }, 'What happened'),
      h(
        'div',
        { class: 'grid' },
        field('Threat type *', c.threat_type, typeHint),
        field('Target *', c.target, 'Who or what was hit.'),
        field('Activity at the time *', c.activity, 'What the peacekeepers were doing.'),
      ),
      field('Perpetrator', c.perpetrator, 'As the sources name them; also the groups below.'),
      tax.groups.length
        ? fieldset(
            'Known groups',
            'perpetrator_groups',
            h(
              'div',
              { class: 'checks' },
              groupBoxes.map((b, n) =>
                h('label', { class: 'check', for: b.id }, b, tax.groups[n][1]),
              ),
            ),
          )
        : null,
      fieldset(
        'Casualties among peacekeepers',
        'counts',
        h(
          'div',
          { class: 'counts-grid' },
          COUNTS.map(([k, name]) => field(name, c[k])),
        ),
        'Link the casualty records themselves from the casualty register.',
      ),
      field('Narrative', c.narrative, 'What happened, in order. No names of victims.'),
      field('Sources', c.sources, 'One per line: report numbers, documents, links.'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'f-share' },
      h('h2', { id: 'f-share' }, 'Who may see it'),
      h(
        'div',
        { class: 'grid' },
        field('Marking (TLP)', c.tlp, tlpHint),
        groupField,
        recipientField,
      ),
    ),
    problem,
    h(
      'div',
      { class: 'actions' },
      saveBtn,
      submitBtn,
      h(
        'a',
        { class: 'button ghost', href: existing ? incidentHref(existing.id) : '#/incidents' },
        'Cancel',
      ),
    ),
  );
  box.append(form);

  // The picker map, centred on the report's place or on the region of most missions.
  const has = x.latitude != null && x.longitude != null;
  const map = createMap(mapEl, {
    center: has ? [x.latitude, x.longitude] : [12, 20],
    zoom: has ? 7 : 3,
  });
  let marker = null;
  const place = (lat, lon) => {
    if (marker) marker.setLatLng([lat, lon]);
    else {
      marker = L.marker([lat, lon], {
        draggable: true,
        keyboard: false,
        icon: L.divIcon({ className: 'pick-marker', iconSize: L.point(20, 20) }),
        title: 'The incident’s place',
      }).addTo(map);
      marker.on('dragend', () => {
        const p = marker.getLatLng().wrap();
        setCoords(p.lat, p.lng);
      });
    }
  };
  const round = (v) => Math.round(v * 1e5) / 1e5;
  const setCoords = (lat, lon) => {
    c.latitude.value = String(round(lat));
    c.longitude.value = String(round(lon));
    for (const el of [c.latitude, c.longitude]) el.dispatchEvent(new Event('change'));
  };
  map.on('click', (ev) => {
    const p = ev.latlng.wrap();
    place(p.lat, p.lng);
    setCoords(p.lat, p.lng);
  });
  const typed = () => {
    const lat = Number(c.latitude.value.trim().replace(',', '.'));
    const lon = Number(c.longitude.value.trim().replace(',', '.'));
    const ok =
      c.latitude.value.trim() !== '' &&
      c.longitude.value.trim() !== '' &&
      Math.abs(lat) <= 90 &&
      Math.abs(lon) <= 180;
    if (!ok) return;
    place(lat, lon);
    if (!map.getBounds().contains([lat, lon])) map.panTo([lat, lon]);
  };
  c.latitude.addEventListener('input', typed);
  c.longitude.addEventListener('input', typed);
  if (has) place(x.latitude, x.longitude);
  requestAnimationFrame(() => map.invalidateSize());
  view.bhLeave = () => map.remove();

  // Every problem the form can see by itself, named by field: [field, text].
  function check() {
    const out = [];
    if (!c.mission.value) out.push(['mission', 'choose the mission']);
    const when = c.occurred_at.value;
    const t = when ? Date.parse(fromInput(when)) : NaN;
    if (!when) out.push(['occurred_at', 'give the time it occurred']);
    else if (Number.isNaN(t)) out.push(['occurred_at', 'the time is not a valid date and time']);
    else if (t > Date.now() + 60000) out.push(['occurred_at', 'the time is in the future']);
    else if (t < EARLIEST)
      out.push(['occurred_at', 'the time is before 1948, when peacekeeping began']);
    const coord = (k, max, name) => {
      const v = c[k].value.trim().replace(',', '.');
      if (!v) out.push([k, `give the ${name}`]);
      else if (!/^-?\d+(\.\d+)?$/.test(v) || Math.abs(Number(v)) > max)
        out.push([k, `${name} must be a number between -${max} and ${max}`]);
    };
    coord('latitude', 90, 'latitude');
    coord('longitude', 180, 'longitude');
    if (!c.threat_type.value) out.push(['threat_type', 'choose the threat type']);
    if (!c.target.value) out.push(['target', 'choose the target ("Other" if none fits)']);
    if (!c.activity.value) out.push(['activity', 'choose the activity ("Other" if none fits)']);
    for (const [k, name] of COUNTS) {
      const v = c[k].value.trim();
      if (v !== '' && !/^\d+$/.test(v))
        out.push([k, `${name.toLowerCase()}: a whole number, 0 or more`]);
    }
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', 'TLP:AMBER needs a sharing group']);
    if (c.tlp.value === 'RED' && !recipients().length)
      out.push(['recipients', 'TLP:RED needs at least one recipient']);
    return out;
  }

  function recipients() {
    return c.recipients.value
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  }

  // The JSON the API takes: the incident's own keys. A new report leaves out what is empty; an
  // edit sends "" for a text that was emptied, so that it is cleared.
  function bodyOf() {
    const b = {
      mission: c.mission.value,
      occurred_at: fromInput(c.occurred_at.value),
      occurred_precision: c.occurred_precision.value,
      latitude: Number(c.latitude.value.trim().replace(',', '.')),
      longitude: Number(c.longitude.value.trim().replace(',', '.')),
      location_precision: c.location_precision.value,
      threat_type: c.threat_type.value,
      target: c.target.value,
      activity: c.activity.value,
      perpetrator_groups: groupBoxes.filter((g) => g.checked).map((g) => g.value),
      sources: c.sources.value
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      tlp: c.tlp.value,
    };
    for (const k of TEXTS) {
      const v = c[k].value.trim();
      if (v || (existing && x[k])) b[k] = v;
    }
    for (const [k] of COUNTS) b[k] = Number(c[k].value.trim() || 0);
    if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
    if (c.tlp.value === 'RED') b.recipients = recipients();
    return b;
  }

  onSubmit(form, async (key) => {
    clearProblems(form);
    fill(problem);
    const found = check();
    if (found.length) {
      // Every problem at its field; the first one takes the focus.
      for (const [k, text] of found.slice().reverse()) showProblem(form, clientProblem(k, text));
      return;
    }
    const submit = submitIntent.submit;
    const b = bodyOf();
    let saved;
    if (existing) {
      saved = await api('PATCH', `/api/v1/incidents/${encodeURIComponent(existing.id)}`, b);
      if (submit) await api('POST', `/api/v1/incidents/${encodeURIComponent(existing.id)}/submit`);
    } else {
      if (submit) b.submit = true;
      saved = await api('POST', '/api/v1/incidents', b, { idempotencyKey: key });
    }
    const savedId = (saved && saved.id) || (existing && existing.id);
    setFlash(
      submit ? 'Report submitted for endorsement.' : existing ? 'Changes saved.' : 'Draft saved.',
    );
    location.hash = incidentHref(savedId);
  });
}
