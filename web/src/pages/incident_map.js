// #/incidents: the threat picture. Incidents and context events (UCDP, ACLED) on a map as two
// layers that can be switched off, clustered where dense, under one set of filters (mission,
// threat type, status, dates, words in the narrative) kept in the address with the view
// (#/incidents?type=ied&at=5/14.5/-1.2), so a picture can be bookmarked and shared. Each pan or
// zoom asks for what lies in the view (`bbox`), at most 500 a request and a few requests a
// layer; the count says when there is more than is drawn. Below the map, the incidents in the
// view as a table: the same picture for screen readers and for reading.
import { api } from '../api.js';
import { fill, h, newId } from '../dom.js';
import { L, bboxOf, clusterGroup, createMap } from '../incidents/basemap.js';
import {
  casualtyText,
  debounce,
  fmt,
  getMissions,
  getTaxonomy,
  incidentHref,
  placeText,
  query,
  STATUSES,
  statusBadge,
  typeOptions,
  utc,
} from '../incidents/common.js';
import { can } from '../state.js';
import { errorNote, pageHeader, table } from '../ui.js';

const PAGE = 500; // the most a list request asks for
// A layer's requests per view: 1,000 markers at most. A list item is about 1 KB of JSON, so a
// view costs at most about 1 MB a layer on a slow link; the count says when there is more.
const MAX_PAGES = 2;
const ROWS = 25; // table rows before "Show more"
const FILTERS = ['mission', 'type', 'status', 'from', 'to', 'q'];

function readState() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const s = { inc: q.get('inc') !== '0', ev: q.get('ev') !== '0', at: q.get('at') || '' };
  for (const k of FILTERS) s[k] = q.get(k) || '';
  return s;
}

function writeState(s) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (s[k]) q.set(k, s[k]);
  if (!s.inc) q.set('inc', '0');
  if (!s.ev) q.set('ev', '0');
  if (s.at) q.set('at', s.at);
  const t = q.toString();
  history.replaceState(null, '', `#/incidents${t ? `?${t}` : ''}`);
}

