// Coordinates as people type them: decimal degrees ("5.7600, 20.6800", "5.76 N 20.68 E",
// "-4.3 15.3"), degrees-minutes-seconds ("5°45'36\"N 20°40'48\"E", "5 45 36 N, 20 40 48 E") and
// MGRS ("34N DK 12345 67890", the military grid NATO forces and UN missions read off their maps),
// and back. Everything is WGS 84. UTM is computed with Krüger's series to the sixth order of the
// third flattening (Karney 2011), exact to well under a millimetre inside a zone, so a point
// typed in MGRS and stored in degrees comes back as the same square.
//
// This module has no words of its own: a problem is a CoordError whose `code` and `params` the
// form turns into a sentence from the catalog (`coords.CODE`), e.g. code 'range' with
// {part: 'latitude', value: '95', max: 90} → "latitude 95 is beyond 90".

export class CoordError extends Error {
  constructor(code, params) {
    super(code);
    this.code = code;
    this.params = params || {};
  }
}

const fail = (code, params) => {
  throw new CoordError(code, params);
};

// WGS 84 and UTM's constants.
const A_AXIS = 6378137;
const FLAT = 1 / 298.257223563;
const K0 = 0.9996;
const FALSE_EASTING = 500000;
const FALSE_NORTHING_S = 10000000;
const N3 = FLAT / (2 - FLAT);
const ECC = Math.sqrt(FLAT * (2 - FLAT));
const RECT = (A_AXIS / (1 + N3)) * (1 + N3 ** 2 / 4 + N3 ** 4 / 64 + N3 ** 6 / 256);
const n = N3;
const ALPHA = [
  n / 2 -
    (2 * n ** 2) / 3 +
    (5 * n ** 3) / 16 +
    (41 * n ** 4) / 180 -
    (127 * n ** 5) / 288 +
    (7891 * n ** 6) / 37800,
  (13 * n ** 2) / 48 -
    (3 * n ** 3) / 5 +
    (557 * n ** 4) / 1440 +
    (281 * n ** 5) / 630 -
    (1983433 * n ** 6) / 1935360,
  (61 * n ** 3) / 240 -
    (103 * n ** 4) / 140 +
    (15061 * n ** 5) / 26880 +
    (167603 * n ** 6) / 181440,
  (49561 * n ** 4) / 161280 - (179 * n ** 5) / 168 + (6601661 * n ** 6) / 7257600,
  (34729 * n ** 5) / 80640 - (3418889 * n ** 6) / 1995840,
  (212378941 * n ** 6) / 319334400,
];
const BETA = [
  n / 2 -
    (2 * n ** 2) / 3 +
    (37 * n ** 3) / 96 -
    n ** 4 / 360 -
    (81 * n ** 5) / 512 +
    (96199 * n ** 6) / 604800,
  n ** 2 / 48 +
    n ** 3 / 15 -
    (437 * n ** 4) / 1440 +
    (46 * n ** 5) / 105 -
    (1118711 * n ** 6) / 3870720,
  (17 * n ** 3) / 480 - (37 * n ** 4) / 840 - (209 * n ** 5) / 4480 + (5569 * n ** 6) / 90720,
  (4397 * n ** 4) / 161280 - (11 * n ** 5) / 504 - (830251 * n ** 6) / 7257600,
  (4583 * n ** 5) / 161280 - (108847 * n ** 6) / 3991680,
  (20648693 * n ** 6) / 638668800,
];
const RAD = Math.PI / 180;

// tan φ → tan of the conformal latitude.
function conformal(tau) {
  const sigma = Math.sinh(ECC * Math.atanh((ECC * tau) / Math.hypot(1, tau)));
  return tau * Math.hypot(1, sigma) - sigma * Math.hypot(1, tau);
}

const centralMeridian = (zone) => (zone - 1) * 6 - 180 + 3;

// Degrees → UTM easting and northing in `zone` (the caller chooses it, so a point can be given
// in a neighbouring zone). Southern hemisphere northings carry the 10,000 km false northing.
export function toUtm(lat, lon, zone) {
  const phi = lat * RAD;
  const lambda = (((lon - centralMeridian(zone) + 540) % 360) - 180) * RAD;
  const tauP = conformal(Math.tan(phi));
  const xiP = Math.atan2(tauP, Math.cos(lambda));
  const etaP = Math.asinh(Math.sin(lambda) / Math.hypot(tauP, Math.cos(lambda)));
  let xi = xiP;
  let eta = etaP;
  for (let j = 1; j <= 6; j++) {
    xi += ALPHA[j - 1] * Math.sin(2 * j * xiP) * Math.cosh(2 * j * etaP);
    eta += ALPHA[j - 1] * Math.cos(2 * j * xiP) * Math.sinh(2 * j * etaP);
  }
  const easting = FALSE_EASTING + K0 * RECT * eta;
  let northing = K0 * RECT * xi;
  if (lat < 0) northing += FALSE_NORTHING_S;
  return { zone, easting, northing };
}

