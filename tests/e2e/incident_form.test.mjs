// The report form's location picker and its dates, in Debian's Chromium against the real
// server, as a reporter of Rwanda working for MINUSCA, in a browser whose locale is en-US and
// whose clock is New York's (so neither may leak into a form that says UTC). Coordinates typed
// in decimal degrees, DMS and MGRS take the map and the marker there, the report is saved, and
// the stored point (GET /api/v1/incidents/ID) is the typed one within the notation's precision;
// a click at a known pixel offset at a known zoom stores the point Web Mercator puts there, with
// the place precision that zoom is worth; an MGRS reference of the wrong zone is refused naming
// the zone, band and square, and the problem goes as soon as the reference is right; the
// device's position (geolocation) is used; dates and times are ISO 8601 and 24-hour text.
// Screenshots at 1366 and 360 px go to BH_E2E_SCREENSHOTS (incident-form-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  apiAs,
  bluehelm,
  launchBrowser,
  scratch,
  screenshotDir,
  startServer,
  watchPage,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const REPORTER = 'rwa.picker';
const MISSION = 'MINUSCA';
// Bambari, Central African Republic: 5°45′36″N 20°40′48″E, MGRS 34N DM 64570 36684
// (GeographicLib's GeoConvert).
const BAMBARI = { lat: 5.76, lon: 20.68 };

let server;
let browser;
let context;
let page;
let problems;
let shots;
let tax;

const call = (method, url, body) => apiAs(page, server.url, method, url, body);
const form = () => page.locator('form.report-form');
const fieldError = (name) => form().locator(`[data-field="${name}"] .field-error`);

async function shot(name) {
  await page.screenshot({ path: path.join(shots, `incident-form-${name}.png`), fullPage: true });
}

// A metre in degrees of latitude, and of longitude at Bambari.
const M_LAT = 1 / 111320;
const M_LON = M_LAT / Math.cos((BAMBARI.lat * Math.PI) / 180);

function near(actual, expected, tol, what) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} ±${tol}`);
}

// Web Mercator as Leaflet draws it (256 px tiles): degrees ↔ world pixels at a zoom.
const worldSize = (z) => 256 * 2 ** z;
function project(lat, lon, z) {
  const s = Math.sin((lat * Math.PI) / 180);
  return {
    x: ((lon + 180) / 360) * worldSize(z),
    y: (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * worldSize(z),
  };
}
function unproject(x, y, z) {
  const lon = (x / worldSize(z)) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / worldSize(z)))) * 180) / Math.PI;
  return { lat, lon };
}

// The map's drawing area inside its border, in page pixels.
async function mapArea() {
  const el = form().locator('.picker-map');
  const box = await el.boundingBox();
  const inner = await el.evaluate((e) => ({
    left: e.clientLeft,
    top: e.clientTop,
    width: e.clientWidth,
    height: e.clientHeight,
  }));
  return { el, x: box.x + inner.left, y: box.y + inner.top, w: inner.width, h: inner.height };
}

// Where the marker's centre is, relative to the map area's centre, in pixels.
async function markerOffset() {
  const area = await mapArea();
  const m = await form().locator('.pick-marker').boundingBox();
  return {
    dx: m.x + m.width / 2 - (area.x + area.w / 2),
    dy: m.y + m.height / 2 - (area.y + area.h / 2),
  };
}

async function openForm() {
  await page.goto(`${server.url}/#/incidents/new`);
  // (From the same address the page would stay as it is: a fresh form each time.)
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Report an incident' }).waitFor();
  await form().locator('.picker-map.leaflet-container').waitFor();
}

