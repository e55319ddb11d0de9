// The map the incident pages draw on: Leaflet over the server's offline base map, so no tile
// server is needed. The base map is Natural Earth (public domain) cut into tiles of GeoJSON
// by scripts/basemap-pack and embedded in the binary (docs/basemap.md): GET
// /api/v1/basemap/{z}/{x}/{y}.geojson, zooms 0 to 8, a deeper tile being its zoom 8 ancestor.
// Some layers stop earlier (LAST below): the land and borders (1:110m) are read from zoom 5
// tiles at any deeper zoom, the coast, lakes and rivers from zoom 7. Only the tiles of the
// view (and a margin) are loaded; those far outside are dropped; a shape that sits whole in
// several tiles is drawn once (by its id). Place names are laid out so that none overlap:
// the biggest places first. Mission headquarters come from the store
// (GET /api/v1/basemap/missions.geojson). From zoom 10, inside an area an operator imported
// OpenStreetMap detail for (GET /api/v1/basemap/extents), the roads and villages of
// GET /api/v1/basemap/local/{z}/{x}/{y}.geojson are drawn too; a server without them answers
// 404 and nothing more is asked. Where the server names a tile server (`map_tile_url`) its
// tiles go under the lines and names, and the land is not filled. The map's controls speak the
// reader's language and, in a right-to-left page, sit on the mirrored side; the map itself is
// never mirrored (west stays on the left).
import L from 'leaflet';
import 'leaflet.markercluster';
import { direction, intlLocale, num, t } from '../i18n.js';
import { getTileUrl } from './common.js';

export { L };

// The last zoom each layer is tiled at (the generator's LAST, in the pack's metadata).
const LAST = {
  land: 5,
  border: 5,
  country: 5,
  coast: 7,
  lake: 7,
  river: 7,
  place: 8,
  region: 8,
  airport: 8,
};
const LEVELS = [...new Set(Object.values(LAST))];
// The OpenStreetMap detail is drawn from this zoom, from tiles of at most LOCAL_ZOOM.
const LOCAL_FROM = 10;
const LOCAL_ZOOM = 16;
// Tiles kept in memory (parsed), the oldest dropped first: about a day of panning around a
// mission area; the browser's cache keeps the bytes longer.
const CACHE_MAX = 400;
const MAX_LABELS = 160;

const cache = new Map(); // url → Promise<FeatureCollection>
function fetchTile(url) {
  let p = cache.get(url);
  if (p) {
    cache.delete(url);
    cache.set(url, p);
    return p;
  }
  p = fetch(url, { credentials: 'same-origin' }).then((res) => {
    if (res.status === 404) return { features: [], missing: true };
    if (!res.ok) throw new Error(String(res.status));
    return res.json();
  });
  p.catch(() => cache.delete(url));
  cache.set(url, p);
  while (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value);
  return p;
}

let missions = null;
function getMissions() {
  if (!missions) {
    missions = fetchTile('/api/v1/basemap/missions.geojson').catch(() => ({ features: [] }));
  }
  return missions;
}

let extents = null;
function getExtents() {
  if (!extents) {
    extents = fetch('/api/v1/basemap/extents', { credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : { extents: [] }))
      .then((d) => (d && Array.isArray(d.extents) ? d.extents : []))
      .catch(() => []);
  }
  return extents;
}

