// #/incidents: the threat picture. Incidents and context events (UCDP, ACLED) on a map as two
// layers that can be switched off, clustered where dense, under one set of filters (mission,
// threat type, status, dates, words in the narrative) kept in the address with the view
// (#/incidents?type=ied&at=5/14.5/-1.2), so a picture can be bookmarked and shared. Each pan or
// zoom asks how many records lie in the view (`bbox`). Where few enough do (MAX_POINTS, or
// `points=N` in the address for fewer), they are drawn as points, clustered where dense, at most
// 500 a request and a few requests a layer. Where more do, the layer is drawn as counts per
// grid cell from the server (/grid), so each bubble is the true number of records there that
// the reader may see under the filters, and the count line the true total. Below the map, the
// incidents in the view as a table: the same picture for screen readers and for reading.
import { api } from '../api.js';
import { fill, h, newId } from '../dom.js';
import { LTR, num, t } from '../i18n.js';
import { L, bboxOf, clusterGroup, countBubbles, createMap } from '../incidents/basemap.js';
import {
  casualtyText,
  debounce,
  getMissions,
  getTaxonomy,
  incidentHref,
  placeNode,
  placeText,
  query,
  statusBadge,
  STATUSES,
  typeOptions,
  utc,
} from '../incidents/common.js';
import { can } from '../state.js';
import { errorNote, pageHeader, slot, table, withElements } from '../ui.js';

const PAGE = 500; // the most a list request asks for
// A layer's requests per view: 1,000 markers at most. A list item is about 1 KB of JSON, so a
// view costs at most about 1 MB a layer on a slow link; the count says when there is more.
const MAX_PAGES = 2;
const MAX_POINTS = PAGE * MAX_PAGES; // more in the view: counts per grid cell instead
const ROWS = 25; // table rows before "Show more"; also the first request's page
const FILTERS = ['mission', 'type', 'status', 'from', 'to', 'q'];

function readState() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const s = { inc: q.get('inc') !== '0', ev: q.get('ev') !== '0', at: q.get('at') || '' };
  for (const k of FILTERS) s[k] = q.get(k) || '';
  // Fewer points than MAX_POINTS before the map switches to counts (a slow link, a test).
  const points = Number(q.get('points'));
  s.points = Number.isInteger(points) && points > 0 && points < MAX_POINTS ? points : 0;
  return s;
}

function writeState(s) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (s[k]) q.set(k, s[k]);
  if (!s.inc) q.set('inc', '0');
  if (!s.ev) q.set('ev', '0');
  if (s.at) q.set('at', s.at);
  if (s.points) q.set('points', String(s.points));
  const qs = q.toString();
  history.replaceState(null, '', `#/incidents${qs ? `?${qs}` : ''}`);
}

