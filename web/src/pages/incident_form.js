// #/incidents/new and #/incidents/ID/edit: the report form. Where (a small map that opens on the
// reporter's mission: a click or a drag of the marker sets the point, and the place precision
// follows the zoom it was set at; coordinates typed in decimal degrees, DMS or MGRS, or the
// device's own position, move the marker and the map there), when (ISO 8601, 24-hour, UTC),
// what, who, the casualties, the narrative and sources, and the marking. The form checks what it
// can before asking the server (coordinates in range, a time neither in the future nor before
// 1948, the required fields) and names the field, all problems at once; each goes as soon as its
// field is right. The server's own refusals are shown at their field too. "Save draft" keeps the
// report to finish later; "Submit" sends it for endorsement.
import { markingFields } from '../marking.js';
import { api } from '../api.js';
import {
  clickPrecision,
  CoordError,
  parseCoordinates,
  placePrecisionOf,
  toDms,
  toMgrs,
  zoomFor,
} from '../coords.js';
import { fill, h, newId } from '../dom.js';
import {
  dateTimeInput,
  field,
  fieldset,
  formAlert,
  input,
  onSubmit,
  select,
  showProblem,
  validateWith,
} from '../forms.js';
import { L, createMap } from '../incidents/basemap.js';
import {
  facts,
  fromInput,
  getGroups,
  getMissions,
  getTaxonomy,
  incidentHref,
  setFlash,
  TLPS,
  toInput,
  typeOptions,
  word,
} from '../incidents/common.js';
import { t } from '../i18n.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

// The casualty counts: the API's keys. Their labels and problems are looked up when the form is
// drawn (the language is chosen after this module loads).
const COUNTS = ['killed', 'injured', 'missing', 'abducted'];
const countLabel = (k) =>
  ({
    killed: t('incident_form.killed'),
    injured: t('incident_form.injured'),
    missing: t('incident_form.missing'),
    abducted: t('incident_form.abducted'),
  })[k];
const countProblem = (k) =>
  ({
    killed: t('incident_form.problem_killed'),
    injured: t('incident_form.problem_injured'),
    missing: t('incident_form.problem_missing'),
    abducted: t('incident_form.problem_abducted'),
  })[k];
const TEXTS = ['place_name', 'admin1', 'admin2', 'perpetrator', 'narrative'];
const EARLIEST = Date.UTC(1948, 0, 1);
// The zoom a stored point opens at, by its place precision.
const ZOOM_OF = { exact: 13, near: 11, admin2: 9, admin1: 7, country: 5 };

// Where a mission's HQ is, from the server's map layer of mission sites
// (GET /api/v1/basemap/missions.geojson), or null when it does not say. Asked once per page.
let sites = null;
function missionHq(code) {
  if (!sites) sites = api('GET', '/api/v1/basemap/missions.geojson').catch(() => null);
  return sites.then((geo) => {
    const want = String(code).toUpperCase();
    const mine = ((geo && geo.features) || []).filter((f) => {
      const p = f.properties || {};
      const name = p.mission || p.acronym || p.code || '';
      return String(name).toUpperCase() === want && f.geometry && f.geometry.type === 'Point';
    });
    const hq =
      mine.find((f) => /hq|head/i.test(String(f.properties.kind || f.properties.type || ''))) ||
      mine[0];
    return hq ? [hq.geometry.coordinates[1], hq.geometry.coordinates[0]] : null;
  });
}