// Tiles of zoom `z` covering `bounds` (a LatLngBounds), as [x, y]; longitudes wrap.
function tilesFor(bounds, z) {
  const n = 2 ** z;
  const lat = (v) => Math.max(-85.05, Math.min(85.05, v));
  const ty = (la) => {
    const r = (lat(la) * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  const west = bounds.getWest();
  const east = bounds.getEast();
  let x0 = Math.floor(((west + 180) / 360) * n);
  let x1 = Math.floor(((east + 180) / 360) * n);
  if (x1 - x0 >= n) {
    x0 = 0;
    x1 = n - 1;
  }
  const y0 = Math.max(0, ty(bounds.getNorth()));
  const y1 = Math.min(n - 1, ty(bounds.getSouth()));
  const out = [];
  for (let x = x0; x <= x1; x++)
    for (let y = y0; y <= y1; y++) out.push([((x % n) + n) % n, y, Math.floor(x / n)]);
  return out;
}

// Stroke widths; colours are in incidents.css (class bm-LAYER). The road layers are those of
// the OpenStreetMap import (docs/basemap-osm.md).
const WEIGHT = {
  border: 1.1,
  coast: 0.8,
  road_major: 2,
  road_secondary: 1.5,
  track: 1.1,
  road_minor: 0.9,
  path: 0.7,
};
function lineStyle(feature) {
  const p = feature.properties;
  const weight =
    p.layer === 'river' ? (p.rank <= 2 ? 1.6 : p.rank <= 5 ? 1.1 : 0.8) : WEIGHT[p.layer] || 1;
  return { className: `bm-${p.layer}`, weight };
}

// A label: its text (and a dot for a place), positioned by Leaflet at the point.
function labelIcon(text, cls, size) {
  const el = document.createElement('div');
  el.className = `bm-label ${cls}`;
  el.style.fontSize = `${size}px`;
  const dot = document.createElement('span');
  dot.className = 'bm-dot';
  const words = document.createElement('span');
  words.className = 'bm-words';
  words.textContent = text;
  el.append(dot, words);
  return L.divIcon({ html: el, className: 'bm-label-box', iconSize: null, iconAnchor: [0, 0] });
}

// A label's words. A country is named in the reader's language from its ISO code (the
// browser's own list of region names, Intl.DisplayNames, which works offline); Natural
// Earth's English name where the browser has none. Towns keep their own names.
let regionNames = null;
function labelText(p) {
  if (p.layer !== 'country' || !p.iso2 || typeof Intl.DisplayNames !== 'function') return p.name;
  const locale = intlLocale();
  if (!regionNames || regionNames.locale !== locale) {
    regionNames = { locale, names: new Intl.DisplayNames([locale], { type: 'region' }) };
  }
  try {
    return regionNames.names.of(p.iso2) || p.name;
  } catch (e) {
    return p.name;
  }
}

// How much a label matters (lower first) and how big it is drawn.
function labelRank(p, z) {
  switch (p.layer) {
    case 'mission':
      // Missions at work first; closed ones (hollow) only close up, after the towns.
      if (p.active) return { order: -3, size: 12 };
      return z >= 6 ? { order: 8, size: 11 } : null;
    case 'country':
      return z <= 5 ? { order: p.rank || 3, size: 12 } : null;
    case 'place': {
      // A place of the OpenStreetMap import has a kind and no rank.
      if (p.rank === undefined) {
        const order = { city: 1, town: 5, village: 10, suburb: 11, hamlet: 12 }[p.kind] || 12;
        return { order, size: order <= 1 ? 13 : order <= 5 ? 12 : 11 };
      }
      const r = p.rank;
      return {
        order: r + (p.capital ? -2 : 0),
        size: r <= 1 ? 14 : r <= 3 ? 13 : r <= 5 ? 12 : 11,
      };
    }
    case 'region':
      return z >= 5 ? { order: 9, size: 11 } : null;
    case 'airport':
      return z >= 7 ? { order: 10, size: 10 } : null;
    default:
      return null;
  }
}

// The base map over `map`: returns nothing; it follows the map's moves itself.
function attachBaseMap(map, el, onBaseError) {
  map.createPane('basemap');
  map.createPane('basemaplabels');
  const renderer = L.svg({ pane: 'basemap', padding: 0.5 });
  const shapes = L.layerGroup().addTo(map);
  const labels = L.layerGroup().addTo(map);
  let drawnKey = '';
  let generation = 0;
  let failed = false;
  let dead = false; // the map was removed: a tile that arrives later draws nothing
  let points = [];

  function wanted() {
    const z = Math.round(map.getZoom());
    const bounds = map.getBounds().pad(0.25);
    const sets = [];
    for (const last of LEVELS) {
      const dz = Math.min(z, last);
      if (sets.some((s) => s.dz === dz)) continue;
      const layers = new Set(Object.keys(LAST).filter((k) => Math.min(z, LAST[k]) === dz));
      sets.push({ dz, layers });
    }
    const tiles = [];
    for (const s of sets)
      for (const [x, y, wrap] of tilesFor(bounds, s.dz))
        tiles.push({
          url: `/api/v1/basemap/${s.dz}/${x}/${y}.geojson`,
          layers: s.layers,
          wrap,
        });
    return { z, tiles };
  }

  async function localTiles(z) {
    if (z < LOCAL_FROM) return [];
    const boxes = await getExtents();
    if (!boxes.length) return [];
    const b = map.getBounds();
    const inside = boxes.some(
      (e) =>
        Array.isArray(e.bbox) &&
        e.bbox[0] <= b.getEast() &&
        e.bbox[2] >= b.getWest() &&
        e.bbox[1] <= b.getNorth() &&
        e.bbox[3] >= b.getSouth(),
    );
    if (!inside) return [];
    const dz = Math.min(z, LOCAL_ZOOM);
    return tilesFor(b.pad(0.1), dz).map(([x, y, wrap]) => ({
      url: `/api/v1/basemap/local/${dz}/${x}/${y}.geojson`,
      layers: null,
      wrap,
    }));
  }

  async function update() {
    const my = ++generation;
    const { z, tiles } = wanted();
    const local = await localTiles(z);
    const all = tiles.concat(local);
    const key = `${z}|${all.map((x) => `${x.url}~${x.wrap}`).join(',')}`;
    if (key === drawnKey) {
      layout();
      return;
    }
    let loaded;
    try {
      loaded = await Promise.all(
        all.map((x) =>
          fetchTile(x.url).then(
            (fc) => ({ x, fc }),
            (e) => {
              if (x.layers) throw e;
              return { x, fc: { features: [] } };
            },
          ),
        ),
      );
    } catch (e) {
      if (!failed && onBaseError) onBaseError(t('map.outlines_failed'));
      failed = true;
      return;
    }
    const hq = await getMissions();
    if (my !== generation || dead) return; // a newer move has begun, or the map is gone
    drawnKey = key;
    shapes.clearLayers();
    const seen = new Set();
    const shown = [];
    points = [];
    for (const { x, fc } of loaded) {
      const shift = 360 * x.wrap;
      for (const f of fc.features || []) {
        const p = f.properties || {};
        if (x.layers && !x.layers.has(p.layer)) continue;
        if (f.id != null) {
          const id = `${f.id}~${x.wrap}`;
          if (seen.has(id)) continue;
          seen.add(id);
        }
        if (f.geometry && f.geometry.type === 'Point') {
          const [lon, lat] = f.geometry.coordinates;
          points.push({ p, ll: L.latLng(lat, lon + shift) });
        } else if (f.geometry) {
          shown.push(shift ? shifted(f, shift) : f);
        }
      }
    }
    for (const f of hq.features || []) {
      const [lon, lat] = f.geometry.coordinates;
      points.push({ p: f.properties, ll: L.latLng(lat, lon) });
    }
    if (shown.length) {
      L.geoJSON(
        { type: 'FeatureCollection', features: shown },
        { pane: 'basemap', renderer, interactive: false, style: lineStyle },
      ).addTo(shapes);
    }
    layout();
  }

  // The labels that fit, biggest places first; each a box beside its point that overlaps no
  // other (boxes estimated from the text length: no measuring, so no reflow per label).
  function layout() {
    if (dead) return;
    labels.clearLayers();
    const z = Math.round(map.getZoom());
    const size = map.getSize();
    const rtl = false; // names are placed east of their point whatever the page's direction
    const cand = [];
    for (const pt of points) {
      const r = labelRank(pt.p, z);
      if (!r || !pt.p.name) continue;
      const c = map.latLngToContainerPoint(pt.ll);
      if (c.x < -50 || c.y < -20 || c.x > size.x + 50 || c.y > size.y + 20) continue;
      cand.push({ pt, r, c });
    }
    cand.sort((a, b) => a.r.order - b.r.order || (a.pt.p.name < b.pt.p.name ? -1 : 1));
    const boxes = [];
    let n = 0;
    for (const { pt, r, c } of cand) {
      if (n >= MAX_LABELS) break;
      const text = pt.p.layer === 'mission' ? pt.p.acronym || pt.p.name : labelText(pt.p);
      const w = text.length * r.size * 0.58 + 10;
      const hgt = r.size * 1.3;
      const box = rtl
        ? [c.x - w, c.y - hgt / 2, c.x + 4, c.y + hgt / 2]
        : [c.x - 4, c.y - hgt / 2, c.x + w, c.y + hgt / 2];
      if (boxes.some((b) => b[0] < box[2] && b[2] > box[0] && b[1] < box[3] && b[3] > box[1]))
        continue;
      boxes.push(box);
      n++;
      const cls = `bm-l-${pt.p.layer}${pt.p.capital ? ' bm-capital' : ''}${
        pt.p.layer === 'mission' && !pt.p.active ? ' bm-closed' : ''
      }`;
      L.marker(pt.ll, {
        icon: labelIcon(text, cls, r.size),
        pane: 'basemaplabels',
        interactive: false,
        keyboard: false,
      }).addTo(labels);
    }
  }

  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 60);
  };
  map.on('moveend zoomend', schedule);
  map.on('unload', () => {
    dead = true;
    clearTimeout(timer);
  });
  map.whenReady(schedule);
  return { labels, shapes };
}

