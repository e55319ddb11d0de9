// The map the incident pages draw on: Leaflet with an offline base layer, the country outlines
// of Natural Earth (1:110m, from the world-atlas package) converted from TopoJSON with
// topojson-client and drawn as a GeoJSON layer, so no tile server is needed. Where the server
// names one (the `map_tile_url` setting, told by GET /api/v1/version) its tiles go under the
// outlines. Leaflet and its cluster plugin are in this page's script only; the outlines are a
// script of their own (about 100 KB), fetched once and then cached with the rest. The map's
// controls speak the reader's language and, in a right-to-left page, sit on the mirrored side;
// the map itself is never mirrored (west stays on the left).
import L from 'leaflet';
import 'leaflet.markercluster';
import { feature } from 'topojson-client';
import { direction, num, t } from '../i18n.js';
import { getTileUrl } from './common.js';

export { L };

let outlines = null;
function getOutlines() {
  if (!outlines) {
    const p = import('world-atlas/countries-110m.json').then((m) => {
      const topo = m.default || m;
      return feature(topo, topo.objects.countries);
    });
    outlines = p;
    p.catch(() => {
      if (outlines === p) outlines = null;
    });
  }
  return outlines;
}

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

// A Leaflet map in `el` with the base layers; `options` go to L.map. `onBaseError(text)` hears
// when the outlines could not be loaded (the markers still work).
export function createMap(el, options, onBaseError) {
  const { zoomControl = true, attributionControl = true, ...rest } = options || {};
  const map = L.map(
    el,
    Object.assign(
      {
        worldCopyJump: true,
        minZoom: 1,
        maxZoom: 12,
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
  }
  // Leaflet names a popup's close button in English ("Close popup"), on the button it makes
  // when the popup opens.
  map.on('popupopen', (e) => {
    const close =
      e.popup.getElement() && e.popup.getElement().querySelector('.leaflet-popup-close-button');
    if (close) close.setAttribute('aria-label', t('map.close_popup'));
  });
  // The outlines lie in a pane of their own, under the markers whatever order they arrive in.
  map.createPane('outlines');
  getOutlines().then(
    (geo) => {
      L.geoJSON(geo, {
        pane: 'outlines',
        renderer: L.svg({ pane: 'outlines' }),
        interactive: false,
        attribution: 'Natural Earth',
        style: { className: 'country', weight: 0.7 },
      }).addTo(map);
    },
    () => {
      if (onBaseError) onBaseError(t('map.outlines_failed'));
    },
  );
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

// The view's bounding box as the API takes it (west,south,east,north), within the world's
// limits: a view wider than the world asks for all of it.
export function bboxOf(map) {
  const b = map.getBounds();
  let west = b.getWest();
  let east = b.getEast();
  if (east - west >= 360) {
    west = -180;
    east = 180;
  } else {
    // A view across the antimeridian after panning around the world: bring it back.
    while (west < -180) {
      west += 360;
      east += 360;
    }
    while (west > 180) {
      west -= 360;
      east -= 360;
    }
    if (east > 180) {
      // The API's box does not wrap: the part east of 180 is left for the next pan.
      east = 180;
    }
  }
  const south = Math.max(-90, b.getSouth());
  const north = Math.min(90, b.getNorth());
  const r = (x) => Math.round(x * 1e4) / 1e4;
  return [r(west), r(south), r(east), r(north)].join(',');
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
