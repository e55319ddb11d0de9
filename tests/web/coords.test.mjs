// web/src/coords.js (CTest: web/coords): coordinates typed in decimal degrees, DMS and MGRS,
// and formatted back. The reference values were computed with GeographicLib's GeoConvert
// (Debian geographiclib-tools: `GeoConvert -m -p 0`, `-u -p 3`, `-g -p 9`) and the UTM ones
// checked again with PROJ's cs2cs (`+proj=utm +zone=Z [+south] +datum=WGS84`), two
// independent implementations; they are written here so that the test needs neither. When
// cs2cs is installed the test also compares a few live conversions with it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const coords = await import(path.join(root, 'web', 'src', 'coords.js'));
const { CoordError, fromUtm, parseCoordinates, placePrecisionOf, toDms, toMgrs, toUtm, utmZone } =
  coords;

// [lat, lon, MGRS at 1 m, zone, easting, northing]: GeoConvert's answers.
const POINTS = [
  [5.76, 20.68, '34N DM 64570 36684', 34, 464570.42, 636684.49], // Bambari
  [-4.3, 15.3, '33M WR 33289 24705', 33, 533289.299, 9524705.317], // Kinshasa
  [60.39, 5.32, '32V KN 97230 00510', 32, 297230.22, 6700510.175], // Bergen: Norway's zone 32
  [78.22, 15.65, '33X WG 14813 83004', 33, 514813.527, 8683004.153], // Svalbard's zone 33
  [18.54, -72.34, '18Q YF 80806 52004', 18, 780806.056, 2052004.386], // Port-au-Prince
  [-1.68, 29.22, '35M QU 46987 14168', 35, 746987.06, 9814168.654], // Goma
  [33.27, 35.2, '36S YB 04906 83378', 36, 704906.793, 3683378.555], // south Lebanon
  [-33.9249, 18.4241, '34H BH 61881 43182', 34, 261881.599, 6243182.355], // Cape Town
  [0.0001, -0.0001, '30N ZF 33967 00011', 30, 833967.414, 11.068], // by the equator
  [-79.5, -170.5, '2C NS 10171 74177', 2, 510171.976, 1174177.326], // band C
  [83.9, -30.2, '25X EP 33205 17737', 25, 533205.88, 9317737.097], // band X
  [47.3763, 8.5403, '32T MT 65297 47084', 32, 465297.206, 5247084.782], // Zürich
];

// [MGRS, lat, lon]: the centre of the square, as GeoConvert -g gives it.
const CENTRES = [
  ['34NDM6457036684', 5.76000009309166, 20.680000724608],
  ['34NDM64573668', 5.76000463903669, 20.68004136565142],
  ['34NDM6436', 5.75833070096213, 20.67936491107751],
  ['34NDM', 5.88036431796465, 20.54830617820914],
  ['34N DK 12345 67890', 4.23267143366832, 20.21015608755253],
  ['33MWR3328924705', -4.29999834159884, 15.3000018064195],
  ['02CNS1017174177', -79.49999848068803, -170.50002345956543],
  ['25XEP3320517737', 83.90000377122475, -30.20003033734756],
  ['32VKN9723000510', 60.39000304997971, 5.32000473679752],
  ['33XWG1481383004', 78.22000310928492, 15.64999897275221],
  ['34HBH6188143182', -33.9248986669333, 18.42409897461854],
];

// A metre in degrees of latitude, roughly.
const M = 1 / 111320;