// A feature moved by `shift` degrees of longitude (a copy of the world beside the first).
function shifted(f, shift) {
  const move = (c) =>
    typeof c[0] === 'number' ? [c[0] + shift, c[1]] : c.map((inner) => move(inner));
  return Object.assign({}, f, {
    geometry: { type: f.geometry.type, coordinates: move(f.geometry.coordinates) },
  });
}

// Leaflet's metric scale bar, with the units in the reader's language and digits.
const Scale = L.Control.Scale.extend({
  _updateMetric(maxMeters) {
    const meters = this._getRoundNum(maxMeters);
    const label =
      meters < 1000
        ? t('map.scale_m', { n: num(meters) })
        : t('map.scale_km', { n: num(meters / 1000) });
    this._updateScale(this._mScale, label, meters / maxMeters);
  },
});

// The pointer's latitude and longitude in decimal degrees, always left to right (they are
// copied into forms and read against other maps).
const Readout = L.Control.extend({
  onAdd(map) {
    const box = L.DomUtil.create('div', 'leaflet-control bm-readout');
    const name = L.DomUtil.create('span', 'bm-readout-name', box);
    name.textContent = t('map.pointer');
    const value = L.DomUtil.create('bdi', 'bm-readout-value', box);
    value.dir = 'ltr';
    value.textContent = '—';
    this._value = value;
    this._move = (e) => {
      const ll = e.latlng.wrap();
      value.textContent = `${ll.lat.toFixed(5)}, ${ll.lng.toFixed(5)}`;
    };
    this._out = () => {
      value.textContent = '—';
    };
    map.on('mousemove', this._move);
    map.on('mouseout', this._out);
    return box;
  },
  onRemove(map) {
    map.off('mousemove', this._move);
    map.off('mouseout', this._out);
  },
});