// UTM → degrees; `south` for a southern-hemisphere northing.
export function fromUtm(zone, easting, northing, south) {
  const eta = (easting - FALSE_EASTING) / (K0 * RECT);
  const xi = (south ? northing - FALSE_NORTHING_S : northing) / (K0 * RECT);
  let xiP = xi;
  let etaP = eta;
  for (let j = 1; j <= 6; j++) {
    xiP -= BETA[j - 1] * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    etaP -= BETA[j - 1] * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const sinhEtaP = Math.sinh(etaP);
  const tauP = Math.sin(xiP) / Math.hypot(sinhEtaP, Math.cos(xiP));
  // Newton's method on τ′(τ): converges in two or three steps.
  let tau = tauP;
  for (let i = 0; i < 20; i++) {
    const tauIP = conformal(tau);
    const e2 = ECC * ECC;
    const d =
      ((tauP - tauIP) / Math.hypot(1, tauIP)) *
      ((1 + (1 - e2) * tau * tau) / ((1 - e2) * Math.hypot(1, tau)));
    tau += d;
    if (Math.abs(d) < 1e-13) break;
  }
  const lat = Math.atan(tau) / RAD;
  const lon = Math.atan2(sinhEtaP, Math.cos(xiP)) / RAD + centralMeridian(zone);
  return { lat, lon: ((((lon + 180) % 360) + 360) % 360) - 180 };
}

// The latitude bands, 8° each from 80° S; X is 12° (72° N to 84° N).
const BANDS = 'CDEFGHJKLMNPQRSTUVWX';
const bandSouth = (b) => -80 + BANDS.indexOf(b) * 8;
const bandNorth = (b) => (b === 'X' ? 84 : bandSouth(b) + 8);
// The 100 km squares' letters: I and O are left out (they read as 1 and 0).
const COLS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const ROWS = 'ABCDEFGHJKLMNPQRSTUV';

// The UTM zone of a point, with the two exceptions: south-western Norway (zone 32 is widened
// to 3° E) and Svalbard (zones 31, 33, 35, 37 are widened over the even ones, which are unused).
export function utmZone(lat, lon) {
  const x = ((((lon + 180) % 360) + 360) % 360) - 180;
  let zone = Math.floor((x + 180) / 6) + 1;
  if (zone > 60) zone = 60;
  if (lat >= 56 && lat < 64 && x >= 3 && x < 12) zone = 32;
  if (lat >= 72 && lat < 84 && x >= 0 && x < 42) {
    if (x < 9) zone = 31;
    else if (x < 21) zone = 33;
    else if (x < 33) zone = 35;
    else zone = 37;
  }
  return zone;
}

// The west and east edges of a zone within a band, exceptions included.
function zoneSpan(zone, band) {
  let w = centralMeridian(zone) - 3;
  let e = w + 6;
  if (band === 'V' && zone === 31) e = 3;
  if (band === 'V' && zone === 32) w = 3;
  if (band === 'X') {
    if (zone === 31) e = 9;
    if (zone === 33) [w, e] = [9, 21];
    if (zone === 35) [w, e] = [21, 33];
    if (zone === 37) w = 33;
    if (zone === 32 || zone === 34 || zone === 36) e = w; // not used in Svalbard
  }
  return [w, e];
}

// The letters of the 100 km square at an easting and northing, for the zone's letter set.
function squareLetters(zone, easting, northing) {
  const set = ((zone - 1) % 6) + 1;
  const col = COLS.charAt(((set - 1) % 3) * 8 + Math.floor(easting / 100000) - 1);
  const row = ROWS.charAt((Math.floor(northing / 100000) + (set % 2 ? 0 : 5)) % 20);
  return col + row;
}

// Degrees → "34N DK 12345 67890" (`digits` per axis, 1 to 5: 1 m to 10 km squares; MGRS
// truncates, so the reference is the south-west corner of the square the point lies in).
export function toMgrs(lat, lon, digits = 5) {
  if (!(lat >= -80 && lat <= 84)) fail('mgrs_polar', { value: fmtNumber(lat) });
  const zone = utmZone(lat, lon);
  const band = BANDS.charAt(Math.min(19, Math.floor((lat + 80) / 8)));
  const u = toUtm(lat, lon, zone);
  const sq = squareLetters(zone, u.easting, u.northing);
  const unit = 10 ** (5 - digits);
  const part = (v) => String(Math.floor((v % 100000) / unit + 1e-9)).padStart(digits, '0');
  return `${zone}${band} ${sq} ${part(u.easting)} ${part(u.northing)}`;
}

// "34N DK 12345 67890" (spaces anywhere or none) → {lat, lon, precision} at the centre of the
// square the reference names; `precision` is the square's side in metres.
export function parseMgrs(text) {
  const s = String(text).replace(/\s+/g, '').toUpperCase();
  const m = /^(\d{1,2})([A-Z])([A-Z])([A-Z])(\d*)$/.exec(s);
  if (!m) fail('unknown');
  const zone = Number(m[1]);
  const [band, colL, rowL, digits] = [m[2], m[3], m[4], m[5]];
  if (zone < 1 || zone > 60) fail('mgrs_zone', { zone: m[1] });
  if (BANDS.indexOf(band) < 0) fail('mgrs_band', { band });
  if (digits.length % 2 || digits.length > 10)
    fail('mgrs_digits', { digits, count: digits.length });
  const half = digits.length / 2;
  const unit = 10 ** (5 - half);
  const east = half ? Number(digits.slice(0, half)) * unit : 0;
  const north = half ? Number(digits.slice(half)) * unit : 0;
  const square = colL + rowL;
  const noSquare = () => fail('mgrs_square', { zone, band, square });

  const set = ((zone - 1) % 6) + 1;
  const colIdx = COLS.indexOf(colL) - ((set - 1) % 3) * 8;
  if (colIdx < 0 || colIdx > 7 || ROWS.indexOf(rowL) < 0) noSquare();
  const e100 = (colIdx + 1) * 100000;
  const n100 = ((ROWS.indexOf(rowL) - (set % 2 ? 0 : 5) + 20) % 20) * 100000;
  const south = band < 'N';
  const [bs, bn] = [bandSouth(band), bandNorth(band)];
  const [zw, ze] = zoneSpan(zone, band);
  // The row letters repeat every 2,000 km: the band says which repetition is meant. A square
  // belongs to the band and the zone when some of it lies inside both.
  for (let k = 0; k < 5; k++) {
    const n0 = n100 + k * 2000000;
    if (n0 >= 10000000) break;
    const corners = [
      [e100, n0],
      [e100 + 100000, n0],
      [e100, n0 + 100000],
      [e100 + 100000, n0 + 100000],
    ].map(([e, nn]) => fromUtm(zone, e, nn, south));
    const lats = corners.map((c) => c.lat);
    const lons = corners.map((c) => c.lon);
    if (Math.max(...lats) <= bs || Math.min(...lats) >= bn) continue;
    if (Math.max(...lons) <= zw || Math.min(...lons) >= ze) continue;
    const p = fromUtm(zone, e100 + east + unit / 2, n0 + north + unit / 2, south);
    return { lat: p.lat, lon: p.lon, precision: unit, notation: 'mgrs' };
  }
  return noSquare();
}

// A number as typed, for messages ("95", "-4.3").
function fmtNumber(v) {
  return String(Math.round(v * 1e6) / 1e6);
}

// Degrees of latitude are about 111 km, a minute 1,852 m (a nautical mile), a second 31 m.
const DEGREE_M = 111320;

// One coordinate from its numbers, e.g. [{v: 5}, {v: 45}, {v: 36, unit: '"'}]. `part` is
// 'latitude' or 'longitude' (for messages).
function dmsValue(nums, part) {
  if (nums.length > 3) fail('too_many_numbers', { part });
  const units = nums.map((x) => x.unit);
  const named = units.some(Boolean);
  let d = 0;
  let mi = 0;
  let se = 0;
  let precision = DEGREE_M;
  const decimals = (x) => (x.text.split('.')[1] || '').length;
  if (named) {
    const seen = new Set();
    for (const x of nums) {
      const u = x.unit || (seen.size === 0 ? '°' : seen.has("'") ? '"' : "'");
      if (seen.has(u)) fail('unknown');
      seen.add(u);
      if (u === '°') d = x;
      else if (u === "'") mi = x;
      else se = x;
    }
  } else {
    [d, mi, se] = [nums[0], nums[1] || 0, nums[2] || 0];
  }
  const num = (x) => (x ? x.v : 0);
  // Only the last number given may have a fraction ("5°45.6'" is fine, "5.5°45'" is not).
  const given = [d, mi, se].filter(Boolean);
  for (const x of given.slice(0, -1)) if (x.text.includes('.')) fail('fraction', { part });
  for (const x of [mi, se]) if (x && x.sign) fail('unknown');
  if (num(mi) >= 60) fail('minutes', { part, value: mi.text });
  if (num(se) >= 60) fail('seconds', { part, value: se.text });
  const last = given[given.length - 1];
  if (last === se) precision = (DEGREE_M / 3600) * 10 ** -decimals(se);
  else if (last === mi) precision = (DEGREE_M / 60) * 10 ** -decimals(mi);
  else precision = DEGREE_M * 10 ** -decimals(d);
  const sign = d && d.sign ? -1 : 1;
  return { v: sign * (Math.abs(num(d)) + num(mi) / 60 + num(se) / 3600), precision };
}

// The tokens of a pair of coordinates: numbers (with a unit sign after them), hemisphere
// letters, separators.
function tokens(text) {
  const s = String(text)
    .normalize('NFKC')
    .replace(/[′’‘´`]/g, "'")
    .replace(/[″”“]|''/g, '"')
    .replace(/[º˚]/g, '°')
    .replace(/[−–]/g, '-')
    .trim();
  const out = [];
  const re =
    /\s*(?:([+-]?)(\d+(?:[.,]\d+)?|\.\d+)\s*([°'"]|deg\b|d\b)?|([NSEWnsew])(?![A-Za-z])|([;,/]))/y;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m || m[0].length === 0) {
      if (/^\s+$/.test(s.slice(i))) break;
      fail('unknown');
    }
    i = re.lastIndex;
    if (m[2] !== undefined) {
      const txt = m[2];
      const unit = m[3] ? (m[3][0] === 'd' ? '°' : m[3]) : '';
      out.push({
        kind: 'num',
        text: txt.replace(',', '.'),
        v: Number(txt.replace(',', '.')),
        sign: m[1] === '-',
        unit,
        raw: `${m[1]}${txt}`,
      });
    } else if (m[4]) out.push({ kind: 'hemi', h: m[4].toUpperCase() });
    else out.push({ kind: 'sep' });
  }
  return out;
}

// "5.76 N 20.68 E" and the other latitude-longitude notations → {lat, lon, precision}.
function parsePair(text) {
  // A comma right between digits is a decimal comma ("5,76 20,68"); with a space after it, or
  // after a number that has its decimal point already ("5.76,20.68"), it separates the two.
  const toks = tokens(text);
  const nums = toks.filter((x) => x.kind === 'num');
  if (!nums.length) fail('unknown');
  const hemis = toks.filter((x) => x.kind === 'hemi');
  let groups;
  if (hemis.length) {
    if (hemis.length !== 2) fail('hemisphere_count');
    if (nums.some((x) => x.sign)) fail('sign_and_hemisphere');
    const prefix = toks[0].kind === 'hemi';
    groups = [];
    let cur = { nums: [] };
    for (const x of toks) {
      if (x.kind === 'sep') continue;
      if (x.kind === 'hemi') {
        if (prefix) {
          if (cur.h) groups.push(cur);
          cur = { nums: [], h: x.h };
        } else {
          cur.h = x.h;
          groups.push(cur);
          cur = { nums: [] };
        }
      } else cur.nums.push(x);
    }
    if (prefix) groups.push(cur);
    else if (cur.nums.length) fail('hemisphere_count');
  } else {
    const sepAt = toks.findIndex((x) => x.kind === 'sep');
    if (sepAt >= 0) {
      groups = [
        { nums: toks.slice(0, sepAt).filter((x) => x.kind === 'num') },
        { nums: toks.slice(sepAt + 1).filter((x) => x.kind === 'num') },
      ];
      if (toks.slice(sepAt + 1).some((x) => x.kind === 'sep')) fail('unknown');
    } else if (nums.some((x) => x.unit === '°') && nums[0].unit === '°') {
      groups = [];
      for (const x of nums) {
        if (x.unit === '°') groups.push({ nums: [] });
        groups[groups.length - 1].nums.push(x);
      }
    } else if (nums.length % 2 === 0) {
      const h = nums.length / 2;
      groups = [{ nums: nums.slice(0, h) }, { nums: nums.slice(h) }];
    } else fail('one_coordinate');
  }
  if (groups.length !== 2 || groups.some((g) => !g.nums.length)) fail('one_coordinate');
  let [g1, g2] = groups;
  const isLat = (g) => g.h === 'N' || g.h === 'S';
  if (g1.h && g2.h) {
    if (isLat(g1) === isLat(g2)) fail(isLat(g1) ? 'two_latitudes' : 'two_longitudes');
    if (!isLat(g1)) [g1, g2] = [g2, g1];
  }
  const la = dmsValue(g1.nums, 'latitude');
  const lo = dmsValue(g2.nums, 'longitude');
  const lat = g1.h === 'S' ? -la.v : la.v;
  const lon = g2.h === 'W' ? -lo.v : lo.v;
  const shown = (g, v) => (g.nums.length === 1 ? g.nums[0].raw : fmtNumber(v));
  if (Math.abs(lat) > 90) fail('range', { part: 'latitude', value: shown(g1, lat), max: 90 });
  if (Math.abs(lon) > 180) fail('range', { part: 'longitude', value: shown(g2, lon), max: 180 });
  const dms = groups.some((g) => g.nums.length > 1 || g.nums.some((x) => x.unit && x.unit !== '°'));
  return {
    lat,
    lon,
    precision: Math.max(la.precision, lo.precision),
    notation: dms ? 'dms' : 'decimal',
  };
}

// Any notation → {lat, lon, precision (metres), notation: 'decimal'|'dms'|'mgrs'}; throws a
// CoordError naming what is wrong.
export function parseCoordinates(text) {
  const s = String(text || '').trim();
  if (!s) fail('empty');
  // MGRS starts with a zone number and a band letter directly after it ("34N", "34 N DK").
  if (/^\d{1,2}\s*[A-Za-z]\s*[A-Za-z]{2}(\s*\d)*\s*$/.test(s)) return parseMgrs(s);
  return parsePair(s);
}

// 20.68 → "20°40′48.0″" (seconds to a tenth: about 3 m), with the hemisphere letter.
function dmsPart(v, pos, neg) {
  const a = Math.abs(v);
  let d = Math.floor(a);
  let mi = Math.floor((a - d) * 60);
  let se = Math.round(((a - d) * 60 - mi) * 600) / 10;
  if (se >= 60) {
    se = 0;
    mi += 1;
  }
  if (mi >= 60) {
    mi = 0;
    d += 1;
  }
  return `${d}°${String(mi).padStart(2, '0')}′${se.toFixed(1).padStart(4, '0')}″${v < 0 ? neg : pos}`;
}

// → "5°45′36.0″N 20°40′48.0″E". The letters are the notation's (N S E W in every language).
export function toDms(lat, lon) {
  return `${dmsPart(lat, 'N', 'S')} ${dmsPart(lon, 'E', 'W')}`;
}

// A precision in metres → the API's place precision (docs/incidents.md): a point known to 100 m
// is exact, to a few km near, to tens of km a district (admin2), to a couple of hundred km a
// region (admin1), beyond that the country.
export function placePrecisionOf(metres) {
  if (metres <= 100) return 'exact';
  if (metres <= 2000) return 'near';
  if (metres <= 25000) return 'admin2';
  if (metres <= 200000) return 'admin1';
  return 'country';
}

// Metres on the ground per screen pixel at a zoom and latitude (Web Mercator, 256 px tiles).
export function metresPerPixel(zoom, lat) {
  return (40075016.686 * Math.cos(lat * RAD)) / (256 * 2 ** zoom);
}

// How sure a click is: a pointer lands within a few pixels of where it was meant (a finger
// more), so a click's precision is about 8 px on the ground at the zoom it was made at.
export const CLICK_PIXELS = 8;
export function clickPrecision(zoom, lat) {
  return CLICK_PIXELS * metresPerPixel(zoom, lat);
}

// The zoom at which a point of `metres` precision fills about 64 px, within [min, max].
export function zoomFor(metres, lat, min, max) {
  const z = Math.floor(Math.log2((40075016.686 * Math.cos(lat * RAD) * 64) / (256 * metres)));
  return Math.max(min, Math.min(max, z));
}
