// The map's geometry that needs no map: boxes around matches across the antimeridian, and
// longitudes moved to the world copy in view. Pure functions (CTest web/fit runs them in node).

// The smallest box around points given as [south, west, north, east] boxes, across the
// antimeridian when that is shorter: boxes at 179°E and 179°W make a box 2° wide (west 178,
// east 182), not one around the world. The longitudes are read as arcs of the circle: the
// box is the circle less its widest gap with no box in it. Returns [[south, west], [north,
// east]] with east > west (east may pass 180, which Leaflet draws east of the meridian), or
// null for no box.
export function boundsAround(boxes) {
  if (!boxes.length) return null;
  let south = 90;
  let north = -90;
  const arcs = [];
  for (const [s, w, n, e] of boxes) {
    south = Math.min(south, s);
    north = Math.max(north, n);
    // Into -180..180 by whole turns (a value already there stays exactly as it is).
    let west = w;
    while (west < -180) west += 360;
    while (west >= 180) west -= 360;
    arcs.push([west, west + Math.max(0, e - w)]);
  }
  arcs.sort((a, b) => a[0] - b[0]);
  // Merge overlapping arcs, then find the widest gap between them (the last one wraps).
  const merged = [];
  for (const a of arcs) {
    const last = merged[merged.length - 1];
    if (last && a[0] <= last[1]) last[1] = Math.max(last[1], a[1]);
    else merged.push(a.slice());
  }
  let west = merged[0][0];
  let east = merged[merged.length - 1][1];
  let gap = west + 360 - east;
  for (let i = 1; i < merged.length; i++) {
    const g = merged[i][0] - merged[i - 1][1];
    if (g > gap) {
      gap = g;
      west = merged[i][0];
      east = merged[i - 1][1] + 360;
    }
  }
  if (gap <= 0)
    return [
      [south, -180],
      [north, 180],
    ];
  return [
    [south, west],
    [north, east],
  ];
}

// A longitude moved by whole turns to lie nearest `centre`: a point at 179°W is drawn at
// 181° on a map centred on the antimeridian.
export function lonNear(lon, centre) {
  return lon + 360 * Math.round((centre - lon) / 360);
}

// The map's view as the API's bbox (west,south,east,north): across the antimeridian, west is
// greater than east (the API takes that box as it is); wider than the world, all of it.
export function viewBox(map) {
  const b = map.getBounds();
  let west = b.getWest();
  let east = b.getEast();
  if (east - west >= 360) {
    west = -180;
    east = 180;
  } else {
    const wrap = (x) => ((((x + 180) % 360) + 360) % 360) - 180;
    west = wrap(west);
    east = wrap(east);
    // A view edge exactly on 180° reads as -180 once wrapped; it is the east edge.
    if (east === -180) east = 180;
  }
  const south = Math.max(-90, b.getSouth());
  const north = Math.min(90, b.getNorth());
  const r = (x) => Math.round(x * 1e4) / 1e4;
  return [r(west), r(south), r(east), r(north)].join(',');
}