// Types coordinates in the one field for any notation and presses Enter.
async function typeCoordinates(text) {
  const box = form().getByLabel('Coordinates', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

// The rest of a report, then "Save draft"; resolves to the stored report.
async function saveDraft(place) {
  const f = form();
  const ied = tax.threat_types.find((x) => x.code === 'ied') || tax.threat_types[0];
  await f.getByLabel('Occurred at (UTC) *').fill('2024-03-02 06:40');
  await f.getByLabel('Threat type *').selectOption(ied.code);
  await f.getByLabel('Target *').selectOption('patrol');
  await f.getByLabel('Activity at the time *').selectOption('patrolling');
  await f.getByLabel('Place name').fill(place);
  await f.getByRole('button', { name: 'Save draft' }).click();
  await page.getByText('Draft saved.').waitFor();
  const id = decodeURIComponent(new URL(page.url()).hash.replace('#/incidents/', ''));
  return call('GET', `/api/v1/incidents/${encodeURIComponent(id)}`);
}

before(async () => {
  const dir = scratch('incident_form');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  bluehelm(
    ['user', 'add', REPORTER, '--org', 'RWA', '--role', 'reporter', '--password-stdin', '--db', db],
    `${PASSWORD}\n`,
  );
  bluehelm(['user', 'missions', REPORTER, MISSION, '--db', db]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'en-US',
    timezoneId: 'America/New_York',
    geolocation: { latitude: BAMBARI.lat, longitude: BAMBARI.lon, accuracy: 30 },
    permissions: ['geolocation'],
  });
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await page.getByLabel('Username').fill(REPORTER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('header.topbar').getByText(REPORTER, { exact: true }).waitFor();
  tax = await call('GET', '/api/v1/taxonomy');
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

test("incident-form/mission: the picker opens on the HQ of the reporter's mission", async () => {
  await openForm();
  // The reporter works for MINUSCA only: chosen already, and the map is on its HQ, Bangui
  // (4.3612 N, 18.5550 E in the mission table), at zoom 7, as the server's sites layer says.
  assert.equal(await form().getByLabel('Mission *').inputValue(), MISSION);
  const sites = await call('GET', '/api/v1/basemap/missions.geojson');
  const hq = sites.features.find(
    (f) => f.properties.acronym === MISSION && f.properties.kind === 'hq',
  );
  assert.ok(hq, 'the sites layer has the HQ');
  const area = await mapArea();
  await page.waitForFunction(() => document.querySelector('.picker-map').dataset.zoom === '7');
  // A click at the centre of the view is the HQ (to a pixel and a half: 1.8 km at zoom 7).
  const box = await area.el.boundingBox();
  await area.el.click({
    position: { x: area.x - box.x + area.w / 2, y: area.y - box.y + area.h / 2 },
  });
  const px = 360 / worldSize(7);
  near(Number(await form().getByLabel('Latitude *').inputValue()), 4.3612, 1.5 * px, 'HQ lat');
  near(Number(await form().getByLabel('Longitude *').inputValue()), 18.555, 1.5 * px, 'HQ lon');
  assert.deepEqual(
    hq.geometry.coordinates.map((v) => Math.round(v * 1e4) / 1e4),
    [18.555, 4.3612],
  );
});

test('incident-form/dates: ISO 8601 and 24-hour UTC text in an en-US browser', async () => {
  await openForm();
  const when = form().getByLabel('Occurred at (UTC) *');
  // A text field, not the browser's picker (which shows mm/dd/yyyy and AM/PM in en-US).
  assert.equal(await when.getAttribute('type'), 'text');
  assert.equal(await when.getAttribute('placeholder'), 'YYYY-MM-DD HH:MM');
  const hint = await form().locator('[data-field="occurred_at"] .hint').innerText();
  assert.match(hint, /^YYYY-MM-DD HH:MM, 24-hour clock, UTC\. /);
  // A looser form is written out in the one form when the field is left.
  await when.fill('2024-3-2 6:40');
  await when.press('Tab');
  assert.equal(await when.inputValue(), '2024-03-02 06:40');
  // The American form is refused, naming the field, with nothing sent.
  await when.fill('03/02/2024 6:40 PM');
  await form().getByRole('button', { name: 'Save draft' }).click();
  const err = fieldError('occurred_at');
  await err.waitFor();
  assert.equal(
    await err.innerText(),
    'Occurred at (UTC): write the date and time as YYYY-MM-DD HH:MM (24-hour clock, UTC), for example 2024-03-02 18:40.',
  );
  assert.equal(await when.getAttribute('aria-invalid'), 'true');
  // All the problems at once: the required choices are named too.
  assert.equal(await fieldError('threat_type').innerText(), 'Choose the threat type.');
  await shot('dates-error');
  // Each problem goes as soon as its field is right, before any new attempt.
  await when.fill('2024-03-02 18:40');
  await err.waitFor({ state: 'hidden' });
  assert.equal(await when.getAttribute('aria-invalid'), null);
  await form().getByLabel('Threat type *').selectOption('ied');
  await fieldError('threat_type').waitFor({ state: 'hidden' });
  // A time past 23:59 is not a time.
  await when.fill('2024-03-02 24:10');
  await form().getByRole('button', { name: 'Save draft' }).click();
  await err.filter({ hasText: 'write the date and time as YYYY-MM-DD HH:MM' }).waitFor();
});

test('incident-form/decimal: typed decimal degrees take the map there and are stored', async () => {
  await openForm();
  await typeCoordinates('5.7600, 20.6800');
  // The marker is at the centre of the view: the map went to the point.
  await form().locator('.pick-marker').waitFor();
  const off = await markerOffset();
  assert.ok(
    Math.abs(off.dx) < 2 && Math.abs(off.dy) < 2,
    `marker off centre: ${JSON.stringify(off)}`,
  );
  assert.equal(await form().getByLabel('Latitude *').inputValue(), '5.76');
  assert.equal(await form().getByLabel('Longitude *').inputValue(), '20.68');
  // Four decimals are 11 m: an exact place.
  assert.equal(await form().getByLabel('Precision of the place').inputValue(), 'exact');
  const readout = form().locator('.pick-readout');
  assert.match(await readout.innerText(), /5\.76000, 20\.68000/);
  assert.match(await readout.innerText(), /5°45′36\.0″N 20°40′48\.0″E/);
  assert.match(await readout.innerText(), /34N DM 64570 36684/);
  await shot('decimal');
  const saved = await saveDraft('Bambari, typed in decimal degrees');
  assert.equal(saved.latitude, BAMBARI.lat);
  assert.equal(saved.longitude, BAMBARI.lon);
  assert.equal(saved.location_precision, 'exact');
  assert.equal(saved.occurred_at, '2024-03-02T06:40:00Z', 'the time is UTC, not New York');
});

test('incident-form/dms: degrees, minutes and seconds are stored within a second', async () => {
  await openForm();
  await typeCoordinates(`5°45'36"N 20°40'48"E`);
  await form().locator('.pick-marker').waitFor();
  const off = await markerOffset();
  assert.ok(
    Math.abs(off.dx) < 2 && Math.abs(off.dy) < 2,
    `marker off centre: ${JSON.stringify(off)}`,
  );
  assert.equal(await form().getByLabel('Precision of the place').inputValue(), 'exact');
  const saved = await saveDraft('Bambari, typed in DMS');
  // A second of arc is 31 m; the form keeps five decimals (about 1 m).
  near(saved.latitude, BAMBARI.lat, 31 * M_LAT, 'latitude');
  near(saved.longitude, BAMBARI.lon, 31 * M_LON, 'longitude');
});

test('incident-form/mgrs: a 1 km MGRS square is stored as its centre, as a near place', async () => {
  await openForm();
  await typeCoordinates('34N DM 64 36');
  await form().locator('.pick-marker').waitFor();
  const off = await markerOffset();
  assert.ok(
    Math.abs(off.dx) < 2 && Math.abs(off.dy) < 2,
    `marker off centre: ${JSON.stringify(off)}`,
  );
  assert.equal(await form().getByLabel('Precision of the place').inputValue(), 'near');
  const saved = await saveDraft('Bambari, typed in MGRS');
  // GeoConvert -g: the centre of 34N DM 64 36 is 5.75833070 N, 20.67936491 E; five decimals.
  near(saved.latitude, 5.7583307, 1e-5, 'latitude');
  near(saved.longitude, 20.67936491, 1e-5, 'longitude');
  assert.equal(saved.location_precision, 'near');
});

test('incident-form/mgrs-wrong-zone: the error names zone, band and square, and goes when fixed', async () => {
  await openForm();
  const box = form().getByLabel('Coordinates', { exact: true });
  await typeCoordinates('33N DM 64570 36684');
  const err = fieldError('position');
  await err.waitFor();
  assert.equal(await err.innerText(), 'MGRS zone 33 band N does not contain square DM.');
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.equal(await form().locator('.pick-marker').count(), 0, 'no point was set');
  assert.equal(await form().getByLabel('Latitude *').inputValue(), '');
  await shot('mgrs-error');
  // Other bad input, each named.
  await box.fill('95 20');
  await err.filter({ hasText: 'Latitude 95 is beyond 90.' }).waitFor();
  await box.fill('Bambari');
  await err.filter({ hasText: /^Unknown notation/ }).waitFor();
  // The right zone: the problem goes while typing, and Enter places the point.
  await box.fill('34N DM 64570 36684');
  await err.waitFor({ state: 'hidden' });
  await box.press('Enter');
  await form().locator('.pick-marker').waitFor();
  near(Number(await form().getByLabel('Latitude *').inputValue()), BAMBARI.lat, 1e-5, 'latitude');
});

test('incident-form/click: a click at a known offset and zoom stores that point and precision', async () => {
  await openForm();
  // A 10 km square opens at zoom 9 (the square about 64 px wide), centred on its centre
  // (GeoConvert: 5.74476383 N, 20.68388834 E).
  await typeCoordinates('34N DM 6 3');
  await form().locator('.pick-marker').waitFor();
  assert.equal(await form().getByLabel('Precision of the place').inputValue(), 'admin2');
  const z = 9;
  assert.equal(await form().locator('.picker-map').getAttribute('data-zoom'), String(z));
  const centre = { lat: 5.74476382866272, lon: 20.68388834206034 };
  const area = await mapArea();
  const click = { dx: 120, dy: -70 };
  await area.el.click({
    position: {
      x: area.x - (await area.el.boundingBox()).x + area.w / 2 + click.dx,
      y: area.y - (await area.el.boundingBox()).y + area.h / 2 + click.dy,
    },
  });
  const c = project(centre.lat, centre.lon, z);
  const want = unproject(c.x + click.dx, c.y + click.dy, z);
  const lat = Number(await form().getByLabel('Latitude *').inputValue());
  const lon = Number(await form().getByLabel('Longitude *').inputValue());
  // A pixel at zoom 9 is about 305 m: within a pixel and a half of where Mercator puts it.
  const px = 360 / worldSize(z);
  near(lon, want.lon, 1.5 * px, 'longitude of the click');
  near(lat, want.lat, 1.5 * px, 'latitude of the click');
  const moved = await markerOffset();
  near(moved.dx, click.dx, 2, 'marker x at the click');
  near(moved.dy, click.dy, 2, 'marker y at the click');
  // About 8 px of doubt at zoom 9 is 2.4 km: a district (admin2), not "exact".
  assert.equal(await form().getByLabel('Precision of the place').inputValue(), 'admin2');
  // Zoomed in three steps, a click there is near (8 px ≈ 300 m), and is what is stored.
  const zoomAttr = () => area.el.getAttribute('data-zoom');
  assert.equal(await zoomAttr(), '9');
  for (const next of ['10', '11', '12']) {
    await form().getByRole('button', { name: 'Zoom in' }).click();
    await page.waitForFunction(
      (zz) => document.querySelector('.picker-map').dataset.zoom === zz,
      next,
    );
  }
  // (Away from the zoom buttons in the corner.)
  const box = await area.el.boundingBox();
  await area.el.click({ position: { x: box.width / 2 - 150, y: box.height / 2 + 60 } });
  await page.waitForFunction(
    () => document.querySelector('select[name="location_precision"]').value === 'near',
  );
  const lat2 = Number(await form().getByLabel('Latitude *').inputValue());
  const lon2 = Number(await form().getByLabel('Longitude *').inputValue());
  // The zoom buttons keep the centre: Mercator at zoom 12 says where the click is.
  const c12 = project(centre.lat, centre.lon, 12);
  const want12 = unproject(c12.x - 150, c12.y + 60, 12);
  near(lon2, want12.lon, 1.5 * (360 / worldSize(12)), 'longitude of the click at zoom 12');
  near(lat2, want12.lat, 1.5 * (360 / worldSize(12)), 'latitude of the click at zoom 12');
  const saved = await saveDraft('Clicked on the map');
  assert.equal(saved.latitude, lat2);
  assert.equal(saved.longitude, lon2);
  assert.equal(saved.location_precision, 'near');
});

test('incident-form/geolocation: "Use my location" places the device position', async () => {
  await openForm();
  await form().getByRole('button', { name: 'Use my location' }).click();
  await page.waitForFunction(
    () => document.querySelector('input[name="latitude"]').value === '5.76',
  );
  assert.equal(await form().getByLabel('Longitude *').inputValue(), '20.68');
  // An accuracy of 30 m is an exact place.
  assert.equal(await form().getByLabel('Precision of the place').inputValue(), 'exact');
  const off = await markerOffset();
  assert.ok(
    Math.abs(off.dx) < 2 && Math.abs(off.dy) < 2,
    `marker off centre: ${JSON.stringify(off)}`,
  );
});

test('incident-form/geolocation-denied: a refusal is said in words at the field', async () => {
  await context.clearPermissions();
  await openForm();
  await form().getByRole('button', { name: 'Use my location' }).click();
  const err = fieldError('position');
  await err.waitFor();
  assert.equal(
    await err.innerText(),
    'Your location cannot be used: the browser was not allowed to share it.',
  );
  assert.equal(await form().getByLabel('Latitude *').inputValue(), '');
  await context.grantPermissions(['geolocation']);
});

test('incident-form/screens: the form at 1366 and 360 px, nothing sideways on a phone', async () => {
  await openForm();
  await typeCoordinates('5.7600, 20.6800');
  await form().locator('.pick-marker').waitFor();
  await shot('1366');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForFunction(() => document.querySelector('.picker-map').clientWidth < 360);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the page is ${wide} px wide on a 360 px screen`);
  await shot('360');
  // The picker itself on the phone's screen.
  await form().locator('.picker-map').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'incident-form-360-picker.png') });
  await page.setViewportSize({ width: 1366, height: 900 });
});

test('incident-form/clean: no script errors, no CSP refusals, no request to another origin', () => {
  assert.deepEqual(problems, []);
});