export function renderIncidentForm(view, params) {
  const id = params && params[0];
  const box = h('div', null, loading(t('incident_form.loading_form')));
  view.append(
    pageHeader(
      id ? t('incident_form.title_edit') : t('incident_form.title_new'),
      t('incident_form.intro'),
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
  const choose = t('incident_form.choose');
  const mine = session.missions || [];
  const missionList = (mine.length ? mine : missions).slice().sort();
  if (x.mission && missionList.indexOf(x.mission) < 0) missionList.push(x.mission);

  const c = {};
  c.mission = select(
    'mission',
    opts(
      missionList.map((m) => [m, m]),
      choose,
    ),
    x.mission || (missionList.length === 1 ? missionList[0] : ''),
  );
  c.occurred_at = dateTimeInput('occurred_at', { value: toInput(x.occurred_at) });
  c.occurred_precision = select(
    'occurred_precision',
    tax.timePrecisions.length ? tax.timePrecisions : [['exact', word('exact')]],
    x.occurred_precision || 'exact',
  );
  // Coordinates are typed and read left to right in every language.
  c.latitude = input('latitude', {
    dir: 'ltr',
    inputmode: 'decimal',
    autocomplete: 'off',
    class: 'short',
    value: x.latitude != null ? String(x.latitude) : '',
  });
  c.longitude = input('longitude', {
    dir: 'ltr',
    inputmode: 'decimal',
    autocomplete: 'off',
    class: 'short',
    value: x.longitude != null ? String(x.longitude) : '',
  });
  // Any notation; not sent: it fills latitude and longitude.
  c.position = input('position', {
    dir: 'ltr',
    autocomplete: 'off',
    spellcheck: 'false',
    enterkeyhint: 'go',
  });
  c.location_precision = select(
    'location_precision',
    tax.placePrecisions.length ? tax.placePrecisions : [['exact', word('exact')]],
    x.location_precision || 'exact',
  );
  c.place_name = input('place_name', { maxlength: 200, value: x.place_name || '' });
  c.admin1 = input('admin1', { maxlength: 200, value: x.admin1 || '' });
  c.admin2 = input('admin2', { maxlength: 200, value: x.admin2 || '' });
  c.threat_type = h('select', { name: 'threat_type' }, typeOptions(tax, choose, true));
  c.threat_type.value = x.threat_type || '';
  c.target = select('target', opts(tax.targets, choose), x.target || '');
  c.activity = select('activity', opts(tax.activities, choose), x.activity || '');
  c.perpetrator = input('perpetrator', { maxlength: 500, value: x.perpetrator || '' });
  for (const k of COUNTS)
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
    TLPS.map((m) => [m, `TLP:${m}`]),
    tlpNow,
  );
  c.sharing_group = select(
    'sharing_group',
    opts(
      groups.map((g) => [String(g.id), g.name]),
      choose,
    ),
    x.sharing_group != null ? String(x.sharing_group) : '',
  );
  // Usernames: Latin letters, read left to right in every language.
  c.recipients = input('recipients', { autocomplete: 'off', spellcheck: 'false', dir: 'ltr' });

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
    const ty = tax.types.find((y) => y.code === c.threat_type.value);
    typeHint.textContent =
      ty && ty.description ? ty.description : t('incident_form.threat_type_hint');
  };
  c.threat_type.addEventListener('change', describe);
  describe();

  const marking = markingFields(c);

  // The location picker.
  const mapEl = h('div', {
    class: 'picker-map',
    role: 'region',
    'aria-label': t('incident_form.picker_label'),
  });
  const pickNote = h('p', { class: 'hint', id: newId('pick') }, t('incident_form.picker_hint'));
  const readout = h('div', { class: 'pick-readout', 'aria-live': 'polite' });
  const showBtn = h('button', { type: 'button' }, t('incident_form.show_on_map'));
  const locateBtn = h('button', { type: 'button' }, t('incident_form.use_location'));
  // The device's position needs the API and a secure page (https, or this machine).
  locateBtn.hidden = !(navigator.geolocation && window.isSecureContext);

  const problem = h('div', null);
  const submitIntent = { submit: false };
  const saveBtn = h(
    'button',
    { type: 'submit', onclick: () => (submitIntent.submit = false) },
    existing ? t('incident_form.save_changes') : t('incident_form.save_draft'),
  );
  const submitBtn = h(
    'button',
    { type: 'submit', class: 'primary', onclick: () => (submitIntent.submit = true) },
    t('incident_form.submit'),
  );

  const form = h(
    'form',
    { novalidate: true, class: 'report-form', 'aria-label': t('incident_form.form_label') },
    formAlert(),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'f-when' },
      h('h2', { id: 'f-when' }, t('incident_form.when_where')),
      h(
        'div',
        { class: 'grid' },
        field(t('incident_form.mission'), c.mission),
        field(t('incident_form.occurred_at'), c.occurred_at, t('incident_form.occurred_at_hint')),
        field(t('incident_form.time_precision'), c.occurred_precision),
      ),
      h(
        'div',
        { class: 'picker-layout' },
        h('div', { class: 'picker-box' }, mapEl, pickNote, readout),
        h(
          'div',
          null,
          field(t('incident_form.position'), c.position, t('incident_form.position_hint')),
          h('div', { class: 'actions' }, showBtn, locateBtn),
          field(t('incident_form.latitude'), c.latitude, t('incident_form.latitude_hint')),
          field(t('incident_form.longitude'), c.longitude, t('incident_form.longitude_hint')),
          field(t('incident_form.place_precision'), c.location_precision),
        ),
      ),
      h(
        'div',
        { class: 'grid' },
        field(t('incident_form.place_name'), c.place_name, t('incident_form.place_name_hint')),
        field(t('incident_form.admin2'), c.admin2),
        field(t('incident_form.admin1'), c.admin1),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'f-what' },
      h('h2', { id: 'f-what' }, t('incident_form.what_happened')),
      h(
        'div',
        { class: 'grid' },
        field(t('incident_form.threat_type'), c.threat_type, typeHint),
        field(t('incident_form.target'), c.target, t('incident_form.target_hint')),
        field(t('incident_form.activity'), c.activity, t('incident_form.activity_hint')),
      ),
      field(t('incident_form.perpetrator'), c.perpetrator, t('incident_form.perpetrator_hint')),
      tax.groups.length
        ? fieldset(
            t('incident_form.known_groups'),
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
        t('incident_form.casualties'),
        'counts',
        h(
          'div',
          { class: 'counts-grid' },
          COUNTS.map((k) => field(countLabel(k), c[k])),
        ),
        t('incident_form.casualties_hint'),
      ),
      field(t('incident_form.narrative'), c.narrative, t('incident_form.narrative_hint')),
      field(t('incident_form.sources'), c.sources, t('incident_form.sources_hint')),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'f-share' },
      h('h2', { id: 'f-share' }, t('incident_form.who_may_see')),
      h('div', { class: 'grid' }, marking.tlp, marking.group, marking.recipients),
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
        t('common.cancel'),
      ),
    ),
  );
  box.append(form);

  // The picker map: on the report's place, else on the HQ of the reporter's mission (once the
  // server has told where it is), else on the world.
  const has = x.latitude != null && x.longitude != null;
  const map = createMap(mapEl, {
    center: has ? [x.latitude, x.longitude] : [15, 15],
    zoom: has ? ZOOM_OF[x.location_precision] || 9 : 2,
  });
  // Leaflet measures its box once; a box that changes size afterwards (the style sheet arriving,
  // the layout reflowing at another width) would put every click off by the difference, so it
  // measures again whenever the box changes.
  const resized = new ResizeObserver(() => map.invalidateSize({ pan: false }));
  resized.observe(mapEl);
  // The zoom, for the style sheet and for tests that click at a known scale.
  const zoomed = () => (mapEl.dataset.zoom = String(map.getZoom()));
  map.on('zoomend', zoomed);
  zoomed();
  let marker = null;
  let chosen = false;
  const place = (lat, lon) => {
    if (marker) marker.setLatLng([lat, lon]);
    else {
      marker = L.marker([lat, lon], {
        draggable: true,
        keyboard: false,
        icon: L.divIcon({ className: 'pick-marker', iconSize: L.point(20, 20) }),
        title: t('incident_form.marker_title'),
      }).addTo(map);
      marker.on('dragend', () => {
        const p = marker.getLatLng().wrap();
        setPoint(p.lat, p.lng, clickPrecision(map.getZoom(), p.lat));
      });
    }
  };
  const round = (v) => Math.round(v * 1e5) / 1e5;
  // The readout keeps its rows before a point is chosen ("—"): a readout growing under the
  // pointer would move the buttons below it between a press and its release.
  const showReadout = (lat, lon) => {
    const none = lat == null;
    let mgrs = '—';
    try {
      if (!none) mgrs = toMgrs(lat, lon);
    } catch (e) {
      // Beyond 80° S and 84° N there is no MGRS (UPS is used there).
    }
    const ltr = (text) => h('span', { dir: 'ltr' }, text);
    fill(
      readout,
      h(
        'p',
        { class: 'hint' },
        none ? t('incident_form.readout_none') : t('incident_form.readout_label'),
      ),
      facts([
        [
          t('incident_form.readout_decimal'),
          ltr(none ? '—' : `${lat.toFixed(5)}, ${lon.toFixed(5)}`),
        ],
        [t('incident_form.readout_dms'), ltr(none ? '—' : toDms(lat, lon))],
        [t('incident_form.readout_mgrs'), ltr(mgrs)],
      ]),
    );
  };
  // The point is set: the fields (unless they are where it was typed), the marker, the readout,
  // and the place precision from how precisely it is known (metres). `moveView` takes the map
  // there.
  const setPoint = (lat, lon, metres, moveView, typedInFields) => {
    chosen = true;
    if (!typedInFields) {
      c.latitude.value = String(round(lat));
      c.longitude.value = String(round(lon));
    }
    place(lat, lon);
    showReadout(lat, lon);
    const code = placePrecisionOf(metres);
    if ([...c.location_precision.options].some((o) => o.value === code))
      c.location_precision.value = code;
    if (moveView)
      map.setView([lat, lon], zoomFor(metres, lat, 4, Math.min(map.getMaxZoom(), 14)), {
        animate: false,
      });
    for (const el of [c.latitude, c.longitude, c.location_precision])
      el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  map.on('click', (ev) => {
    const p = ev.latlng.wrap();
    c.position.value = '';
    setPoint(p.lat, p.lng, clickPrecision(map.getZoom(), p.lat));
  });

  // Coordinates typed in any notation: the marker and the map go there, or the field says what
  // is wrong with them.
  const coordProblem = (e) => {
    const params = Object.assign({}, e.params);
    if (params.part)
      params.part =
        params.part === 'latitude' ? t('coords.part_latitude') : t('coords.part_longitude');
    return t(`coords.${e.code}`, params);
  };
  // Leaving the field with coordinates that do not parse says nothing yet (a message appearing
  // then would move the button being clicked); Enter, the button and the form's check say it.
  const goTo = (quiet) => {
    const text = c.position.value.trim();
    if (!text) return;
    try {
      const p = parseCoordinates(text);
      setPoint(p.lat, p.lon, p.precision, true);
    } catch (e) {
      if (!(e instanceof CoordError)) throw e;
      if (!quiet) showProblem(form, { field: 'position', detail: coordProblem(e) });
    }
  };
  showBtn.addEventListener('click', () => goTo(false));
  c.position.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    // Enter here shows the point; it does not send the form.
    ev.preventDefault();
    goTo(false);
  });
  c.position.addEventListener('change', () => goTo(true));

  // Latitude and longitude typed in their own fields: the map follows once both are numbers,
  // at the zoom their decimals are worth.
  let typing = null;
  const typed = () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      const la = c.latitude.value.trim().replace(',', '.');
      const lo = c.longitude.value.trim().replace(',', '.');
      if (!/^-?\d+(\.\d+)?$/.test(la) || !/^-?\d+(\.\d+)?$/.test(lo)) return;
      const lat = Number(la);
      const lon = Number(lo);
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return;
      const decimals = Math.min((la.split('.')[1] || '').length, (lo.split('.')[1] || '').length);
      c.position.value = '';
      setPoint(lat, lon, 111320 * 10 ** -decimals, true, true);
    }, 300);
  };
  c.latitude.addEventListener('input', typed);
  c.longitude.addEventListener('input', typed);

  // The device's own position (a phone's GPS), with its accuracy as the precision.
  locateBtn.addEventListener('click', () => {
    locateBtn.disabled = true;
    locateBtn.textContent = t('incident_form.locating');
    const done = () => {
      locateBtn.disabled = false;
      locateBtn.textContent = t('incident_form.use_location');
    };
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        done();
        if (!view.isConnected) return;
        c.position.value = '';
        setPoint(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy || 1000, true);
      },
      (err) => {
        done();
        if (!view.isConnected) return;
        const text =
          err.code === 1
            ? t('incident_form.geo_denied')
            : err.code === 3
              ? t('incident_form.geo_timeout')
              : t('incident_form.geo_unavailable');
        showProblem(form, { field: 'position', detail: text });
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  });

  // The mission's HQ, where the server knows it: the map opens there until a point is chosen.
  const toMission = (code) => {
    if (chosen || !code) return;
    missionHq(code).then((hq) => {
      if (hq && !chosen && view.isConnected) map.setView(hq, 7, { animate: false });
    });
  };
  c.mission.addEventListener('change', () => toMission(c.mission.value));
  if (has) {
    place(x.latitude, x.longitude);
    showReadout(x.latitude, x.longitude);
    chosen = true;
  } else {
    showReadout(null, null);
    toMission(c.mission.value);
  }
  view.bhLeave = () => {
    resized.disconnect();
    map.remove();
  };

  // Every problem the form can see by itself, named by field: [field, text]. The texts are
  // phrases like the server's details; showProblem() makes each a sentence.
  function check() {
    const out = [];
    if (c.position.value.trim()) {
      try {
        parseCoordinates(c.position.value);
      } catch (e) {
        if (!(e instanceof CoordError)) throw e;
        out.push(['position', coordProblem(e)]);
      }
    }
    if (!c.mission.value) out.push(['mission', t('incident_form.problem_mission')]);
    const when = c.occurred_at.value;
    const at = when ? Date.parse(fromInput(when)) : NaN;
    if (!when) out.push(['occurred_at', t('incident_form.problem_time_missing')]);
    else if (Number.isNaN(at)) out.push(['occurred_at', t('incident_form.problem_time_invalid')]);
    else if (at > Date.now() + 60000)
      out.push(['occurred_at', t('incident_form.problem_time_future')]);
    else if (at < EARLIEST) out.push(['occurred_at', t('incident_form.problem_time_early')]);
    const coord = (k, max, missing, range) => {
      const v = c[k].value.trim().replace(',', '.');
      if (!v) out.push([k, missing]);
      else if (!/^-?\d+(\.\d+)?$/.test(v) || Math.abs(Number(v)) > max) out.push([k, range]);
    };
    coord(
      'latitude',
      90,
      t('incident_form.problem_latitude_missing'),
      t('incident_form.problem_latitude_range'),
    );
    coord(
      'longitude',
      180,
      t('incident_form.problem_longitude_missing'),
      t('incident_form.problem_longitude_range'),
    );
    if (!c.threat_type.value) out.push(['threat_type', t('incident_form.problem_threat_type')]);
    if (!c.target.value) out.push(['target', t('incident_form.problem_target')]);
    if (!c.activity.value) out.push(['activity', t('incident_form.problem_activity')]);
    for (const k of COUNTS) {
      const v = c[k].value.trim();
      if (v !== '' && !/^\d+$/.test(v)) out.push([k, countProblem(k)]);
    }
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', t('incident_form.problem_amber_group')]);
    if (c.tlp.value === 'RED' && !recipients().length)
      out.push(['recipients', t('incident_form.problem_red_recipients')]);
    return out;
  }

  // Usernames apart by spaces or any language's comma or semicolon: an Arabic keyboard types
  // «،» and «؛», a Chinese one «，», «、» and «；».
  function recipients() {
    return c.recipients.value
      .split(/[\s,;،؛，、；]+/)
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
    for (const k of COUNTS) b[k] = Number(c[k].value.trim() || 0);
    if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
    if (c.tlp.value === 'RED') b.recipients = recipients();
    return b;
  }

  // Every problem at its field before anything is sent (onSubmit runs check() first); the first
  // takes the focus.
  validateWith(form, check);
  onSubmit(form, async (key) => {
    fill(problem);
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
      submit
        ? t('incident_form.flash_submitted')
        : existing
          ? t('incident_form.flash_changes_saved')
          : t('incident_form.flash_draft_saved'),
    );
    location.hash = incidentHref(savedId);
  });
}
