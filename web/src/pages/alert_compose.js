// The alert composer (#/alerts/new, for alert.send): one CAP info block in the reader's
// language, targets by organization, mission and sharing group, the TLP marking, and an area
// drawn on the map. The drawing tool is our own and small: a click adds a vertex, "Close area"
// finishes the polygon, "Clear" starts again. The vertices are also a text field (one
// "lat, lon" a line), which the map follows, so the area can be typed or corrected from the
// keyboard. The server's problems name fields like "info[0].urgency": they land at the field.
import { markingFields } from '../marking.js';
import { api, ApiError } from '../api.js';
import { fill, h, newId } from '../dom.js';
import {
  dateTimeInput,
  field,
  fieldset,
  formAlert,
  input,
  onSubmit,
  select,
  statusLine,
  validateWith,
} from '../forms.js';
import { L, createMap } from '../incidents/basemap.js';
import { fromInput, getGroups, getMissions, setFlash, TLPS } from '../incidents/common.js';
import { getOrgs, byKindThenName } from '../data.js';
import { language, t } from '../i18n.js';
import { errorNote, loading, pageHeader } from '../ui.js';
import { removeMap } from './alert_map.js';
import { alertHref, CAP, capWord } from './alerts.js';

// "12.5, -3.25" lines → [[lat, lon], ...]; throws the line's problem.
export function parseVertices(text) {
  const out = [];
  for (const line of String(text || '').split('\n')) {
    const s = line.trim();
    if (!s) continue;
    const m = /^(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)$/.exec(s);
    const lat = m && Number(m[1]);
    const lon = m && Number(m[2]);
    if (!m || Math.abs(lat) > 90 || Math.abs(lon) > 180)
      throw new Error(t('alert_compose.problem_vertex', { line: s }));
    out.push([lat, lon]);
  }
  return out;
}

const round = (v) => Math.round(v * 1e5) / 1e5;