// "https://{s}.tile.example.org/{z}/{x}/{y}.png" → "tile.example.org", for the attribution.
function tileHost(url) {
  const m = /^[a-z]+:\/\/(?:\{s\}\.)?([^/?#]+)/i.exec(url);
  return m ? m[1] : url;
}

// Attribution text is HTML to Leaflet: the translated words and the configured host are text.
function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

// A Leaflet map in `el` with the base map; `options` go to L.map. `onBaseError(text)` hears
// when the base map could not be loaded (the markers still work).
export function createMap(el, options, onBaseError) {
  const { zoomControl = true, attributionControl = true, ...rest } = options || {};
  const map = L.map(
    el,
    Object.assign(
      {
        worldCopyJump: true,
        minZoom: 1,
        maxZoom: 16,
        zoomSnap: 1,
      },
      rest,
      // Leaflet's own controls have English titles and a left-to-right place: ours come below.
      { zoomControl: false, attributionControl: false },
    ),
  );
  // Read when the map is made: the language is chosen before any page draws one.
  const rtl = direction() === 'rtl';
  if (zoomControl) {
    map.zoomControl = L.control
      .zoom({
        position: rtl ? 'topright' : 'topleft',
        zoomInTitle: t('map.zoom_in'),
        zoomOutTitle: t('map.zoom_out'),
      })
      .addTo(map);
  }
  if (attributionControl) {
    // Plain words: a link here would be the app's only one to another site. (The control sets
    // map.attributionControl itself.)
    L.control
      .attribution({ position: rtl ? 'bottomleft' : 'bottomright', prefix: 'Leaflet' })
      .addTo(map);
    map.attributionControl.addAttribution('Natural Earth');
  }
  const corner = rtl ? 'bottomright' : 'bottomleft';
  new Scale({ position: corner, metric: true, imperial: false, maxWidth: 120 }).addTo(map);
  new Readout({ position: corner }).addTo(map);
  // Leaflet names a popup's close button in English ("Close popup"), on the button it makes
  // when the popup opens.
  map.on('popupopen', (e) => {
    const close =
      e.popup.getElement() && e.popup.getElement().querySelector('.leaflet-popup-close-button');
    if (close) close.setAttribute('aria-label', t('map.close_popup'));
  });
  attachBaseMap(map, el, onBaseError);
  getTileUrl().then(
    (url) => {
      if (!url) return;
      el.classList.add('has-tiles');
      map.setMaxZoom(18);
      const attribution = escapeHtml(t('map.tiles_attribution', { host: tileHost(url) }));
      L.tileLayer(url, { attribution, maxZoom: 18 }).addTo(map);
    },
    () => {},
  );
  return map;
}

// A cluster group whose clusters are circles with the count (in the reader's digits), in the
// layer's colour class.
export function clusterGroup(kind) {
  return L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 45,
    chunkedLoading: true,
    iconCreateFunction: (cluster) => {
      const n = cluster.getChildCount();
      const size = n < 10 ? 30 : n < 100 ? 36 : 44;
      return L.divIcon({
        html: num(n),
        className: `cluster cluster-${kind}`,
        iconSize: L.point(size, size),
      });
    },
  });
}

