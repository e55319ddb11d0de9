// The incident register in Debian's Chromium against the real server, on a seeded store with a
// synthetic history (`bluehelm demo`), a reporter of Rwanda and an endorser of Brazil who both
// work for MINUSMA (`bluehelm user missions`). The reporter's form refuses a latitude of 91 and
// a time in the future at their fields without asking the server, shows the server's refusal
// of an unknown TLP:RED recipient at that field, takes the place from a click on its map (typed
// coordinates move the marker), and submits; the reporter records a casualty's CASEVAC times
// and the page shows the API's 10-1-2 verdict. The endorser finds the report in the queue,
// returns a second one (the reason is required) and endorses the first; on the map the layer
// counts what the API counts for the view, the search narrows it to the one report, whose
// marker's popup says Endorsed and links to the detail page. With fewer points allowed than the
// view holds (`points=100` in the address: the demo's 400 incidents stay fast to seed), the map
// draws counts per grid cell, which add up to the API's total for the view.
// Screenshots go to BH_E2E_SCREENSHOTS (build/e2e-screenshots/incidents-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  addUsers,
  apiAs,
  bluehelm,
  launchBrowser,
  openPage,
  scratch,
  screenshotDir,
  signIn as signInAs,
  signOut as signOutOf,
  startServer,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const REPORTER = 'rwa.reporter';
const ENDORSER = 'bra.endorser';
const MISSION = 'MINUSMA';
// A word no synthetic narrative has, to find the report with the search.
const WORD = 'Tessitcorridor';
// During MINUSMA's mandate, in UTC (the browser runs in UTC below).
const WHEN = '2023-03-15T08:30';

let server;
let browser;
let page;
let problems;
let shots;
let incident; // the report as the API returned it after submission
let second; // another report, which the endorser returns
const listRequests = []; // the map's GET /api/v1/incidents and /api/v1/events URLs
const gridRequests = []; // its GET /api/v1/incidents/grid and /api/v1/events/grid URLs

// A full-page screenshot resizes the window for a moment, which makes Leaflet redraw and close
// an open popup: the popup's screenshot is of the window only.
async function shot(name, fullPage = true) {
  await page.screenshot({ path: path.join(shots, `incidents-${name}.png`), fullPage });
}

const call = (method, url, body) => apiAs(page, server.url, method, url, body);

const signIn = (username) => signInAs(page, server.url, username, PASSWORD);
const signOut = () => signOutOf(page);

const fieldError = (form, name) => form.locator(`[data-field="${name}"] .field-error`);

before(async () => {
  const dir = scratch('incidents');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  bluehelm(['demo', '--incidents', '400', '--seed', '11', '--db', db]);
  // Context events: the UCDP and ACLED fixtures of the importers' tests (Africa, 2022-2023).
  const data = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
  bluehelm(['import', 'ucdp', path.join(data, 'ucdp', 'ged_sample.csv'), '--db', db]);
  bluehelm(['import', 'acled', path.join(data, 'acled', 'dyadic.csv'), '--db', db]);
  addUsers(db, PASSWORD, [
    [REPORTER, 'RWA', 'reporter', MISSION],
    [ENDORSER, 'BRA', 'endorser', MISSION],
  ]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, server.url, {
    viewport: { width: 1280, height: 900 },
  }));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/^\/api\/v1\/(incidents|events)$/.test(u.pathname) && r.method() === 'GET')
      listRequests.push(u);
    if (/^\/api\/v1\/(incidents|events)\/grid$/.test(u.pathname) && r.method() === 'GET')
      gridRequests.push(u);
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