export async function renderAlertCompose(view) {
  view.append(loading(t('alert_compose.loading')));
  let orgs, missions, groups;
  try {
    [orgs, missions, groups] = await Promise.all([
      getOrgs(),
      getMissions(),
      getGroups().catch(() => []),
    ]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('alert_compose.title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const choose = t('alert_compose.choose');
  const codes = (list, name, first) =>
    (first ? [['', first]] : []).concat(list.map((c) => [c, capWord(name, c)]));
  const c = {};
  c.status = select('status', codes(CAP.status, 'status'), 'Actual');
  c.event = input('event', { maxlength: 200, required: true });
  c.headline = input('headline', { maxlength: 160, required: true, dir: 'auto' });
  c.urgency = select('urgency', codes(CAP.urgency, 'urgency', choose), '');
  c.severity = select('severity', codes(CAP.severity, 'severity', choose), '');
  c.certainty = select('certainty', codes(CAP.certainty, 'certainty', choose), '');
  const boxes = (name, list, checked) =>
    list.map((code) => {
      const id = newId(name);
      return h(
        'div',
        { class: 'check' },
        h('input', { type: 'checkbox', name, value: code, id, checked: checked === code }),
        h('label', { for: id }, capWord(name, code)),
      );
    });
  const categoryBoxes = boxes('category', CAP.category, 'Security');
  const responseBoxes = boxes('response_type', CAP.response_type, '');
  c.description = h('textarea', { name: 'description', rows: 5, maxlength: 20000, dir: 'auto' });
  c.instruction = h('textarea', { name: 'instruction', rows: 3, maxlength: 20000, dir: 'auto' });
  c.effective = dateTimeInput('effective');
  c.onset = dateTimeInput('onset');
  c.expires = dateTimeInput('expires');
  c.area_desc = input('area_desc', { maxlength: 500, dir: 'auto' });
  c.polygon = h('textarea', {
    name: 'polygon',
    rows: 4,
    dir: 'ltr',
    spellcheck: 'false',
    class: 'vertices',
  });
  const multi = (name, pairs) =>
    h(
      'select',
      { name, multiple: true, size: Math.min(8, Math.max(3, pairs.length)) },
      pairs.map(([v, text]) => h('option', { value: v }, text)),
    );
  c.orgs = multi(
    'orgs',
    orgs
      .filter((o) => o.kind !== 'mission')
      .slice()
      .sort(byKindThenName)
      .map((o) => [o.code, `${o.name} (${o.code})`]),
  );
  c.missions = multi(
    'missions',
    missions.map((m) => [m, m]),
  );
  c.groups = multi(
    'groups',
    groups.map((g) => [String(g.id), g.name]),
  );
  c.tlp = select(
    'tlp',
    TLPS.map((m) => [m, `TLP:${m}`]),
    'GREEN',
  );
  c.sharing_group = select(
    'sharing_group',
    [['', choose]].concat(groups.map((g) => [String(g.id), g.name])),
    '',
  );
  c.recipients = input('recipients', { autocomplete: 'off', spellcheck: 'false', dir: 'ltr' });
  const marking = markingFields(c);

  // The map and its drawing tool.
  const mapEl = h('div', {
    class: 'picker-map draw-map',
    role: 'region',
    'aria-label': t('alert_compose.map_label'),
  });
  const drawNote = h('p', { class: 'hint draw-note', role: 'status' });
  const closeBtn = h('button', { type: 'button', class: 'small' }, t('alert_compose.close_area'));
  const clearBtn = h('button', { type: 'button', class: 'small' }, t('alert_compose.clear_area'));
  const status = statusLine();
  const form = h(
    'form',
    { class: 'alert-form', novalidate: true },
    formAlert(),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, t('alert_compose.what')),
      field(t('alert_compose.event'), c.event, t('alert_compose.event_hint')),
      field(t('alert_compose.headline'), c.headline),
      h(
        'div',
        { class: 'grid' },
        field(t('alerts.f_urgency'), c.urgency),
        field(t('alerts.f_severity'), c.severity),
        field(t('alerts.f_certainty'), c.certainty),
        field(t('alert_compose.status'), c.status),
      ),
      fieldset(t('alerts.f_category'), 'category', h('div', { class: 'checks' }, categoryBoxes)),
      fieldset(
        t('alerts.f_response'),
        'response_type',
        h('div', { class: 'checks' }, responseBoxes),
      ),
      field(t('alerts.f_description'), c.description),
      field(t('alerts.f_instruction'), c.instruction),
      h(
        'div',
        { class: 'grid' },
        field(t('alert_compose.effective'), c.effective),
        field(t('alert_compose.onset'), c.onset),
        field(t('alert_compose.expires'), c.expires),
      ),
    ),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, t('alert_compose.area')),
      field(t('alert_compose.area_desc'), c.area_desc),
      h('p', { class: 'hint' }, t('alert_compose.draw_hint')),
      mapEl,
      h('p', { class: 'actions' }, closeBtn, clearBtn),
      drawNote,
      field(t('alert_compose.vertices'), c.polygon, t('alert_compose.vertices_hint')),
    ),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, t('alert_compose.targets')),
      h('p', { class: 'hint' }, t('alert_compose.targets_hint')),
      h(
        'div',
        { class: 'grid' },
        field(t('alert_compose.orgs'), c.orgs, t('alert_compose.multi_hint')),
        field(t('alert_compose.missions'), c.missions),
        field(t('alert_compose.groups'), c.groups),
      ),
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
      h('button', { type: 'submit', class: 'primary' }, t('alert_compose.send')),
      h('a', { href: '#/alerts', class: 'button' }, t('alert_compose.cancel')),
    ),
    status,
  );
  fill(view, pageHeader(t('alert_compose.title'), t('alert_compose.intro')), form);

  const map = createMap(mapEl, { center: [10, 15], zoom: 2 });
  const resized = new ResizeObserver(() => map.invalidateSize({ pan: false }));
  resized.observe(mapEl);
  const zoomed = () => (mapEl.dataset.zoom = String(map.getZoom()));
  map.on('zoomend', zoomed);
  zoomed();
  const drawn = L.layerGroup().addTo(map);
  let closed = false;
  // The points as the text field has them; the map redrawn from them.
  const points = () => {
    try {
      return parseVertices(c.polygon.value);
    } catch (e) {
      return null;
    }
  };
  const redraw = () => {
    drawn.clearLayers();
    const p = points();
    if (!p) {
      drawNote.textContent = '';
      return;
    }
    for (const ll of p)
      L.circleMarker(ll, { radius: 5, className: 'vertex', interactive: false }).addTo(drawn);
    if (p.length > 1)
      (closed
        ? L.polygon(p, { className: 'alert-area' })
        : L.polyline(p, { className: 'alert-edge' })
      ).addTo(drawn);
    mapEl.dataset.vertices = String(p.length);
    mapEl.dataset.closed = closed ? '1' : '0';
    drawNote.textContent = closed
      ? t('alert_compose.area_closed', { n: p.length })
      : t('alert_compose.area_points', { n: p.length });
  };
  map.on('click', (e) => {
    if (closed) return;
    const ll = e.latlng.wrap();
    const line = `${round(ll.lat)}, ${round(ll.lng)}`;
    c.polygon.value = c.polygon.value.trim() ? `${c.polygon.value.trim()}\n${line}` : line;
    c.polygon.dispatchEvent(new Event('input', { bubbles: true }));
  });
  c.polygon.addEventListener('input', () => {
    closed = false;
    redraw();
  });
  closeBtn.addEventListener('click', () => {
    const p = points();
    if (!p || p.length < 3) {
      drawNote.textContent = t('alert_compose.problem_three');
      return;
    }
    closed = true;
    redraw();
  });
  clearBtn.addEventListener('click', () => {
    c.polygon.value = '';
    closed = false;
    redraw();
  });
  redraw();
  view.bhLeave = () => {
    resized.disconnect();
    removeMap(map);
  };

  const selected = (sel) => [...sel.selectedOptions].map((o) => o.value);
  const checked = (list) =>
    list
      .map((b) => b.querySelector('input'))
      .filter((x) => x.checked)
      .map((x) => x.value);
  const recipients = () =>
    c.recipients.value
      .split(/[\s,;،؛，、；]+/)
      .map((s) => s.trim())
      .filter(Boolean);

  function check() {
    const out = [];
    if (!c.event.value.trim()) out.push(['event', t('alert_compose.problem_event')]);
    if (!c.headline.value.trim()) out.push(['headline', t('alert_compose.problem_headline')]);
    for (const k of ['urgency', 'severity', 'certainty'])
      if (!c[k].value) out.push([k, t('alert_compose.problem_choose')]);
    if (!checked(categoryBoxes).length) out.push(['category', t('alert_compose.problem_category')]);
    let p = [];
    try {
      p = parseVertices(c.polygon.value);
    } catch (e) {
      out.push(['polygon', e.message]);
    }
    if (p.length && p.length < 3) out.push(['polygon', t('alert_compose.problem_three')]);
    const eff = c.effective.value.trim();
    const exp = c.expires.value.trim();
    if (eff && exp && fromInput(exp) <= fromInput(eff))
      out.push(['expires', t('alert_compose.problem_expires')]);
    if (!selected(c.orgs).length && !selected(c.missions).length && !selected(c.groups).length)
      out.push(['orgs', t('alert_compose.problem_targets')]);
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', t('incident_form.problem_amber_group')]);
    if (c.tlp.value === 'RED' && !recipients().length)
      out.push(['recipients', t('incident_form.problem_red_recipients')]);
    return out;
  }

  function bodyOf() {
    const info = {
      language: language(),
      category: checked(categoryBoxes),
      event: c.event.value.trim(),
      urgency: c.urgency.value,
      severity: c.severity.value,
      certainty: c.certainty.value,
      response_type: checked(responseBoxes),
      headline: c.headline.value.trim(),
    };
    for (const k of ['description', 'instruction'])
      if (c[k].value.trim()) info[k] = c[k].value.trim();
    for (const k of ['effective', 'onset', 'expires'])
      if (c[k].value.trim()) info[k] = fromInput(c[k].value);
    const p = parseVertices(c.polygon.value);
    if (p.length) {
      const ring = p.slice();
      const [a, z] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== z[0] || a[1] !== z[1]) ring.push(a);
      info.areas = [{ area_desc: c.area_desc.value.trim() || c.event.value.trim(), polygon: ring }];
    }
    const b = {
      status: c.status.value,
      msg_type: 'Alert',
      tlp: c.tlp.value,
      targets: {
        orgs: selected(c.orgs),
        missions: selected(c.missions),
        groups: selected(c.groups).map(Number),
      },
      info: [info],
    };
    if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
    if (c.tlp.value === 'RED') b.recipients = recipients();
    return b;
  }

  // "info[0].areas[0].polygon" → "polygon", "targets.orgs" → "orgs": the field on this page.
  const FIELD_OF = {
    area_desc: 'area_desc',
    polygon: 'polygon',
    circle: 'polygon',
    areas: 'polygon',
  };
  function localField(name) {
    const parts = String(name || '')
      .split(/[.[\]]+/)
      .filter((x) => x && !/^\d+$/.test(x));
    if (!parts.length) return '';
    const last = parts[parts.length - 1];
    if (parts[0] === 'targets') return c[parts[1]] ? parts[1] : 'orgs';
    if (parts[0] === 'info')
      return (
        FIELD_OF[last] || (c[last] || last === 'category' || last === 'response_type' ? last : '')
      );
    return c[last] ? last : '';
  }

  validateWith(form, check);
  onSubmit(
    form,
    async (key) => {
      let saved;
      try {
        saved = await api('POST', '/api/v1/alerts', bodyOf(), { idempotencyKey: key });
      } catch (e) {
        if (e instanceof ApiError && e.field) e.field = localField(e.field);
        throw e;
      }
      setFlash(t('alert_compose.sent'));
      location.hash = alertHref(saved.id);
    },
    status,
  );
}
