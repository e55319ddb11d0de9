// The offline base map in Debian's Chromium against the real server, with no tile server: the
// incident map at zoom 10 over Bambari (Central African Republic) shows the place's name from
// the embedded Natural Earth pack, a metric scale bar and the pointer's coordinates; zoomed out
// to the world, no shape of the base map spans more than 180 degrees of longitude (the
// antimeridian is cut, so Fiji and Chukotka draw no band across the world); the missions'
// headquarters are marked. Screenshots at 1366 and 360 px go to BH_E2E_SCREENSHOTS
// (basemap-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  bluehelm,
  catalog,
  launchBrowser,
  scratch,
  screenshotDir,
  startServer,
  watchPage,
} from './harness.mjs';

const PASSWORD = 'Basemap-e2e-Bambari-2026';
const USER = 'fra.reader';

let server;
let browser;
let page;
let problems;
let shots;

before(async () => {
  const dir = scratch('basemap');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  bluehelm(
    ['user', 'add', USER, '--org', 'FRA', '--role', 'analyst', '--password-stdin', '--db', db],
    `${PASSWORD}\n`,
  );
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    timezoneId: 'UTC',
  });
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await page.getByLabel('Username').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('header.topbar').getByText(USER, { exact: true }).waitFor();
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

const label = (text) => page.locator('.incident-map .bm-label', { hasText: text });

test('basemap/bambari: zoom 10 over Bambari shows its name, a scale bar and the pointer', async () => {
  await page.goto(`${server.url}/#/incidents?at=10/5.76/20.68`);
  await page.getByRole('heading', { level: 1, name: 'Incident map' }).waitFor();
  await label('Bambari').first().waitFor({ state: 'visible' });
  assert.equal(await label('Bambari').count(), 1, 'one label, not one per tile');
  // The land under it, from the zoom 5 tile, and the province's name (admin-1).
  await page.locator('.incident-map path.bm-land').first().waitFor();
  await label('Ouaka').first().waitFor({ state: 'visible' });
  // The scale bar, metric, in the reader's words.
  const scale = page.locator('.incident-map .leaflet-control-scale-line');
  await scale.first().waitFor();
  assert.match(await scale.first().innerText(), /^\d+ (m|km)$/);
  // The pointer's position, in decimal degrees, left to right.
  const box = await page.locator('.incident-map').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const value = page.locator('.incident-map .bm-readout-value');
  await page.waitForFunction(() =>
    /^-?\d+\.\d{5}, -?\d+\.\d{5}$/.test(document.querySelector('.bm-readout-value').textContent),
  );
  assert.equal(await value.getAttribute('dir'), 'ltr');
  const [lat, lon] = (await value.innerText()).split(', ').map(Number);
  assert.ok(Math.abs(lat - 5.76) < 0.2 && Math.abs(lon - 20.68) < 0.2, `pointer at ${lat}, ${lon}`);
  await page
    .locator('.incident-map')
    .screenshot({ path: path.join(shots, 'basemap-bambari-1366.png') });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.locator('.incident-map').scrollIntoViewIfNeeded();
  await label('Bambari').first().waitFor({ state: 'visible' });
  await page
    .locator('.incident-map')
    .screenshot({ path: path.join(shots, 'basemap-bambari-360.png') });
  await page.setViewportSize({ width: 1366, height: 768 });
});

test('basemap/world: zoomed out, no shape spans more than 180 degrees of longitude', async () => {
  await page.goto(`${server.url}/#/incidents?at=2/10/20`);
  await page.getByRole('heading', { level: 1, name: 'Incident map' }).waitFor();
  await page.waitForFunction(
    () => document.querySelectorAll('.incident-map .leaflet-basemap-pane path.bm-land').length > 20,
  );
  // The headquarters of the missions at work, from the store (labels that would overlap a
  // neighbour's are left out, so not every one).
  await page.locator('.incident-map .bm-l-mission').first().waitFor({ state: 'visible' });
  const hq = await page.locator('.incident-map .bm-l-mission').count();
  assert.ok(hq >= 5, `${hq} mission headquarters named`);
  // At zoom 2 the world is 1,024 px wide: half of it is 512 px. A band across the world
  // would be about twice that.
  const widths = await page.$$eval('.incident-map .leaflet-basemap-pane path', (paths) =>
    paths.map((p) => p.getBBox().width),
  );
  assert.ok(widths.length > 50, `${widths.length} shapes`);
  const widest = Math.max(...widths);
  assert.ok(widest <= 512 * 1.01, `the widest shape is ${widest} px, over 180 degrees`);
  await page
    .locator('.incident-map')
    .screenshot({ path: path.join(shots, 'basemap-world-1366.png') });
});

test('basemap/arabic: the scale and the pointer in Arabic words, the coordinates left to right', async () => {
  const T = catalog('ar');
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'ar',
    timezoneId: 'UTC',
  });
  const ar = await context.newPage();
  ar.setDefaultTimeout(20000);
  const arProblems = watchPage(ar, server.url);
  await ar.goto(`${server.url}/`);
  await ar.getByLabel(T['signin.username']).fill(USER);
  await ar.getByLabel(T['signin.password']).fill(PASSWORD);
  await ar.getByRole('button', { name: T['signin.submit'] }).click();
  await ar.locator('header.topbar').getByText(USER, { exact: true }).waitFor();
  await ar.goto(`${server.url}/#/incidents?at=10/5.76/20.68`);
  await ar.locator('.incident-map .bm-label', { hasText: 'Bambari' }).first().waitFor();
  assert.equal(await ar.locator('.bm-readout-name').innerText(), T['map.pointer']);
  // The scale's unit is the catalog's ("{n} كم" or "{n} م"), its number in the reader's digits.
  const scale = await ar.locator('.leaflet-control-scale-line').first().innerText();
  const unit = (id) => T[id].replace('{n}', '').trim();
  assert.ok(
    scale.endsWith(unit('map.scale_km')) || scale.endsWith(unit('map.scale_m')),
    `scale "${scale}"`,
  );
  // In the mirrored page the scale and the pointer sit bottom right.
  assert.equal(await ar.locator('.leaflet-bottom.leaflet-right .bm-readout').count(), 1);
  const box = await ar.locator('.incident-map').boundingBox();
  await ar.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const value = ar.locator('.bm-readout-value');
  await ar.waitForFunction(() =>
    /^-?\d+\.\d{5}, -?\d+\.\d{5}$/.test(document.querySelector('.bm-readout-value').textContent),
  );
  assert.equal(await value.getAttribute('dir'), 'ltr');
  await ar.screenshot({ path: path.join(shots, 'basemap-bambari-ar.png') });
  await context.close();
  assert.deepEqual(arProblems, []);
});

test('basemap/clean: no script errors, no CSP refusals, no request to another origin', () => {
  assert.deepEqual(problems, []);
});