// The counts per grid cell of `grid` (GET /api/v1/incidents/grid, /api/v1/events/grid) as
// bubbles: each at the mean position of its records, sized by its count, with the count as its
// text (`label(n)`; `title(n)` says it in words). Cells whose bubbles would overlap at this zoom
// are drawn as one (counts added, positions weighted), so each record is in exactly one bubble
// and the bubbles add up to the grid's total. A click (or Enter) zooms in to the bubble's cells.
export function countBubbles(map, kind, grid, label, title) {
  const sizeOf = (n) => Math.round(Math.min(64, 26 + 9 * Math.log10(Math.max(1, n))));
  const half = grid.cell / 2;
  const groups = [];
  for (const c of grid.cells.slice().sort((a, b) => b.count - a.count)) {
    const p = map.latLngToLayerPoint([c.lat_mean, c.lon_mean]);
    const cellBounds = L.latLngBounds([c.lat - half, c.lon - half], [c.lat + half, c.lon + half]);
    const size = sizeOf(c.count);
    const g = groups.find((x) => x.p.distanceTo(p) < (x.size + size) / 2);
    if (!g) {
      groups.push({
        lat: c.lat_mean,
        lon: c.lon_mean,
        count: c.count,
        bounds: cellBounds,
        size,
        p,
      });
      continue;
    }
    const n = g.count + c.count;
    g.lat = (g.lat * g.count + c.lat_mean * c.count) / n;
    g.lon = (g.lon * g.count + c.lon_mean * c.count) / n;
    g.count = n;
    g.bounds.extend(cellBounds);
    g.size = sizeOf(n);
    g.p = map.latLngToLayerPoint([g.lat, g.lon]);
  }
  return groups.map((g) => {
    const m = L.marker([g.lat, g.lon], {
      icon: L.divIcon({
        html: label(g.count),
        className: `grid-bubble grid-${kind}`,
        iconSize: L.point(g.size, g.size),
      }),
      title: title(g.count),
      alt: title(g.count),
      riseOnHover: true,
    });
    m.on('click', () =>
      map.setView(g.bounds.getCenter(), Math.max(map.getBoundsZoom(g.bounds), map.getZoom() + 1)),
    );
    return m;
  });
}