// A layer's part of the count line: "1,234 incidents", or the newest of more when the points
// were capped. Past 10,000 matches the server stops counting and says so (total_exact: false).
function countText(kind, r) {
  if (!r) return null;
  const n = r.total;
  const shown = r.items.length;
  if (kind === 'incident') {
    if (!r.capped) return t('map.count_incidents', { n });
    return r.exact
      ? t('map.count_incidents_capped', { shown, n })
      : t('map.count_incidents_capped_more', { shown, n });
  }
  if (!r.capped) return t('map.count_events', { n });
  return r.exact
    ? t('map.count_events_capped', { shown, n })
    : t('map.count_events_capped_more', { shown, n });
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
  const opt = (v, text) => h('option', { value: v }, text);
  const mission = h('select', { name: 'mission' }, opt('', t('map.all_missions')));
  const type = h('select', { name: 'type' }, opt('', t('map.all_types')));
  const status = h(
    'select',
    { name: 'status' },
    opt('', t('map.any_status')),
    Object.keys(STATUSES).map((k) => opt(k, STATUSES[k])),
  );
  const from = h('input', { type: 'date', name: 'from', min: '1948-01-01' });
  const to = h('input', { type: 'date', name: 'to', min: '1948-01-01' });
  const words = h('input', {
    type: 'search',
    name: 'q',
    placeholder: t('map.words_placeholder'),
    autocomplete: 'off',
  });
  const showInc = h('input', { type: 'checkbox', id: newId('l'), checked: s.inc });
  const showEv = h('input', { type: 'checkbox', id: newId('l'), checked: s.ev });
  const reset = h('button', { type: 'button', class: 'ghost' }, t('map.reset'));
  const controls = { mission, type, status, from, to, q: words };
  for (const k of FILTERS) controls[k].value = s[k];

  const count = h('p', { class: 'map-count', role: 'status', 'aria-live': 'polite' });
  const problem = h('div', null);
  const baseNote = h('div', null);
  const mapEl = h('div', {
    class: 'incident-map',
    role: 'region',
    'aria-label': t('map.map_label'),
  });
  const listBox = h('div', null);
  const listCount = h('p', { class: 'count' });
  const filterForm = h(
    'form',
    { class: 'filters map-filters', role: 'search', 'aria-label': t('map.filters') },
    ctl(t('map.mission'), mission),
    ctl(t('map.threat_type'), type),
    ctl(t('map.status'), status),
    ctl(t('map.from'), from),
    ctl(t('map.to'), to),
    ctl(t('map.search'), words),
    h(
      'fieldset',
      { class: 'layers' },
      h('legend', null, t('map.layers')),
      h(
        'label',
        { class: 'check', for: showInc.id },
        showInc,
        h('span', { class: 'key key-incident', 'aria-hidden': 'true' }),
        t('map.layer_incidents'),
      ),
      h(
        'label',
        { class: 'check', for: showEv.id },
        showEv,
        h('span', { class: 'key key-event', 'aria-hidden': 'true' }),
        t('map.layer_events'),
      ),
    ),
    reset,
  );
  const mapSection = h('section', { class: 'map-section' }, count, problem, baseNote, mapEl);

  view.append(
    pageHeader(t('map.title'), t('map.intro')),
    h(
      'div',
      { class: 'page-actions' },
      can('record.write')
        ? h('a', { class: 'button primary', href: '#/incidents/new' }, t('map.report_incident'))
        : null,
      can('record.endorse')
        ? h('a', { class: 'button', href: '#/queue' }, t('map.endorsement_queue'))
        : null,
    ),
    filterForm,
    mapSection,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'inc-list' },
      h('h2', { id: 'inc-list' }, t('map.in_view')),
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
  // The counts per grid cell, drawn instead of a layer's points when its view holds too many.
  const incCounts = L.layerGroup();
  const evCounts = L.layerGroup();
  for (const l of s.inc ? [incLayer, incCounts] : []) l.addTo(map);
  for (const l of s.ev ? [evLayer, evCounts] : []) l.addTo(map);

  // Leaflet measures its box when created, before the page's layout settles; window resizes it
  // follows by itself.
  requestAnimationFrame(() => map.invalidateSize());
  view.bhLeave = () => map.remove();

  Promise.all([getMissions(), getTaxonomy()]).then(
    ([known, taxonomy]) => {
      tax = taxonomy;
      const missions = known.slice();
      if (s.mission && missions.indexOf(s.mission) < 0) missions.push(s.mission);
      fill(
        mission,
        opt('', t('map.all_missions')),
        missions.map((m) => opt(m, m)),
      );
      fill(type, typeOptions(taxonomy, t('map.all_types'), false));
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
      h('p', null, i.mission, ' · ', placeNode(i)),
      h('p', null, statusBadge(i.status), ' ', casualtyText(i)),
    );
  }

  function eventPopup(e) {
    const n = (x) => Number(x || 0);
    const deaths =
      e.fatalities_low !== null && e.fatalities_low !== undefined && e.fatalities_high
        ? t('map.fatalities_range', {
            n: n(e.fatalities),
            low: n(e.fatalities_low),
            high: n(e.fatalities_high),
          })
        : t('map.fatalities', { n: n(e.fatalities) });
    const notes = e.notes && e.notes.length > 280 ? `${e.notes.slice(0, 280)}…` : e.notes;
    return h(
      'div',
      { class: 'popup' },
      h('p', { class: 'popup-title' }, typeLabel(e.threat_type) || e.source_type || t('map.event')),
      h(
        'p',
        null,
        e.date_end && e.date_end.slice(0, 10) !== String(e.occurred_at).slice(0, 10)
          ? t('map.event_dates', { from: utc(e.occurred_at, 'day'), to: utc(e.date_end, 'day') })
          : utc(e.occurred_at, 'day'),
      ),
      h('p', null, [e.place_name, e.admin1, e.country].filter(Boolean).join(', ')),
      e.actor1 || e.actor2 ? h('p', null, [e.actor1, e.actor2].filter(Boolean).join(' – ')) : null,
      h('p', null, deaths),
      notes ? h('p', { class: 'popup-notes' }, notes) : null,
      h(
        'p',
        { class: 'muted' },
        withElements(t('map.event_id', { id: slot(0) }), h('bdi', LTR, e.id)),
      ),
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

  // The layer's counts per grid cell (null: none, the points are drawn).
  function bubbles(group, grid, kind) {
    group.clearLayers();
    if (!grid) return;
    const title = (n) =>
      kind === 'incident' ? t('map.bubble_incidents', { n }) : t('map.bubble_events', { n });
    for (const m of countBubbles(map, kind, grid, num, title)) group.addLayer(m);
  }

  const state = { inc: null, ev: null };

  function draw() {
    const inc = s.inc ? countText('incident', state.inc) : null;
    const ev = s.ev ? countText('event', state.ev) : null;
    count.textContent =
      inc && ev
        ? t('map.count_line_both', { incidents: inc, events: ev })
        : inc || ev
          ? t('map.count_line', { layer: inc || ev })
          : '';
    drawList();
  }

  function drawList() {
    if (!s.inc) {
      fill(listBox, h('p', { class: 'empty' }, t('map.layer_off')));
      listCount.textContent = '';
      return;
    }
    const rows = incidents
      .slice()
      .sort((a, b) => String(b.occurred_at).localeCompare(String(a.occurred_at)));
    const counted = state.inc && state.inc.grid;
    listCount.textContent = !rows.length
      ? ''
      : counted
        ? t('map.list_counted', { shown: rows.length, total: Number(state.inc.total || 0) })
        : t('map.list_shown', { shown: Math.min(shown, rows.length), total: rows.length });
    fill(
      listBox,
      table(
        t('map.in_view'),
        [
          t('map.col_when'),
          t('map.threat_type'),
          t('map.mission'),
          t('map.col_where'),
          t('map.col_casualties'),
          t('map.status'),
        ],
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
            placeNode(i),
            casualtyText(i),
            statusBadge(i.status),
          ]),
        t('map.list_empty'),
      ),
      rows.length > shown && !counted
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
            t('map.show_more'),
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

  // A layer in the view. A first page of ROWS items says how many match (the list's total,
  // exact up to 10,000). More than the map draws as points: the grid's counts for the view, at
  // the map's zoom (the server picks cells of about 64 pixels), whose total is exact whatever
  // the number; the first page is the table's. Else the items, following `next` up to
  // MAX_PAGES requests of PAGE after it. `onPage(r)` draws what has come so far, so the first
  // markers show after one reply.
  async function fetchLayer(path, p, mine, onPage) {
    const first = await api('GET', `${path}?${query(Object.assign({}, p, { limit: ROWS }))}`);
    if (mine !== gen) return null;
    const firstItems = (first && first.items) || [];
    const total = first && first.total != null ? first.total : firstItems.length;
    if ((first && first.total_exact === false) || total > (s.points || MAX_POINTS)) {
      const zoom = Math.max(0, Math.min(20, Math.round(map.getZoom())));
      const gp = Object.assign({}, p, { limit: '', zoom });
      const grid = await api('GET', `${path}/grid?${query(gp)}`);
      if (mine !== gen) return null;
      const r = { items: firstItems, total: grid.total, exact: true, capped: false, grid };
      onPage(r);
      return r;
    }
    if (!first || !first.next) {
      const r = { items: firstItems, total, exact: true, capped: false, grid: null };
      onPage(r);
      return r;
    }
    // The rest after the first page: at most MAX_POINTS in all, so MAX_PAGES pages hold them.
    let r = { items: firstItems, total, exact: true, capped: false, grid: null };
    onPage(r);
    let cursor = first.next;
    for (let n = 0; n < MAX_PAGES; n++) {
      const data = await api('GET', `${path}?${query(Object.assign({}, p, { cursor }))}`);
      if (mine !== gen) return null;
      const items = r.items.concat((data && data.items) || []);
      cursor = (data && data.next) || '';
      r = {
        items,
        total: data && data.total != null ? data.total : items.length,
        exact: !data || data.total_exact !== false,
        capped: !!cursor,
        grid: null,
      };
      onPage(r);
      if (!cursor) break;
    }
    return r;
  }

  let lastKey = '';
  async function load() {
    // A reload that was waiting when the reader left the page: the map is gone (bhLeave
    // removed it), and asking it for its bounds would throw.
    if (!view.isConnected) return;
    // The same question as the last one (a resize that moved nothing) is not asked again.
    const key = JSON.stringify([s.inc && params(true), s.ev && params(false)]);
    if (key === lastKey) return;
    lastKey = key;
    const mine = ++gen;
    fill(problem);
    mapSection.setAttribute('aria-busy', 'true');
    mapSection.classList.add('busy');
    count.textContent = t('map.loading');
    const jobs = [];
    if (s.inc)
      jobs.push(
        fetchLayer('/api/v1/incidents', params(true), mine, (r) => {
          state.inc = r;
          incidents = r.items;
          markers(incLayer, r.grid ? [] : r.items, 'incident');
          bubbles(incCounts, r.grid, 'incident');
          draw();
        }),
      );
    else state.inc = null;
    if (s.ev)
      jobs.push(
        fetchLayer('/api/v1/events', params(false), mine, (r) => {
          state.ev = r;
          markers(evLayer, r.grid ? [] : r.items, 'event');
          bubbles(evCounts, r.grid, 'event');
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
  const layerSwitch = (box, key, layer, counts) =>
    box.addEventListener('change', () => {
      s[key] = box.checked;
      if (box.checked) {
        layer.addTo(map);
        counts.addTo(map);
      } else {
        map.removeLayer(layer);
        map.removeLayer(counts);
        layer.clearLayers();
        counts.clearLayers();
        drawn[key === 'inc' ? 'incident' : 'event'] = new Map();
      }
      changed(true);
    });
  layerSwitch(showInc, 'inc', incLayer, incCounts);
  layerSwitch(showEv, 'ev', evLayer, evCounts);
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
