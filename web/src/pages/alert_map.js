// An alert's areas on the map (polygons and circles), fitted to them: a script of its own with
// Leaflet, fetched only when an alert with an area opens, so the feed never loads the map. It
// uses ui.js (errorNote) on purpose as well: the shell's shared chunk then stays one chunk.
import { L, createMap } from '../incidents/basemap.js';
import { t } from '../i18n.js';
import { errorNote } from '../ui.js';

// The areas on a map in `box`; the map (to remove when the page is left), or null.
export function areaMap(box, areas) {
  if (!box.isConnected) return null;
  let map;
  try {
    map = createMap(box, { center: [10, 15], zoom: 3 });
  } catch (e) {
    box.replaceChildren(errorNote({ message: t('shell.page_failed') }));
    return null;
  }
  const layers = [];
  for (const x of areas) {
    if (x.polygon && x.polygon.length)
      layers.push(L.polygon(x.polygon, { className: 'alert-area' }).addTo(map));
    else if (x.circle)
      layers.push(
        L.circle([x.circle.lat, x.circle.lon], {
          radius: Number(x.circle.radius_km) * 1000,
          className: 'alert-area',
        }).addTo(map),
      );
  }
  // Without animation: a page left during an animated zoom would leave Leaflet's timers
  // running on a removed map.
  if (layers.length)
    map.fitBounds(L.featureGroup(layers).getBounds(), { maxZoom: 10, animate: false });
  return map;
}

// Removes a map when its page is left: an animation still running (a zoom by the wheel) is
// ended first, or its timer would run on the removed map (the `_leaflet_pos` error).
export function removeMap(map) {
  if (!map) return;
  map.stop();
  if (map._animatingZoom) map._onZoomTransitionEnd();
  map.remove();
}
