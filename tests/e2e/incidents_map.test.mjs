// The incident map as mission staff use it, in Debian's Chromium against the real server, on a
// store with a synthetic history (`bluehelm demo`), the UCDP and ACLED fixtures, one real
// report (a reporter of Rwanda for MINUSMA), and an analyst of Brazil, who may export. The map
// follows the work: choosing a mission fits the view to all of that mission's incidents, a
// search with one hit zooms to it. Its bubbles and clusters add up to the API's total for the
// same filters at world zoom and at a mid zoom, and the count lines say those totals. Each
// download (CSV, HXL CSV, GeoJSON, on the map and on the list) holds as many rows as the list's
// total; the reporter, who may not export, sees no download. Synthetic records carry a badge
// in the popups and the table and a marker style the legend explains, and "Hide synthetic
// records" leaves the one real report. Leaving the map while it animates raises no script
// error; no serious axe violation and no sideways scroll at 1366 and 360 px.
// Screenshots go to BH_E2E_SCREENSHOTS (build/e2e-screenshots/incidents-map-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  addUsers,
  apiAs,
  axeViolations,
  bluehelm,
  catalog,
  launchBrowser,
  openPage,
  scratch,
  screenshotDir,
  sidewaysScroll,
  signIn as signInAs,
  signOut as signOutOf,
  startServer,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const REPORTER = 'rwa.reporter';
const ANALYST = 'bra.analyst';
const MISSION = 'MINUSMA';
// A word no synthetic narrative has: the search finds the one real report by it.
const WORD = 'Kidalwatchpoint';
const en = catalog('en');

let server;
let browser;
let page;
let problems;
let shots;
let real; // the one report that is not synthetic
let mission; // a mission of the directory with demo incidents: the one the analyst chooses
const listRequests = []; // the map's GET /api/v1/incidents and /api/v1/events URLs
const gridRequests = []; // its GET /api/v1/incidents/grid and /api/v1/events/grid URLs

async function shot(name, fullPage = true) {
  await page.screenshot({ path: path.join(shots, `incidents-map-${name}.png`), fullPage });
}

const call = (method, url, body) => apiAs(page, server.url, method, url, body);
const fmt = (n) => n.toLocaleString('en-US');

const signIn = (username) => signInAs(page, server.url, username, PASSWORD);
const signOut = () => signOutOf(page);

// The map's zoom, from its address (at=Z/lat/lon).
const zoomOf = () => Number((/at=(\d+)\//.exec(decodeURIComponent(page.url())) || [])[1] || 0);

// Waits until the page has asked for the incidents of its view and drawn the reply: the count
// line is final (not "Loading…") and the section is not busy.
async function settled() {
  await page.waitForFunction(() => {
    const s = document.querySelector('.map-section');
    const c = document.querySelector('.map-count');
    // A zoom animates: until it ends the cluster layer shows the old zoom's clusters beside
    // the new ones, so a count taken then sees some incidents twice.
    const moving = document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim');
    return (
      s && !s.hasAttribute('aria-busy') && !moving && c && /^In this view: /.test(c.textContent)
    );
  });
}

// The incidents the page drew, counted the way a reader reads them: the numbers on the
// bubbles and clusters, and one for each single marker.
async function drawnIncidents() {
  return page.evaluate(() => {
    const n = (el) => Number(el.textContent.replace(/,/g, ''));
    let total = 0;
    for (const el of document.querySelectorAll('.incident-map .grid-incident')) total += n(el);
    for (const el of document.querySelectorAll('.incident-map .cluster-incident')) total += n(el);
    total += document.querySelectorAll('.incident-map path.mk-incident').length;
    return total;
  });
}

// The last list request of a layer, and the API's total for its filters (without the paging).
async function apiTotal(pathname) {
  const asked = listRequests.filter((u) => u.pathname === pathname).pop();
  assert.ok(asked, `the page asked ${pathname}`);
  const q = new URLSearchParams(asked.searchParams);
  q.delete('limit');
  q.delete('cursor');
  const list = await call('GET', `${pathname}?${q}&limit=1`);
  assert.equal(list.total_exact, true);
  return { total: list.total, query: q };
}

// Rows of a CSV text (RFC 4180: a quoted field may hold line breaks).
function csvRecords(text) {
  let rows = 0;
  let quoted = false;
  let any = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === '\n' && !quoted) {
      rows++;
      any = false;
    } else any = true;
  }
  return rows + (any ? 1 : 0);
}

// A link's file, fetched with the page's session as the browser would.
async function download(href) {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bh_session');
  const res = await fetch(new URL(href, server.url), {
    headers: { Cookie: `bh_session=${cookie.value}` },
  });
  assert.equal(res.status, 200, `${href} answered ${res.status}`);
  return res.text();
}