function near(actual, expected, tol, what) {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} (±${tol})`,
  );
}

function throwsCode(text, code, params) {
  assert.throws(
    () => parseCoordinates(text),
    (e) => {
      assert.ok(e instanceof CoordError, `${text}: not a CoordError: ${e}`);
      assert.equal(e.code, code, `${text}: code`);
      if (params) assert.deepEqual(e.params, params, `${text}: params`);
      return true;
    },
  );
}

test('web/coords/utm-forward: degrees to UTM match GeoConvert and cs2cs to the millimetre', () => {
  for (const [lat, lon, , zone, e, n] of POINTS) {
    assert.equal(utmZone(lat, lon), zone, `zone of ${lat} ${lon}`);
    const u = toUtm(lat, lon, zone);
    near(u.easting, e, 0.001, `easting of ${lat} ${lon}`);
    near(u.northing, n, 0.001, `northing of ${lat} ${lon}`);
  }
});

test('web/coords/utm-inverse: UTM back to degrees returns the point', () => {
  for (const [lat, lon, , zone, e, n] of POINTS) {
    const p = fromUtm(zone, e, n, lat < 0);
    near(p.lat, lat, 0.002 * M, `latitude of ${zone} ${e} ${n}`);
    near(p.lon, lon, (0.002 * M) / Math.cos((lat * Math.PI) / 180), `longitude of ${zone}`);
  }
});

test('web/coords/mgrs-format: degrees to MGRS match GeoConvert, letters and exceptions too', () => {
  for (const [lat, lon, mgrs] of POINTS) assert.equal(toMgrs(lat, lon), mgrs, `${lat} ${lon}`);
  assert.equal(toMgrs(5.76, 20.68, 1), '34N DM 6 3');
  assert.equal(toMgrs(5.76, 20.68, 3), '34N DM 645 366');
  assert.throws(
    () => toMgrs(85, 0),
    (e) => e.code === 'mgrs_polar',
  );
});

test('web/coords/mgrs-parse: squares of 1 m to 100 km come back as their centres', () => {
  for (const [text, lat, lon] of CENTRES) {
    const p = parseCoordinates(text);
    assert.equal(p.notation, 'mgrs', text);
    near(p.lat, lat, 0.001 * M, `${text} latitude`);
    near(p.lon, lon, 0.001 * M * 10, `${text} longitude`);
  }
  assert.equal(parseCoordinates('34NDM6457036684').precision, 1);
  assert.equal(parseCoordinates('34N DM 6457 3668').precision, 10);
  assert.equal(parseCoordinates('34NDM64').precision, 10000);
  assert.equal(parseCoordinates('34ndm').precision, 100000, 'lower case and no digits');
});

test('web/coords/mgrs-errors: wrong zone, band, letters and digits are named', () => {
  // Bambari's square DM is zone 34's: zone 33 uses the columns S-Z, 35 J-R.
  throwsCode('33N DM 64570 36684', 'mgrs_square', { zone: 33, band: 'N', square: 'DM' });
  throwsCode('35NDM6457036684', 'mgrs_square', { zone: 35, band: 'N', square: 'DM' });
  // The right zone but the band north of it (8-16° N): DM lies at 5° N.
  throwsCode('34P DM 64570 36684', 'mgrs_square', { zone: 34, band: 'P', square: 'DM' });
  throwsCode('34M DM 64570 36684', 'mgrs_square', { zone: 34, band: 'M', square: 'DM' });
  // No row letter W; no column Z in zone 34's set (A-H).
  throwsCode('34NDW1234', 'mgrs_square', { zone: 34, band: 'N', square: 'DW' });
  throwsCode('34NZZ1234', 'mgrs_square', { zone: 34, band: 'N', square: 'ZZ' });
  // Svalbard has no zone 32.
  throwsCode('32XNA', 'mgrs_square', { zone: 32, band: 'X', square: 'NA' });
  throwsCode('61N DM 1 1', 'mgrs_zone', { zone: '61' });
  throwsCode('0NDM11', 'mgrs_zone', { zone: '0' });
  throwsCode('34I DM 1 1', 'mgrs_band', { band: 'I' });
  throwsCode('34Z DM 1 1', 'mgrs_band', { band: 'Z' });
  throwsCode('34N DM 123 45', 'mgrs_digits', { digits: '12345', count: 5 });
  throwsCode('34NDM123456789012', 'mgrs_digits', { digits: '123456789012', count: 12 });
});

test('web/coords/decimal: the ways people write decimal degrees', () => {
  const cases = [
    ['5.7600, 20.6800', 5.76, 20.68],
    ['5.76 N 20.68 E', 5.76, 20.68],
    ['5.76N 20.68E', 5.76, 20.68],
    ['20.68 E, 5.76 N', 5.76, 20.68],
    ['N 5.76 E 20.68', 5.76, 20.68],
    ['-4.3 15.3', -4.3, 15.3],
    ['4.3 S 15.3 E', -4.3, 15.3],
    ['5.76,20.68', 5.76, 20.68],
    ['5,76 20,68', 5.76, 20.68],
    ['5.76°, 20.68°', 5.76, 20.68],
    ['18.54 N 72.34 W', 18.54, -72.34],
    ['  −4.3 ;  15.3 ', -4.3, 15.3],
  ];
  for (const [text, lat, lon] of cases) {
    const p = parseCoordinates(text);
    assert.equal(p.notation, 'decimal', text);
    near(p.lat, lat, 1e-12, `${text} latitude`);
    near(p.lon, lon, 1e-12, `${text} longitude`);
  }
  // The precision is that of the fewest decimals given.
  near(parseCoordinates('5.7600, 20.6800').precision, 11.132, 0.001, '4 decimals');
  near(parseCoordinates('5.76, 20.6800').precision, 1113.2, 0.01, '2 decimals');
  near(parseCoordinates('-4 15').precision, 111320, 0.1, 'whole degrees');
});

test('web/coords/dms: degrees, minutes and seconds with any of the usual marks', () => {
  const cases = [
    [`5°45'36"N 20°40'48"E`, 5.76, 20.68],
    ['5 45 36 N, 20 40 48 E', 5.76, 20.68],
    ['5°45′36″N 20°40′48″E', 5.76, 20.68],
    [`5°45'36''N 20°40'48''E`, 5.76, 20.68],
    ['N 5 45 36 E 20 40 48', 5.76, 20.68],
    ['5°45.6′N 20°40.8′E', 5.76, 20.68],
    ['4°18′S 15°18′E', -4.3, 15.3],
    [`18°32'24"N 72°20'24"W`, 18.54, -72.34],
    ['5 45 36, 20 40 48', 5.76, 20.68],
    [`-4°18'0" 15°18'0"`, -4.3, 15.3],
  ];
  for (const [text, lat, lon] of cases) {
    const p = parseCoordinates(text);
    assert.equal(p.notation, 'dms', text);
    near(p.lat, lat, 1e-9, `${text} latitude`);
    near(p.lon, lon, 1e-9, `${text} longitude`);
  }
  near(parseCoordinates('5 45 36 N, 20 40 48 E').precision, 30.92, 0.01, 'whole seconds');
  near(parseCoordinates('5°45′N 20°40′E').precision, 1855.3, 0.1, 'whole minutes');
});