export function renderIncidentMap(view) {
  const s = readState();
  let tax = null;
  let gen = 0;
  let incidents = [];
  let shown = ROWS;

  const ctl = (labelText, el) => {
    el.id = newId('f');
    return h('div', { class: 'filter' }, h('label', { for: el.id }, labelText), el);
  };
  const opt = (v, t) => h('option', { value: v }, t);
  const mission = h('select', { name: 'mission' }, opt('', 'All missions'));
  const type = h('select', { name: 'type' }, opt('', 'All threat types'));
  const status = h(
    'select',
    { name: 'status' },
    opt('', 'Any status'),
    Object.keys(STATUSES).map((k) => opt(k, STATUSES[k])),
  );
  const from = h('input', { type: 'date', name: 'from', min: '1948-01-01' });
  const to = h('input', { type: 'date', name: 'to', min: '1948-01-01' });
  const words = h('input', {
    type: 'search',
    name: 'q',
    placeholder: 'Words in the narrative',
    autocomplete: 'off',
  });
  const showInc = h('input', { type: 'checkbox', id: newId('l'), checked: s.inc });
  const showEv = h('input', { type: 'checkbox', id: newId('l'), checked: s.ev });
  const reset = h('button', { type: 'button', class: 'ghost' }, 'Reset');
  const controls = { mission, type, status, from, to, q: words };
  for (const k of FILTERS) controls[k].value = s[k];

  const count = h('p', { class: 'map-count', role: 'status', 'aria-live': 'polite' });
  const problem = h('div', null);
  const baseNote = h('div', null);
  const mapEl = h('div', { class: 'incident-map', role: 'region', 'aria-label': 'Map' });
  const listBox = h('div', null);
  const listCount = h('p', { class: 'count' });
  const filterForm = h(
    'form',
    { class: 'filters map-filters', role: 'search', 'aria-label': 'Filters' },
    ctl('Mission', mission),
    ctl('Threat type', type),
    ctl('Status', status),
    ctl('From', from),
    ctl('To', to),
    ctl('Search', words),
    h(
      'fieldset',
      { class: 'layers' },
      h('legend', null, 'Layers'),
      h(
        'label',
        { class: 'check', for: showInc.id },
        showInc,
        h('span', { class: 'key key-incident', 'aria-hidden': 'true' }),
        'Incidents',
      ),
      h(
        'label',
        { class: 'check', for: showEv.id },
        showEv,
        h('span', { class: 'key key-event', 'aria-hidden': 'true' }),
        'Context events',
      ),
    ),
    reset,
  );
  const mapSection = h('section', { class: 'map-section' }, count, problem, baseNote, mapEl);

  view.append(
    pageHeader(
      'Incident map',
      'Incidents against peacekeepers and, as a separate layer, conflict events around the missions (UCDP, ACLED). Only what you may see is shown.',
    ),
    h(
      'div',
      { class: 'page-actions' },
      can('record.write')
        ? h('a', { class: 'button primary', href: '#/incidents/new' }, 'Report an incident')
        : null,
      can('record.endorse')
        ? h('a', { class: 'button', href: '#/queue' }, 'Endorsement queue')
        : null,
    ),
    filterForm,
    mapSection,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'inc-list' },
      h('h2', { id: 'inc-list' }, 'Incidents in this view'),
      listCount,
      listBox,
    ),
  );

  // The view from the address (zoom/lat/lon), else Africa and the Middle East, where most
  // missions are.
  const at = /^(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(s.at);
  const map = createMap(
    mapEl,
    {
      center: at ? [Number(at[2]), Number(at[3])] : [12, 20],
      zoom: at ? Number(at[1]) : 3,
    },
    (text) => fill(baseNote, h('p', { class: 'alert alert-info' }, text)),
  );
  const incLayer = clusterGroup('incident');
  const evLayer = clusterGroup('event');
  if (s.inc) incLayer.addTo(map);
  if (s.ev) evLayer.addTo(map);

  // Leaflet measures its box when created, before the page's layout settles; window resizes it
  // follows by itself.
  requestAnimationFrame(() => map.invalidateSize());
  view.bhLeave = () => map.remove();

  Promise.all([getMissions(), getTaxonomy()]).then(
    ([known, t]) => {
      tax = t;
      const missions = known.slice();
      if (s.mission && missions.indexOf(s.mission) < 0) missions.push(s.mission);
      fill(
        mission,
        opt('', 'All missions'),
        missions.map((m) => opt(m, m)),
      );
      fill(type, typeOptions(t, 'All threat types', false));
      mission.value = s.mission;
      type.value = s.type;
      if (incidents.length) draw();
    },
    (err) => fill(problem, errorNote(err)),
  );

  const typeLabel = (code) => (tax ? tax.typeLabel(code) : code);

  function incidentPopup(i) {
    return h(
      'div',
      { class: 'popup' },
      h(
        'p',
        { class: 'popup-title' },
        h('a', { href: incidentHref(i.id) }, typeLabel(i.threat_type)),
      ),
      h('p', null, utc(i.occurred_at, i.occurred_precision)),
      h('p', null, `${i.mission} · ${placeText(i)}`),
      h('p', null, statusBadge(i.status), ' ', casualtyText(i)),
    );
  }

  function eventPopup(e) {
    const deaths =
      e.fatalities_low !== null && e.fatalities_low !== undefined && e.fatalities_high
        ? `${fmt(e.fatalities)} (${fmt(e.fatalities_low)}–${fmt(e.fatalities_high)})`
        : fmt(e.fatalities);
    const notes = e.notes && e.notes.length > 280 ? `${e.notes.slice(0, 280)}…` : e.notes;
    return h(
      'div',
      { class: 'popup' },
      h('p', { class: 'popup-title' }, typeLabel(e.threat_type) || e.source_type || 'Event'),
      h(
        'p',
        null,
        e.date_end && e.date_end.slice(0, 10) !== String(e.occurred_at).slice(0, 10)
          ? `${utc(e.occurred_at, 'day')} to ${utc(e.date_end, 'day')}`
          : utc(e.occurred_at, 'day'),
      ),
      h('p', null, [e.place_name, e.admin1, e.country].filter(Boolean).join(', ')),
      e.actor1 || e.actor2 ? h('p', null, [e.actor1, e.actor2].filter(Boolean).join(' – ')) : null,
      h('p', null, `Fatalities: ${deaths}`),
      notes ? h('p', { class: 'popup-notes' }, notes) : null,
      h('p', { class: 'muted' }, `Context event, ${e.id}`),
    );
  }

  // The layer's markers become `items`: markers already drawn for the same record (and
  // state) stay, so a pan keeps an open popup and does not redraw the whole map.
  const drawn = { incident: new Map(), event: new Map() };
  function markers(layer, items, kind) {
    const have = drawn[kind];
    const keep = new Map();
    const add = [];
    for (const x of items) {
      if (typeof x.latitude !== 'number' || typeof x.longitude !== 'number') continue;
      const key = `${x.id}|${x.status || ''}|${x.latitude}|${x.longitude}`;
      let m = have.get(key);
      if (!m) {
        m = L.circleMarker([x.latitude, x.longitude], {
          radius: kind === 'incident' ? 7 : 5,
          className: kind === 'incident' ? `mk mk-incident mk-${x.status}` : 'mk mk-event',
        });
        // The popup is built when opened, from the newest copy of the record.
        m.bindPopup(() => (kind === 'incident' ? incidentPopup(m.bhItem) : eventPopup(m.bhItem)));
        add.push(m);
      }
      m.bhItem = x;
      keep.set(key, m);
    }
    const gone = [];
    for (const [key, m] of have) if (!keep.has(key)) gone.push(m);
    layer.removeLayers(gone);
    layer.addLayers(add);
    drawn[kind] = keep;
  }

  const state = { inc: null, ev: null };

  function countText(what, r, single) {
    if (!r) return null;
    const noun = r.total === 1 ? single : what;
    if (r.capped)
      return `the newest ${fmt(r.items.length)} of ${fmt(r.total)} ${noun} (zoom in or narrow the filters to see the rest)`;
    return `${fmt(r.total)} ${noun}`;
  }

  function draw() {
    const parts = [
      s.inc ? countText('incidents', state.inc, 'incident') : null,
      s.ev ? countText('context events', state.ev, 'context event') : null,
    ].filter(Boolean);
    count.textContent = parts.length ? `In this view: ${parts.join(' and ')}.` : '';
    drawList();
  }

  function drawList() {
    if (!s.inc) {
      fill(listBox, h('p', { class: 'empty' }, 'The incident layer is switched off.'));
      listCount.textContent = '';
      return;
    }
    const rows = incidents
      .slice()
      .sort((a, b) => String(b.occurred_at).localeCompare(String(a.occurred_at)));
    listCount.textContent = rows.length
      ? `${fmt(Math.min(shown, rows.length))} of ${fmt(rows.length)} shown, newest first.`
      : '';
    fill(
      listBox,
      table(
        'Incidents in this view',
        ['When', 'Threat type', 'Mission', 'Where', 'Casualties', 'Status'],
        rows
          .slice(0, shown)
          .map((i) => [
            h(
              'a',
              { href: incidentHref(i.id), class: 'nowrap' },
              utc(i.occurred_at, i.occurred_precision),
            ),
            typeLabel(i.threat_type),
            i.mission,
            placeText(i),
            casualtyText(i),
            statusBadge(i.status),
          ]),
        'No incident in this view under these filters.',
      ),
      rows.length > shown
        ? h(
            'button',
            {
              type: 'button',
              class: 'more',
              onclick: () => {
                shown += ROWS;
                drawList();
              },
            },
            'Show more',
          )
        : null,
    );
  }

  function params(withStatus) {
    return {
      bbox: bboxOf(map),
      mission: s.mission,
      type: s.type,
      status: withStatus ? s.status : '',
      from: s.from,
      to: s.to,
      q: s.q,
      limit: PAGE,
    };
  }

  // A layer's items in the view, following `next` up to MAX_PAGES requests; `onPage(r)` draws
  // what has come so far, so the first markers show after one reply.
  async function fetchLayer(path, p, mine, onPage) {
    let r = { items: [], total: 0, capped: false };
    let cursor = '';
    for (let n = 0; n < MAX_PAGES; n++) {
      const data = await api('GET', `${path}?${query(Object.assign({}, p, { cursor }))}`);
      if (mine !== gen) return null;
      const items = r.items.concat((data && data.items) || []);
      cursor = (data && data.next) || '';
      r = {
        items,
        total: data && data.total != null ? data.total : items.length,
        capped: !!cursor,
      };
      onPage(r);
      if (!cursor) break;
    }
    return r;
  }

  let lastKey = '';
  async function load() {
    // The same question as the last one (a resize that moved nothing) is not asked again.
    const key = JSON.stringify([s.inc && params(true), s.ev && params(false)]);
    if (key === lastKey) return;
    lastKey = key;
    const mine = ++gen;
    fill(problem);
    mapSection.setAttribute('aria-busy', 'true');
    mapSection.classList.add('busy');
    count.textContent = 'Loading…';
    const jobs = [];
    if (s.inc)
      jobs.push(
        fetchLayer('/api/v1/incidents', params(true), mine, (r) => {
          state.inc = r;
          incidents = r.items;
          markers(incLayer, r.items, 'incident');
          draw();
        }),
      );
    else state.inc = null;
    if (s.ev)
      jobs.push(
        fetchLayer('/api/v1/events', params(false), mine, (r) => {
          state.ev = r;
          markers(evLayer, r.items, 'event');
          draw();
        }),
      );
    else state.ev = null;
    try {
      await Promise.all(jobs);
      if (mine === gen) draw();
    } catch (err) {
      if (mine === gen) {
        lastKey = '';
        count.textContent = '';
        fill(problem, errorNote(err));
      }
    } finally {
      if (mine === gen) {
        mapSection.removeAttribute('aria-busy');
        mapSection.classList.remove('busy');
      }
    }
  }

  const reload = debounce(load, 400);
  function changed(now) {
    shown = ROWS;
    writeState(s);
    if (now) load();
    else reload();
  }

  for (const k of FILTERS) {
    const el = controls[k];
    el.addEventListener(k === 'q' ? 'input' : 'change', () => {
      s[k] = el.value.trim();
      changed(k !== 'q');
    });
  }
  const layerSwitch = (box, key, layer) =>
    box.addEventListener('change', () => {
      s[key] = box.checked;
      if (box.checked) layer.addTo(map);
      else {
        map.removeLayer(layer);
        layer.clearLayers();
        drawn[key === 'inc' ? 'incident' : 'event'] = new Map();
      }
      changed(true);
    });
  layerSwitch(showInc, 'inc', incLayer);
  layerSwitch(showEv, 'ev', evLayer);
  // Enter in the search box asks at once (instead of sending the form, which would leave the app).
  filterForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    s.q = words.value.trim();
    changed(true);
  });
  reset.addEventListener('click', () => {
    for (const k of FILTERS) controls[k].value = s[k] = '';
    changed(true);
  });
  map.on('moveend', () => {
    if (!view.isConnected) return;
    const c = map.getCenter();
    s.at = `${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
    changed(false);
  });

  load();
}
