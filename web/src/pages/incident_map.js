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
// The map follows the work: a changed filter (a mission, a search) fits the view to what
// matches, wherever in the world it lies (across the antimeridian too), or to the mission's
// headquarters when nothing does yet. Readers who may export get the view's records as CSV,
// HXL CSV and GeoJSON, under the same filters. Synthetic (demo) records are marked on the
// map, in the popups and in the table, and can be left out.
import { api } from '../api.js';
import { fill, h, newId } from '../dom.js';
import { LTR, direction, num, t } from '../i18n.js';
import { L, clusterGroup, countBubbles, createMap } from '../incidents/basemap.js';
import {
  casualtyText,
  debounce,
  getMissions,
  getTaxonomy,
  incidentHref,
  missionHq,
  placeNode,
  query,
  statusBadge,
  STATUSES,
  syntheticBadge,
  typeOptions,
  utc,
} from '../incidents/common.js';
import { boundsAround, lonNear, viewBox } from '../incidents/fit.js';
import { dateInput, parseIsoDate } from '../forms.js';
import { can } from '../state.js';
import { errorNote, pageHeader, slot, table, withElements } from '../ui.js';

const PAGE = 500; // the most a list request asks for
// A layer's requests per view: 1,000 markers at most. A list item is about 1 KB of JSON, so a
// view costs at most about 1 MB a layer on a slow link; the count says when there is more.
const MAX_PAGES = 2;
const MAX_POINTS = PAGE * MAX_PAGES; // more in the view: counts per grid cell instead
const ROWS = 25; // table rows before "Show more"; also the first request's page
const FILTERS = ['mission', 'type', 'status', 'from', 'to', 'q'];
// Fitting the view to the matches: their counts in cells this small (degrees, about 11 km)
// place them closely enough; the fit zooms no closer than FIT_ZOOM (a town and its roads).
const FIT_CELL = 0.1;
const FIT_ZOOM = 10;
const HQ_ZOOM = 7;
const FLIGHT_S = 0.8; // seconds a fit flies