before(async () => {
  const dir = scratch('incidents_map');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  bluehelm(['demo', '--incidents', '600', '--seed', '23', '--db', db]);
  const data = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
  bluehelm(['import', 'ucdp', path.join(data, 'ucdp', 'ged_sample.csv'), '--db', db]);
  bluehelm(['import', 'acled', path.join(data, 'acled', 'dyadic.csv'), '--db', db]);
  addUsers(db, PASSWORD, [
    [REPORTER, 'RWA', 'reporter'],
    [ANALYST, 'BRA', 'analyst'],
  ]);
  bluehelm(['user', 'missions', REPORTER, MISSION, '--db', db]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, server.url, {
    viewport: { width: 1366, height: 768 },
  }));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (r.method() !== 'GET') return;
    if (/^\/api\/v1\/(incidents|events)$/.test(u.pathname)) listRequests.push(u);
    if (/^\/api\/v1\/(incidents|events)\/grid$/.test(u.pathname)) gridRequests.push(u);
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

test('incidents-map/reporter: a real report; no download for a reader who may not export', async () => {
  await signIn(REPORTER);
  const tax = await call('GET', '/api/v1/taxonomy');
  const ied = (tax.threat_types || tax.types).find((x) => x.code === 'ied');
  real = await call('POST', '/api/v1/incidents', {
    mission: MISSION,
    occurred_at: '2023-03-15T08:30:00Z',
    latitude: 18.44,
    longitude: 1.41,
    place_name: 'Kidal road',
    threat_type: ied.code,
    target: 'patrol',
    activity: 'patrolling',
    narrative: `An IED struck the convoy near the ${WORD}.`,
    tlp: 'GREEN',
    submit: true,
  });
  assert.equal(real.synthetic, false);
  await page.goto(`${server.url}/#/incidents`);
  await page.getByRole('heading', { level: 1, name: en['map.title'] }).waitFor();
  await settled();
  await page.locator('.map-legend').waitFor();
  assert.equal(await page.locator('.downloads').count(), 0, 'no download without record.export');
  await signOut();
});

test('incidents-map/mission: choosing a mission fits the view to all its incidents', async () => {
  await signIn(ANALYST);
  await page.goto(`${server.url}/#/incidents`);
  await page.getByRole('heading', { level: 1, name: en['map.title'] }).waitFor();
  await settled();
  assert.ok(zoomOf() <= 3, 'the first view is the world');
  // The analyst works for no mission: the choices are the directory's missions.
  const select = page.getByLabel(en['map.mission']);
  await page.waitForFunction(
    () => document.querySelectorAll('select[name=mission] option').length > 1,
  );
  let all = null;
  for (const code of await select.locator('option').evaluateAll((os) => os.map((o) => o.value))) {
    if (!code) continue;
    const r = await call('GET', `/api/v1/incidents?mission=${code}&limit=1`);
    if (!all || r.total > all.total) [mission, all] = [code, r];
  }
  assert.ok(all.total > 5, `${mission} incidents: ${all.total}`);
  listRequests.length = 0;
  await select.selectOption(mission);
  // The view moves to the mission, closer than the world view...
  await page.waitForFunction(() => /at=([4-9]|1\d)\//.test(decodeURIComponent(location.hash)));
  await page
    .locator('.map-count')
    .filter({ hasText: new RegExp(`^In this view: ${fmt(all.total)} incidents? `) })
    .waitFor();
  await settled();
  // ...and holds every incident of the mission: the API's count for the view is the total.
  const { total, query } = await apiTotal('/api/v1/incidents');
  assert.ok(query.get('bbox'), 'the count is of the view');
  assert.equal(query.get('mission'), mission);
  assert.equal(total, all.total);
  assert.equal(await drawnIncidents(), all.total);
  await shot('mission');
});

test('incidents-map/search: a search with one hit zooms to it', async () => {
  await page.getByRole('button', { name: en['map.reset'] }).click();
  await page.waitForFunction(() => !/mission=/.test(location.hash));
  await settled();
  await page.getByLabel(en['map.search']).fill(WORD);
  await page.waitForFunction(() => /at=10\//.test(decodeURIComponent(location.hash)));
  await page
    .locator('.map-count')
    .filter({ hasText: /^In this view: 1 incident and / })
    .waitFor();
  const at = /at=10\/(-?[\d.]+)\/(-?[\d.]+)/.exec(decodeURIComponent(page.url()));
  assert.ok(Math.abs(Number(at[1]) - real.latitude) < 0.01, `centred on the report: ${at[0]}`);
  assert.ok(Math.abs(Number(at[2]) - real.longitude) < 0.01, `centred on the report: ${at[0]}`);
  await page.locator('.incident-map path.mk-incident').first().waitFor();
  assert.equal(await drawnIncidents(), 1);
  await page.getByRole('button', { name: en['map.reset'] }).click();
  await page.waitForFunction(() => !/q=/.test(location.hash));
  await settled();
});

test('incidents-map/counts: bubbles and clusters add up to the API total at world and mid zoom', async () => {
  for (const at of ['2/15/20', '5/15/0']) {
    listRequests.length = 0;
    gridRequests.length = 0;
    // points=100: fewer points than the view holds at world zoom, so the server counts cells.
    await page.goto(`${server.url}/#/incidents?at=${at}&points=100`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: en['map.title'] }).waitFor();
    await settled();
    const { total, query } = await apiTotal('/api/v1/incidents');
    assert.ok(total > 0, `incidents in the view at ${at}: ${total}`);
    await page.waitForFunction(
      (want) => {
        const n = (el) => Number(el.textContent.replace(/,/g, ''));
        let sum = document.querySelectorAll('.incident-map path.mk-incident').length;
        for (const el of document.querySelectorAll(
          '.incident-map .grid-incident, .incident-map .cluster-incident',
        ))
          sum += n(el);
        return sum === want;
      },
      total,
      { timeout: 10000 },
    );
    assert.equal(await drawnIncidents(), total);
    const grid = gridRequests.filter((u) => u.pathname === '/api/v1/incidents/grid').pop();
    if (total > 100) {
      assert.ok(grid, `the map counts cells at ${at}`);
      const g = await call('GET', `/api/v1/incidents/grid?${grid.searchParams}`);
      assert.equal(g.total, total);
    }
    // The count line and the list's line say the true total, never the points loaded.
    assert.match(
      await page.locator('.map-count').innerText(),
      new RegExp(`^In this view: ${fmt(total)} incidents? `),
    );
    const listLine = await page.locator('p.count').innerText();
    assert.match(listLine, new RegExp(` of ${fmt(total)}[;, ]`), listLine);
    assert.ok(query.get('bbox'));
  }
  await shot('counts-mid');
});

test('incidents-map/downloads: each file holds as many rows as the list total', async () => {
  await page.goto(`${server.url}/#/incidents?mission=${mission}`);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: en['map.title'] }).waitFor();
  // Fitted to the mission: closer than the world.
  await page.waitForFunction(() => /at=([4-9]|1\d)\//.test(decodeURIComponent(location.hash)));
  await settled();
  const inc = await apiTotal('/api/v1/incidents');
  const ev = await apiTotal('/api/v1/events');
  assert.ok(inc.total > 5, `incidents in the view: ${inc.total}`);
  const groups = page.locator('.downloads');
  assert.equal(await groups.count(), 3, 'incidents and events on the map, incidents on the list');
  for (let i = 0; i < 3; i++) {
    const g = groups.nth(i);
    const want = (await g.getAttribute('data-layer')) === 'events' ? ev.total : inc.total;
    const href = async (name) => g.getByRole('link', { name, exact: true }).getAttribute('href');
    const csv = await download(await href(en['map.download_csv']));
    assert.doesNotMatch(csv.split('\n')[1] || '', /^#/, 'a plain CSV has no hashtag row');
    assert.equal(csvRecords(csv) - 1, want, `CSV rows of group ${i}`);
    const hxl = await download(await href(en['map.download_hxl']));
    assert.match(hxl.split('\n')[1], /^#event\+id,/);
    assert.equal(csvRecords(hxl) - 2, want, `HXL CSV rows of group ${i}`);
    const geo = JSON.parse(await download(await href(en['map.download_geojson'])));
    assert.equal(geo.features.length, want, `GeoJSON features of group ${i}`);
    // The links carry the view and the filters the list was asked with.
    const u = new URL(await href(en['map.download_geojson']), server.url);
    assert.equal(u.searchParams.get('bbox'), inc.query.get('bbox'));
    assert.equal(u.searchParams.get('mission'), mission);
  }
});

test('incidents-map/synthetic: badges, marker style, legend, and the filter that hides them', async () => {
  // Zoomed in on a synthetic incident: the points are drawn.
  const some = (await call('GET', `/api/v1/incidents?mission=${mission}&limit=50`)).items.find(
    (i) => i.synthetic,
  );
  assert.ok(some, 'a synthetic incident to look at');
  await page.goto(`${server.url}/#/incidents?at=11/${some.latitude}/${some.longitude}&ev=0`);
  await page.reload();
  await settled();
  const synMarker = page.locator('.incident-map path.mk-incident.mk-synthetic');
  // Where several lie together they are a cluster: a click opens it (spiders it at the
  // map's closest zoom).
  await page
    .locator('.incident-map path.mk-synthetic, .incident-map .cluster-incident')
    .first()
    .waitFor();
  if (!(await synMarker.count()))
    await page.locator('.incident-map .cluster-incident').first().click();
  await synMarker.first().waitFor();
  const legend = page.locator('.map-legend');
  assert.equal(await legend.getAttribute('open'), '', 'the legend is open on a wide screen');
  for (const id of ['map.legend_endorsed', 'map.legend_not_endorsed', 'map.legend_synthetic'])
    await legend.getByText(en[id]).waitFor();
  const rows = page
    .locator('section', { has: page.getByRole('heading', { name: en['map.in_view'] }) })
    .locator('tbody tr');
  await rows.first().waitFor();
  const badges = rows.locator('.badge-synthetic');
  assert.ok((await badges.count()) > 0, 'the synthetic rows carry the badge');
  assert.equal(await badges.first().innerText(), en['map.synthetic']);
  // A popup of a synthetic marker says so. (Clusters hide most markers: open an unclustered one.)
  await synMarker.first().click({ force: true });
  const popup = page.locator('.leaflet-popup');
  await popup.waitFor();
  await popup.locator('.badge-synthetic').getByText(en['map.synthetic']).waitFor();
  await shot('synthetic-popup', false);
  await page.locator('.leaflet-popup-close-button').click();

  // Hidden: only the real report is left, and the map goes to it.
  listRequests.length = 0;
  await page.getByLabel(en['map.hide_synthetic']).check();
  await page.waitForFunction(() => /at=10\//.test(decodeURIComponent(location.hash)));
  await page
    .locator('.map-count')
    .filter({ hasText: /^In this view: 1 incident\.$/ })
    .waitFor();
  assert.match(page.url(), /synthetic=exclude/);
  const asked = listRequests.filter((u) => u.pathname === '/api/v1/incidents').pop();
  assert.equal(asked.searchParams.get('synthetic'), 'exclude');
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.locator('.badge-synthetic').count(), 0);
  assert.equal(await synMarker.count(), 0);
  await page.getByLabel(en['map.hide_synthetic']).uncheck();
  await page.waitForFunction(() => !/synthetic=exclude/.test(location.hash));
  await settled();
});

test('incidents-map/leave: leaving the map while it animates raises no script error', async () => {
  for (let round = 0; round < 3; round++) {
    await page.goto(`${server.url}/#/incidents?at=4/15/0`);
    await page.reload();
    await settled();
    // An animated zoom (a button), then away before it ends.
    await page.getByRole('button', { name: en['map.zoom_in'] }).click();
    await page.evaluate(() => {
      location.hash = '#/';
    });
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.goto(`${server.url}/#/incidents?at=3/15/0`);
    await settled();
    // A mission chosen: the page asks where its incidents are, and the view flies there.
    const asked = page.waitForResponse((r) => /\/grid\?.*cell=0\.1/.test(r.url()));
    await page.getByLabel(en['map.mission']).selectOption(mission);
    await asked;
    // Two frames on, the flight is under way (it takes 0.8 s): away at once.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await page.evaluate(() => {
      location.hash = '#/';
    });
    // Leaflet's own end-of-zoom timer is 250 ms; a fault would show within it. The wait only
    // gives a fault the time to happen: the test passes on what `problems` holds.
    await page.waitForTimeout(400);
  }
  assert.deepEqual(problems, []);
});

test('incidents-map/phone: no sideways scroll at 360 px, no serious axe violation', async () => {
  for (const [w, h] of [
    [1366, 768],
    [360, 740],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${server.url}/#/incidents?mission=${mission}`);
    await page.reload();
    await page.waitForFunction(() => /at=([4-9]|1\d)\//.test(decodeURIComponent(location.hash)));
    await settled();
    await page
      .locator(
        '.incident-map .grid-incident, .incident-map .leaflet-marker-icon, .incident-map path.mk-incident',
      )
      .first()
      .waitFor();
    assert.equal(await sidewaysScroll(page), 0, `sideways scroll at ${w} px`);
    assert.deepEqual(await axeViolations(page), [], `axe at ${w} px`);
    await shot(`page-${w}`);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
});

test('incidents-map/clean: no script errors, no CSP refusals, no request to another origin', () => {
  assert.deepEqual(problems, []);
});