test('web/coords/format-dms: points come back as DMS that parses to the same point', () => {
  assert.equal(toDms(5.76, 20.68), '5°45′36.0″N 20°40′48.0″E');
  assert.equal(toDms(-4.3, 15.3), '4°18′00.0″S 15°18′00.0″E');
  assert.equal(toDms(18.54, -72.34), '18°32′24.0″N 72°20′24.0″W');
  // 59.99″ rounds up into the next minute, not to "60.0″".
  assert.equal(toDms(0.99999999, 0), '1°00′00.0″N 0°00′00.0″E');
  for (const [lat, lon] of POINTS) {
    const p = parseCoordinates(toDms(lat, lon));
    near(p.lat, lat, 3 * M, `DMS round trip of ${lat}`);
    near(p.lon, lon, (3 * M) / Math.cos((lat * Math.PI) / 180), `DMS round trip of ${lon}`);
  }
});

test('web/coords/round-trip-mgrs: degrees → MGRS → degrees stays inside the square', () => {
  for (let lat = -79.5; lat <= 83.5; lat += 7.3) {
    for (let lon = -179.5; lon <= 179.5; lon += 11.7) {
      for (const digits of [5, 3, 1]) {
        const text = toMgrs(lat, lon, digits);
        const p = parseCoordinates(text);
        const side = 10 ** (5 - digits);
        assert.equal(p.precision, side);
        // The centre of the square is at most half a diagonal from the point.
        const dy = (p.lat - lat) / M;
        const dx = ((p.lon - lon) / M) * Math.cos((lat * Math.PI) / 180);
        assert.ok(Math.hypot(dx, dy) <= side * 0.75 + 0.01, `${lat} ${lon} → ${text}`);
        // (A coarse square cut by a zone edge can have its centre in the next zone.)
        if (digits === 5) assert.equal(toMgrs(p.lat, p.lon, 5), text, `${text}: same square`);
      }
    }
  }
});