test('incidents/validation: the form names the bad field before asking the server', async () => {
  await signIn(REPORTER);
  // The reporter's navigation has the register and the form, not the queue.
  await page.getByRole('link', { name: 'Report an incident' }).click();
  await page.getByRole('heading', { level: 1, name: 'Report an incident' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Endorsement queue' }).count(), 0);
  const form = page.locator('form.report-form');
  // The only mission the reporter works for is chosen already.
  assert.equal(await form.getByLabel('Mission *').inputValue(), MISSION);

  const posts = () => (server.log().match(/method=POST path=\/api\/v1\/incidents /g) || []).length;
  const before = posts();
  await form.getByLabel('Latitude *').fill('91');
  await form.getByLabel('Longitude *').fill('-0.5');
  await form.getByLabel('Occurred at (UTC) *').fill('2099-01-01T10:00');
  await form.getByRole('button', { name: 'Submit for endorsement' }).click();
  const latError = fieldError(form, 'latitude');
  await latError.waitFor();
  assert.equal(await latError.innerText(), 'Latitude must be a number between -90 and 90.');
  assert.equal(await form.getByLabel('Latitude *').getAttribute('aria-invalid'), 'true');
  assert.equal(await fieldError(form, 'occurred_at').innerText(), 'The time is in the future.');
  assert.equal(
    await fieldError(form, 'threat_type').innerText(),
    'Choose the threat type.',
    'a required field left empty is named',
  );
  // The longitude was fine and says nothing.
  assert.equal(await fieldError(form, 'longitude').isHidden(), true);
  await shot('validation');
  await form.getByLabel('Occurred at (UTC) *').fill('1947-12-31T23:00');
  await form.getByRole('button', { name: 'Save draft' }).click();
  await fieldError(form, 'occurred_at')
    .filter({ hasText: 'The time is before 1948, when peacekeeping began.' })
    .waitFor();
  assert.equal(posts(), before, 'nothing was sent to the server');
});

test('incidents/report: the reporter picks the place on the map and submits the report', async () => {
  const form = page.locator('form.report-form');
  const tax = await call('GET', '/api/v1/taxonomy');
  const ied = tax.threat_types.find((t) => t.code === 'ied') || tax.threat_types[0];

  // Typed coordinates place the marker and take the map there (whole degrees: zoom 6, the
  // picker's data-zoom); a click on the map then moves it and sets them.
  const picker = form.locator('.picker-map');
  await form.getByLabel('Latitude *').fill('16');
  await form.getByLabel('Longitude *').fill('-0.5');
  const marker = picker.locator('.pick-marker');
  await marker.waitFor();
  await page.waitForFunction(() => document.querySelector('.picker-map').dataset.zoom === '6');
  const box = await picker.boundingBox();
  const typedAt = await marker.boundingBox();
  // [16, -0.5] is now the view's centre.
  assert.ok(Math.abs(typedAt.x + typedAt.width / 2 - (box.x + box.width / 2)) < 3);
  assert.ok(Math.abs(typedAt.y + typedAt.height / 2 - (box.y + box.height / 2)) < 3);
  // At zoom 6 (16,384 px around the world) 45 px east and 45 px south of the centre is
  // 15.047° N, 0.489° E (Web Mercator), near Gao.
  const click = { x: box.width / 2 + 45, y: box.height / 2 + 45 };
  await picker.click({ position: click });
  const lat = Number(await form.getByLabel('Latitude *').inputValue());
  const lon = Number(await form.getByLabel('Longitude *').inputValue());
  assert.ok(Math.abs(lat - 15.047) < 0.05, `latitude from the click: ${lat}`);
  assert.ok(Math.abs(lon - 0.489) < 0.05, `longitude from the click: ${lon}`);
  // A click at zoom 6 is good to about 19 km: a district, not an exact place.
  assert.equal(await form.getByLabel('Precision of the place').inputValue(), 'admin2');
  const movedTo = await marker.boundingBox();
  assert.ok(Math.abs(movedTo.x + movedTo.width / 2 - (box.x + click.x)) < 3, 'marker at the click');
  assert.ok(Math.abs(movedTo.y + movedTo.height / 2 - (box.y + click.y)) < 3);
  // The problems of the last attempt went away with the next one; this one is the server's.
  await form.getByLabel('Occurred at (UTC) *').fill(WHEN);
  await form.getByLabel('Threat type *').selectOption(ied.code);
  await form.getByLabel('Target *').selectOption('convoy');
  await form.getByLabel('Activity at the time *').selectOption('logistics_convoy');
  await form.getByLabel('Place name').fill('Tessit road, 12 km south of the camp');
  await form.getByLabel('Admin 1 (region)').fill('Gao');
  await form.getByLabel('Perpetrator').fill('Unidentified armed group');
  await form.getByLabel('Killed').fill('1');
  await form.getByLabel('Injured').fill('2');
  await form
    .getByLabel('Narrative')
    .fill(
      `A logistics convoy on the ${WORD} struck a pressure-plate IED at 08:30. One peacekeeper was killed and two injured; CASEVAC by helicopter.`,
    );
  await form.getByLabel('Sources').fill('Convoy commander report 2023-03-15\nJOC SITREP 074');
  // TLP:RED with a recipient who does not exist: the server refuses, naming the field.
  await form.getByLabel('Marking (TLP)').selectOption('RED');
  await form.getByLabel('Recipients *').fill('nobody.here');
  await form.getByRole('button', { name: 'Submit for endorsement' }).click();
  const recError = fieldError(form, 'recipients');
  await recError.waitFor();
  assert.match(await recError.innerText(), /nobody\.here/);
  assert.equal(await fieldError(form, 'latitude').isHidden(), true);
  await shot('server-refusal');

  await form.getByLabel('Marking (TLP)').selectOption('GREEN');
  await shot('form');
  await form.getByRole('button', { name: 'Submit for endorsement' }).click();
  await page.getByText('Report submitted for endorsement.').waitFor();
  await page.getByRole('heading', { level: 1, name: `${ied.label}, ${MISSION}` }).waitFor();
  const id = decodeURIComponent(new URL(page.url()).hash.replace('#/incidents/', ''));
  incident = await call('GET', `/api/v1/incidents/${encodeURIComponent(id)}`);
  assert.equal(incident.status, 'submitted');
  assert.equal(incident.reporter, REPORTER);
  assert.equal(incident.owner, 'RWA');
  assert.equal(incident.mission, MISSION);
  assert.equal(incident.threat_type, ied.code);
  assert.equal(incident.occurred_at, `${WHEN}:00Z`);
  assert.equal(incident.latitude, lat);
  assert.equal(incident.longitude, lon);
  assert.equal(incident.killed, 1);
  assert.equal(incident.injured, 2);
  assert.equal(incident.tlp, 'TLP:GREEN');
  assert.deepEqual(incident.sources, ['Convoy commander report 2023-03-15', 'JOC SITREP 074']);
  // A second report, through the API, for the endorser to return.
  second = await call('POST', '/api/v1/incidents', {
    mission: MISSION,
    occurred_at: '2023-04-02T17:10:00Z',
    latitude: 15.66,
    longitude: 0.5,
    place_name: 'Ansongo market',
    threat_type: ied.code,
    target: 'patrol',
    activity: 'patrolling',
    submit: true,
  });
  assert.equal(second.status, 'submitted');
  await page.locator('.incident-head').getByText('Submitted', { exact: true }).waitFor();
  // Submitted, it can no longer be edited; its reporter cannot endorse it.
  assert.equal(await page.getByRole('link', { name: 'Edit' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Endorse' }).count(), 0);
  // The history: created, then submitted.
  const history = page.locator('section', { has: page.getByRole('heading', { name: 'History' }) });
  await history.locator('tbody tr').nth(1).waitFor();
  assert.match(await history.locator('tbody tr').first().innerText(), /^2\s[\s\S]*Submit/);
  await shot('submitted');
});

test('incidents/casevac: the timeline of a casualty shows the 10-1-2 verdict', async () => {
  const cas = await call('POST', '/api/v1/casualties', {
    incident_date: WHEN.slice(0, 10),
    mission: MISSION,
    casualty_type: 'Injury',
    gender: 'M',
    nationality: 'RWA',
    personnel_type: 'Military',
    incident_type: 'Malicious Act',
    incident_id: incident.id,
    tlp: 'GREEN',
  });
  await page.reload();
  const section = page.locator('details.casevac', { has: page.getByText(cas.casualty_id) });
  await section.locator('summary').click();
  const form = section.locator('form.casevac-form');
  await form.getByLabel('Injury (UTC)').fill('2023-03-15T08:30');
  await form.getByLabel('First aid (UTC)').fill('2023-03-15T08:37');
  await form.getByLabel(/^Advanced care/).fill('2023-03-15T09:20');
  await form.getByLabel(/^Surgery/).fill('2023-03-15T10:50');
  await form.getByLabel('Evacuation requested (UTC)').fill('2023-03-15T08:40');
  await form.getByLabel('Evacuation launched (UTC)').fill('2023-03-15T09:05');
  await form.getByLabel('Evacuation arrived (UTC)').fill('2023-03-15T09:15');
  await form.getByRole('button', { name: 'Save the timeline' }).click();
  await section.getByText('Timeline saved.').waitFor();
  const api = await call('GET', `/api/v1/casualties/${encodeURIComponent(cas.id)}/casevac`);
  assert.equal(api.compliance.first_aid.minutes, 7);
  assert.equal(api.compliance.first_aid.met, true);
  assert.equal(api.compliance.advanced_care.met, true);
  assert.equal(api.compliance.surgery.minutes, 140);
  assert.equal(api.compliance.surgery.met, false);
  assert.equal(api.compliance.all_met, false);
  const step = (k) => section.locator(`.rule[data-step="${k}"]`);
  assert.match(await step('first_aid').innerText(), /First aid\s*Met\s*7 min after the injury/);
  assert.match(await step('advanced_care').innerText(), /Met\s*50 min/);
  assert.match(
    await step('surgery').innerText(),
    /Missed\s*2 h 20 min after the injury, target 2 h/,
  );
  await section.getByText('10-1-2 not met for this casualty.').waitFor();
  await section.getByText('Request to launch: 25 min').waitFor();
  await shot('casevac');
  await signOut();
});

test('incidents/queue: the endorser finds the report in the queue and endorses it', async () => {
  await signIn(ENDORSER);
  await page.getByRole('link', { name: 'Endorsement queue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Endorsement queue' }).waitFor();
  const row = page.locator('tbody tr', { hasText: 'Tessit road' });
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(`${MISSION}[\\s\\S]*15 Mar 2023, 08:30 UTC`));
  assert.match(await row.innerText(), new RegExp(`${REPORTER} \\(RWA\\)`));
  await shot('queue');

  // The other report goes back to its reporter; the reason is required.
  const other = page.locator('tbody tr', { hasText: 'Ansongo market' });
  await other.getByRole('button', { name: /^Return / }).click();
  const ret = other.locator('form.return-form');
  await ret.getByRole('button', { name: 'Return the report' }).click();
  await ret
    .locator('[data-field="reason"] .field-error')
    .filter({ hasText: 'Give the reason: the reporter needs it to fix the report.' })
    .waitFor();
  await ret.getByLabel(/^Why it goes back/).fill('The grid reference puts it in the river.');
  await ret.getByRole('button', { name: 'Return the report' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /^Returned to rwa\.reporter: / })
    .waitFor();
  await other.waitFor({ state: 'detached' });
  const returned = await call('GET', `/api/v1/incidents/${encodeURIComponent(second.id)}`);
  assert.equal(returned.status, 'returned');
  assert.equal(returned.return_reason, 'The grid reference puts it in the river.');

  await row.getByRole('button', { name: /^Endorse / }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /^Endorsed: / })
    .waitFor();
  await row.waitFor({ state: 'detached' });
  const now = await call('GET', `/api/v1/incidents/${encodeURIComponent(incident.id)}`);
  assert.equal(now.status, 'endorsed');
  assert.equal(now.endorsed_by, ENDORSER);
});

test('incidents/map: the endorsed report is on the map, and its popup links to it', async () => {
  listRequests.length = 0;
  await page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Incident map' }).waitFor();
  // The base map is drawn (offline), the synthetic history is clustered.
  await page.locator('.incident-map path.bm-land').first().waitFor();
  assert.ok((await page.locator('.incident-map path.bm-land').count()) > 20);
  await page.locator('.incident-map .cluster-incident').first().waitFor();
  const count = page.locator('.map-count');
  await count.filter({ hasText: /^In this view: / }).waitFor();
  // The counts are the API's own for the view the page asked about.
  const last = (p) => listRequests.filter((u) => u.pathname === p).pop();
  const asked = last('/api/v1/incidents');
  assert.ok(asked.searchParams.get('bbox'), 'the map asks for its view');
  assert.equal(asked.searchParams.get('limit'), '500');
  const api = await call('GET', `/api/v1/incidents?${asked.searchParams}`);
  assert.ok(api.total > 1, `incidents in the view: ${api.total}`);
  const askedEv = last('/api/v1/events');
  assert.equal(askedEv.searchParams.get('bbox'), asked.searchParams.get('bbox'));
  const apiEv = await call('GET', `/api/v1/events?${askedEv.searchParams}`);
  assert.ok(apiEv.total > 0, `context events in the view: ${apiEv.total}`);
  const fmt = (n) => n.toLocaleString('en-US');
  assert.equal(
    await count.innerText(),
    `In this view: ${fmt(api.total)} incidents and ${fmt(apiEv.total)} context events.`,
  );
  const events = page.locator('.incident-map path.mk-event, .incident-map .cluster-event');
  assert.ok((await events.count()) > 0, 'context events are drawn');
  await shot('map');

  // The context events are a layer of their own, switched off and on.
  await page.getByLabel('Context events').uncheck();
  await count.filter({ hasText: /^In this view: [\d,]+ incidents\.$/ }).waitFor();
  assert.equal(await events.count(), 0);
  assert.match(page.url(), /ev=0/);
  await page.getByLabel('Context events').check();
  await events.first().waitFor();

  // The search narrows the map to the one report; its marker's popup links to it.
  await page.getByLabel('Search').fill(WORD);
  await count.filter({ hasText: /^In this view: 1 incident and 0 context events\.$/ }).waitFor();
  assert.match(page.url(), new RegExp(`q=${WORD}`));
  const row = page
    .locator('section', { has: page.getByRole('heading', { name: 'Incidents in this view' }) })
    .locator('tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /Tessit road[\s\S]*1 killed, 2 injured[\s\S]*Endorsed/);
  const marker = page.locator('.incident-map path.mk-incident.mk-endorsed');
  await marker.waitFor();
  assert.equal(await marker.count(), 1);
  await marker.click();
  const popup = page.locator('.leaflet-popup');
  await popup.waitFor();
  assert.match(await popup.innerText(), /Endorsed/);
  assert.match(await popup.innerText(), /Tessit road/);
  await shot('map-popup', false);
  await popup.getByRole('link').click();
  await page.locator('.incident-head').getByText('Endorsed', { exact: true }).waitFor();
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#/incidents/${incident.id}`);
  await page.getByText(`by ${ENDORSER}`).waitFor();
  await shot('endorsed');
});

test('incidents/map-counts: past the point limit the bubbles are counts that add up to the total', async () => {
  gridRequests.length = 0;
  listRequests.length = 0;
  await page.goto(`${server.url}/#/incidents?points=100`);
  await page.getByRole('heading', { level: 1, name: 'Incident map' }).waitFor();
  const bubbles = page.locator('.incident-map .grid-incident');
  await bubbles.first().waitFor();
  const count = page.locator('.map-count');
  await count.filter({ hasText: /^In this view: [\d,]+ incidents and / }).waitFor();
  // No point of the layer is drawn while it is counted.
  assert.equal(await page.locator('.incident-map .cluster-incident, path.mk-incident').count(), 0);
  const asked = gridRequests.filter((u) => u.pathname === '/api/v1/incidents/grid').pop();
  assert.ok(asked, 'the map asks for the counts');
  assert.ok(asked.searchParams.get('bbox'), 'of its view');
  assert.equal(asked.searchParams.get('zoom'), '3');
  const grid = await call('GET', `/api/v1/incidents/grid?${asked.searchParams}`);
  // The list's total for the same view and filters (exact: fewer than 10,000).
  const filters = new URLSearchParams(asked.searchParams);
  filters.delete('zoom');
  const list = await call('GET', `/api/v1/incidents?${filters}&limit=1`);
  assert.equal(list.total_exact, true);
  assert.ok(list.total > 100, `incidents in the view: ${list.total}`);
  assert.equal(grid.total, list.total);
  // Cells whose bubbles would overlap are drawn as one: never more bubbles than cells.
  const texts = await bubbles.allInnerTexts();
  assert.ok(texts.length > 1 && texts.length <= grid.cells.length);
  const sum = texts.reduce((a, t) => a + Number(t.replace(/,/g, '')), 0);
  assert.equal(sum, list.total);
  const fmt = (n) => n.toLocaleString('en-US');
  assert.match(await count.innerText(), new RegExp(`^In this view: ${fmt(list.total)} incidents `));
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForTimeout(600);
  await shot('map-counts');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForTimeout(600);
  await page.locator('.incident-map').scrollIntoViewIfNeeded();
  await shot('map-counts-phone', false);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForTimeout(600);
  // A bubble zooms in to its cell.
  const zoomOf = () => Number(/at=(\d+)/.exec(decodeURIComponent(page.url()))?.[1] || 3);
  const before = zoomOf();
  await bubbles.first().click();
  await page.waitForFunction(
    (z) => Number((/at=(\d+)/.exec(decodeURIComponent(location.hash)) || [])[1] || 0) > z,
    before,
  );
  assert.ok(zoomOf() > before);
});

test('incidents/clean: no script errors, no CSP refusals, no request to another origin', () => {
  assert.deepEqual(problems, []);
});