function readState() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const s = { inc: q.get('inc') !== '0', ev: q.get('ev') !== '0', at: q.get('at') || '' };
  for (const k of FILTERS) s[k] = q.get(k) || '';
  s.real = q.get('synthetic') === 'exclude';
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
  if (s.real) q.set('synthetic', 'exclude');
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
  // Set when the reader leaves the page: replies that land later draw nothing.
  let left = false;

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
  // ISO dates as text, whatever the browser's locale (forms.js): a date picker would show
  // mm/dd/yyyy to some readers.
  const from = dateInput('from');
  const to = dateInput('to');
  const words = h('input', {
    type: 'search',
    name: 'q',
    placeholder: t('map.words_placeholder'),
    autocomplete: 'off',
  });
  const showInc = h('input', { type: 'checkbox', id: newId('l'), checked: s.inc });
  const showEv = h('input', { type: 'checkbox', id: newId('l'), checked: s.ev });
  const hideSyn = h('input', { type: 'checkbox', id: newId('l'), checked: s.real });
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
      h(
        'label',
        { class: 'check', for: hideSyn.id },
        hideSyn,
        h('span', { class: 'key key-synthetic', 'aria-hidden': 'true' }),
        t('map.hide_synthetic'),
      ),
    ),
    reset,
  );
  // Downloads of what the view holds under the filters, for readers who may export: the
  // links' addresses follow every load (setDownloads).
  const exporter = can('record.export');
  const downloadLinks = (kind, label) => {
    const id = newId('dl');
    const link = (format, text) =>
      h('a', { class: 'button download', 'data-format': format, download: '' }, text);
    const links = {
      csv: link('csv', t('map.download_csv')),
      hxl: link('hxl', t('map.download_hxl')),
      geojson: link('geojson', t('map.download_geojson')),
    };
    const box = h(
      'div',
      { class: 'downloads', role: 'group', 'aria-labelledby': id, 'data-layer': kind },
      h('span', { id, class: 'downloads-label' }, label),
      links.csv,
      links.hxl,
      links.geojson,
    );
    return { box, links, kind };
  };
  const downloads = exporter
    ? [
        downloadLinks('incidents', t('map.download_incidents')),
        downloadLinks('events', t('map.download_events')),
        downloadLinks('incidents', t('map.download_list')),
      ]
    : [];
  const mapDownloads = exporter
    ? h('div', { class: 'download-bar' }, downloads[0].box, downloads[1].box)
    : null;
  const mapSection = h(
    'section',
    { class: 'map-section' },
    count,
    problem,
    baseNote,
    mapEl,
    mapDownloads,
  );

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
      exporter ? downloads[2].box : null,
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

  legend().addTo(map);

  // Leaflet measures its box when created, before the page's layout settles; window resizes it
  // follows by itself.
  requestAnimationFrame(() => {
    if (!left) map.invalidateSize();
  });
  // Leaving while the map moves: an animated zoom finishes on a timer of Leaflet's 250 ms
  // later, and a removed map has no panes left to move ("_leaflet_pos" of undefined). So the
  // page stops listening, stops the flight, ends a zoom animation at once, and only then
  // removes the map; replies still on their way see `left` and draw nothing.
  view.bhLeave = () => {
    left = true;
    gen++;
    fitGen++;
    reload.cancel();
    followLater.cancel();
    map.off('moveend');
    map.stop();
    if (map._animatingZoom) map._onZoomTransitionEnd();
    for (const l of [incLayer, evLayer, incCounts, evCounts])
      if (map.hasLayer(l)) map.removeLayer(l);
    map.remove();
  };

  // The legend, in a corner of the map: folded on a phone (where it would cover the map),
  // open on a wider screen. Its keys are drawn like the map's markers.
  function legend() {
    const ctl = L.control({ position: direction() === 'rtl' ? 'bottomright' : 'bottomleft' });
    ctl.onAdd = () => {
      const svg = (cls) => {
        const NS = 'http://www.w3.org/2000/svg';
        const el = document.createElementNS(NS, 'svg');
        el.setAttribute('viewBox', '0 0 20 20');
        el.setAttribute('aria-hidden', 'true');
        el.setAttribute('class', 'legend-key');
        const c = document.createElementNS(NS, 'circle');
        c.setAttribute('cx', '10');
        c.setAttribute('cy', '10');
        c.setAttribute('r', '6.5');
        c.setAttribute('class', cls);
        el.append(c);
        return el;
      };
      const item = (key, text) => h('li', null, key, h('span', null, text));
      const box = h(
        'details',
        { class: 'map-legend' },
        h('summary', null, t('map.legend')),
        h(
          'ul',
          null,
          item(svg('mk mk-incident mk-endorsed'), t('map.legend_endorsed')),
          item(svg('mk mk-incident mk-submitted'), t('map.legend_not_endorsed')),
          item(svg('mk mk-incident mk-endorsed mk-synthetic'), t('map.legend_synthetic')),
          item(svg('mk mk-event'), t('map.legend_event')),
          item(
            h('span', { class: 'legend-bubble', 'aria-hidden': 'true' }, num(12)),
            t('map.legend_bubble'),
          ),
        ),
      );
      box.open = window.matchMedia('(min-width: 700px)').matches;
      const wrap = h('div', { class: 'leaflet-control map-legend-box' }, box);
      L.DomEvent.disableClickPropagation(wrap);
      L.DomEvent.disableScrollPropagation(wrap);
      return wrap;
    };
    return ctl;
  }

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
      h('p', null, statusBadge(i.status), ' ', syntheticBadge(i), ' ', casualtyText(i)),
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
  // Each point is drawn on the copy of the world nearest the view's centre, so a view across
  // the antimeridian shows the points on both sides of it.
  function markers(layer, items, kind) {
    const have = drawn[kind];
    const keep = new Map();
    const add = [];
    const centre = map.getCenter().lng;
    for (const x of items) {
      if (typeof x.latitude !== 'number' || typeof x.longitude !== 'number') continue;
      const lon = lonNear(x.longitude, centre);
      const key = `${x.id}|${x.status || ''}|${x.synthetic ? 1 : 0}|${x.latitude}|${lon}`;
      let m = have.get(key);
      if (!m) {
        const syn = x.synthetic ? ' mk-synthetic' : '';
        m = L.circleMarker([x.latitude, lon], {
          radius: kind === 'incident' ? 7 : 5,
          className: kind === 'incident' ? `mk mk-incident mk-${x.status}${syn}` : 'mk mk-event',
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
    const centre = map.getCenter().lng;
    const cells = grid.cells.map((c) => {
      const shift = lonNear(c.lon, centre) - c.lon;
      return Object.assign({}, c, { lon: c.lon + shift, lon_mean: c.lon_mean + shift });
    });
    const near = Object.assign({}, grid, { cells });
    for (const m of countBubbles(map, kind, near, num, title)) group.addLayer(m);
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
        : t('map.list_shown', {
            shown: Math.min(shown, rows.length),
            total: Math.max(rows.length, Number((state.inc && state.inc.total) || 0)),
          });
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
            h('span', { class: 'badges' }, statusBadge(i.status), ' ', syntheticBadge(i)),
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

  // A layer's filters (incidents: with the status and the synthetic switch, which context
  // events do not have), without the view.
  function filters(incidentLayer) {
    return {
      mission: s.mission,
      type: s.type,
      status: incidentLayer ? s.status : '',
      from: s.from,
      to: s.to,
      q: s.q,
      synthetic: incidentLayer && s.real ? 'exclude' : '',
    };
  }

  function params(incidentLayer) {
    return Object.assign(filters(incidentLayer), { bbox: viewBox(map), limit: PAGE });
  }

  // The download links: the view and the filters of the last load, as the files take them.
  function setDownloads() {
    for (const d of downloads) {
      const inc = d.kind === 'incidents';
      const p = Object.assign(filters(inc), { bbox: viewBox(map) });
      const qs = query(p);
      const base = `/api/v1/${d.kind}`;
      d.links.csv.href = `${base}.csv?${query(Object.assign({}, p, { hxl: 0 }))}`;
      d.links.hxl.href = `${base}.csv${qs ? `?${qs}` : ''}`;
      d.links.geojson.href = `${base}.geojson${qs ? `?${qs}` : ''}`;
      d.box.hidden = inc ? !s.inc : !s.ev;
    }
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
    if (left || !view.isConnected) return;
    // The same question as the last one (a resize that moved nothing) is not asked again.
    const key = JSON.stringify([s.inc && params(true), s.ev && params(false)]);
    if (key === lastKey) return;
    lastKey = key;
    const mine = ++gen;
    setDownloads();
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

  // The map follows the work: after a change of the filters the view fits what now matches
  // anywhere (the incidents, or the context events when only they are shown), from the counts
  // per small grid cell: one match is zoomed to, several are fitted, across the antimeridian
  // when that is the shorter way. With no match, a chosen mission's headquarters are shown.
  // Resolves to whether the view was set (a fit that changes nothing moves nothing).
  let fitGen = 0;
  // The view flies to its target (so the reader sees where the map went) and its one moveend
  // at the end loads the new view at once (the handler below). A target the map is already at
  // is no flight: false, and the caller loads.
  let flying = false;
  function fly(center, zoom) {
    const here = map.latLngToContainerPoint(map.getCenter());
    if (zoom === map.getZoom() && map.latLngToContainerPoint(center).distanceTo(here) < 1)
      return false;
    flying = true;
    map.flyTo(center, zoom, { duration: FLIGHT_S });
    return true;
  }
  // The centre and zoom that show `b` whole (Leaflet's fitBounds, without moving yet).
  function flyToBounds(b) {
    const bounds = L.latLngBounds(b);
    const zoom = Math.min(FIT_ZOOM, map.getBoundsZoom(bounds, false, L.point(48, 48)));
    const sw = map.project(bounds.getSouthWest(), zoom);
    const ne = map.project(bounds.getNorthEast(), zoom);
    return fly(map.unproject(sw.add(ne).divideBy(2), zoom), zoom);
  }
  async function fitToMatches(mine) {
    const layers = [];
    if (s.inc) layers.push(['/api/v1/incidents', true]);
    if (s.ev) layers.push(['/api/v1/events', false]);
    for (const [path, inc] of layers) {
      const p = Object.assign(filters(inc), { cell: FIT_CELL });
      const grid = await api('GET', `${path}/grid?${query(p)}`);
      if (left || mine !== fitGen) return false;
      const cells = (grid && grid.cells) || [];
      if (!cells.length) continue;
      if (grid.total === 1) {
        return fly(L.latLng(cells[0].lat_mean, cells[0].lon_mean), FIT_ZOOM);
      }
      const half = (grid.cell || FIT_CELL) / 2;
      const b = boundsAround(
        cells.map((c) => [
          c.lat_mean - half,
          c.lon_mean - half,
          c.lat_mean + half,
          c.lon_mean + half,
        ]),
      );
      return flyToBounds(b);
    }
    if (s.mission) {
      const hq = await missionHq(s.mission.split(',')[0]);
      if (left || mine !== fitGen || !hq) return false;
      return fly(L.latLng(hq.lat, hq.lon), HQ_ZOOM);
    }
    return false;
  }

  // A change of the filters: fit the view to the matches, then load them. A failed fit
  // leaves the view as it was; the load says what went wrong.
  async function follow() {
    const mine = ++fitGen;
    let moving = false;
    try {
      moving = await fitToMatches(mine);
    } catch (err) {
      // The load below asks the same filters and shows the problem.
    }
    if (left || mine !== fitGen || moving) return;
    load();
  }

  const reload = debounce(load, 400);
  const followLater = debounce(follow, 400);
  // `how`: 'view' (a pan or zoom: load the new view), 'now' (a chosen filter: fit and load),
  // 'typing' (the search box: fit and load once the typing pauses).
  function changed(how) {
    shown = ROWS;
    writeState(s);
    if (how === 'view') reload();
    else if (how === 'typing') followLater();
    else {
      followLater.cancel();
      follow();
    }
  }

  for (const k of FILTERS) {
    const el = controls[k];
    el.addEventListener(k === 'q' ? 'input' : 'change', () => {
      // A date that is not YYYY-MM-DD is said at once, naming the field, and not asked for.
      if ((k === 'from' || k === 'to') && el.value.trim() && !parseIsoDate(el.value.trim())) {
        el.setAttribute('aria-invalid', 'true');
        fill(
          problem,
          errorNote({
            message: t('forms.problem_date', { field: k === 'from' ? t('map.from') : t('map.to') }),
          }),
        );
        return;
      }
      if (el.hasAttribute('aria-invalid')) {
        el.removeAttribute('aria-invalid');
        fill(problem);
      }
      s[k] = el.value.trim();
      changed(k === 'q' ? 'typing' : 'now');
    });
  }
  hideSyn.addEventListener('change', () => {
    s.real = hideSyn.checked;
    changed('now');
  });
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
      // A layer switched on or off changes what is shown, not where: the view stays.
      writeState(s);
      load();
    });
  layerSwitch(showInc, 'inc', incLayer, incCounts);
  layerSwitch(showEv, 'ev', evLayer, evCounts);
  // Enter in the search box asks at once (instead of sending the form, which would leave the app).
  filterForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    s.q = words.value.trim();
    changed('now');
  });
  reset.addEventListener('click', () => {
    for (const k of FILTERS) controls[k].value = s[k] = '';
    hideSyn.checked = s.real = false;
    changed('now');
  });
  map.on('moveend', () => {
    if (left || !view.isConnected) return;
    const c = map.getCenter();
    s.at = `${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
    if (!flying) {
      changed('view');
      return;
    }
    flying = false;
    writeState(s);
    reload.cancel();
    load();
  });

  // An address with filters and no view (a link to a mission's picture) opens fitted to the
  // matches; one with a view keeps it, as bookmarked.
  if (!at && FILTERS.some((k) => s[k])) follow();
  else load();
}