test('web/coords/errors: garbage and out-of-range values name what is wrong', () => {
  throwsCode('', 'empty');
  throwsCode('   ', 'empty');
  throwsCode('hello', 'unknown');
  throwsCode('5.76 20.68 banana', 'unknown');
  throwsCode('5.76', 'one_coordinate');
  throwsCode('5 20 30', 'one_coordinate');
  throwsCode('95 20', 'range', { part: 'latitude', value: '95', max: 90 });
  throwsCode('-95.5, 20', 'range', { part: 'latitude', value: '-95.5', max: 90 });
  throwsCode('5 190', 'range', { part: 'longitude', value: '190', max: 180 });
  throwsCode('91 N 20 E', 'range', { part: 'latitude', value: '91', max: 90 });
  throwsCode('5 61 N 20 E', 'minutes', { part: 'latitude', value: '61' });
  throwsCode('5 45 60 N 20 40 48 E', 'seconds', { part: 'latitude', value: '60' });
  throwsCode('5 N 20 N', 'two_latitudes');
  throwsCode('5 E 20 W', 'two_longitudes');
  throwsCode('5 N 20', 'hemisphere_count');
  throwsCode('-5 N 20 E', 'sign_and_hemisphere');
  throwsCode('5.5 30 N 20 E', 'fraction', { part: 'latitude' });
  throwsCode('5 45 36 1 N 20 E', 'too_many_numbers', { part: 'latitude' });
});

test('web/coords/place-precision: metres map to the API vocabulary', () => {
  assert.equal(placePrecisionOf(1), 'exact');
  assert.equal(placePrecisionOf(100), 'exact');
  assert.equal(placePrecisionOf(1113), 'near');
  assert.equal(placePrecisionOf(10000), 'admin2');
  assert.equal(placePrecisionOf(100000), 'admin1');
  assert.equal(placePrecisionOf(600000), 'country');
});

// PROJ, when installed (apt-get install proj-bin): a second opinion on live values.
const cs2cs = spawnSync('cs2cs', [], { input: '' });
test(
  'web/coords/cs2cs: UTM agrees with PROJ',
  { skip: cs2cs.error ? 'cs2cs is not installed' : false },
  () => {
    for (const [lat, lon, , zone] of POINTS) {
      const args = ['-f', '%.4f', '+proj=longlat', '+datum=WGS84', '+to', '+proj=utm'];
      args.push(`+zone=${zone}`, ...(lat < 0 ? ['+south'] : []), '+datum=WGS84');
      const r = spawnSync('cs2cs', args, { input: `${lon} ${lat}\n`, encoding: 'utf8' });
      const [e, n] = r.stdout.trim().split(/\s+/).map(Number);
      const u = toUtm(lat, lon, zone);
      near(u.easting, e, 0.001, `cs2cs easting of ${lat} ${lon}`);
      near(u.northing, n, 0.001, `cs2cs northing of ${lat} ${lon}`);
    }
  },
);

// The parser's fuzz test (JavaScript has no libFuzzer target here): strings made of the pieces
// coordinates are made of, in random order, from a fixed seed. Whatever comes in, the parser
// either answers a point in range or throws a CoordError: never another exception, never NaN.
test('web/coords/fuzz: random input gives a point in range or a CoordError', () => {
  const pieces = [
    '5',
    '45',
    '36.5',
    '-',
    '.',
    ',',
    ' ',
    '°',
    "'",
    '"',
    '′',
    '″',
    'N',
    'S',
    'E',
    'W',
  ];
  pieces.push('34', 'DM', 'X', 'Z', '0', '99', '180', '90.0001', ';', '/', 'deg', '1e5', '\u00a0');
  let seed = 20261206;
  const rand = (k) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  let points = 0;
  for (let i = 0; i < 20000; i++) {
    let s = '';
    for (let j = rand(12); j >= 0; j--) s += pieces[rand(pieces.length)];
    try {
      const p = parseCoordinates(s);
      points++;
      assert.ok(
        Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180,
        `${JSON.stringify(s)} → ${p.lat} ${p.lon}`,
      );
      assert.ok(p.precision > 0, `${JSON.stringify(s)}: precision ${p.precision}`);
    } catch (e) {
      if (!(e instanceof CoordError)) assert.fail(`${JSON.stringify(s)} threw ${e.stack}`);
    }
  }
  assert.ok(points > 10, `some of the random strings are points (${points})`);
});
