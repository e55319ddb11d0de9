// The casualty form (#/casualties/new) in Debian's Chromium against the real server, on a
// seeded store with a focal point of Rwanda (record.write, and the right to release Rwanda's
// records) and a reporter of Brazil (another member organization). The focal point opens a
// submitted TLP:GREEN incident, adds a casualty record from its page (embargoed): a form with
// three bad fields shows the three problems at once without asking the server, the server's
// refusal of a country code lands at that field, and a double-click on Save records one person, whose stored values are the ones typed. The record
// is listed on the incident with its embargo; its CASEVAC times are entered there; Brazil's
// user sees neither the record nor the API's copy until the focal point releases it, and both
// after; a record saved with "Release it now" (offered to the focal point, not to Brazil's
// reporter) is stored released. A record without an incident whose reply is lost is sent again with the same
// Idempotency-Key and stored once, and its page offers Release and the CASEVAC timeline.
// Screenshots at 1366 and 360 px go to BH_E2E_SCREENSHOTS (casualty-form-*.png); at 360 px
// nothing scrolls sideways.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  apiAs,
  bluehelm,
  catalog,
  launchBrowser,
  scratch,
  screenshotDir,
  startServer,
  watchPage,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const FOCAL = 'rwa.focal';
const READER = 'bra.reader';
const MISSION = 'MINUSMA';
const en = catalog('en');

let server;
let browser;
let page; // the focal point's
let other; // Brazil's reporter's, in a context of its own
let problems;
let otherProblems;
let shots;
let incident;
let record; // the casualty record added from the incident's page
const posts = []; // every POST /api/v1/casualties the focal point's page sent

async function shot(name, on = page) {
  await on.screenshot({ path: path.join(shots, `casualty-form-${name}.png`), fullPage: true });
}

const call = (method, url, body) => apiAs(page, server.url, method, url, body);

async function signIn(on, username) {
  await on.goto(`${server.url}/`);
  await on.getByLabel('Username').fill(username);
  await on.getByLabel('Password').fill(PASSWORD);
  await on.getByRole('button', { name: 'Sign in' }).click();
  await on.locator('header.topbar').getByText(username, { exact: true }).waitFor();
}

// The status of GET url for a page's signed-in user (404 when they may not see it).
async function statusFor(on, url) {
  const cookie = (await on.context().cookies()).find((c) => c.name === 'bh_session');
  const res = await fetch(`${server.url}${url}`, {
    headers: { Cookie: `bh_session=${cookie.value}` },
  });
  return { status: res.status, body: await res.json() };
}

// Nothing wider than the window: the page does not scroll sideways.
async function noSidewaysScroll(on, what) {
  const [scroll, client] = await on.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(scroll <= client, `${what} scrolls sideways at 360 px: ${scroll} > ${client}`);
}

const fieldError = (form, name) => form.locator(`[data-field="${name}"] .field-error`);
// A problem as the form shows it: the phrase made a sentence ("Choose the type of casualty.").
const releaseLabel = (id) => en['casualties.release_label'].replace('{id}', id);
const sentence = (text) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
const asShown = (id) => sentence(en[id]);

before(async () => {
  const dir = scratch('casualty_form');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  for (const [user, org, role] of [
    [FOCAL, 'RWA', 'focal_point'],
    [READER, 'BRA', 'reporter'],
  ]) {
    bluehelm(
      ['user', 'add', user, '--org', org, '--role', role, '--password-stdin', '--db', db],
      `${PASSWORD}\n`,
    );
    bluehelm(['user', 'missions', user, MISSION, '--db', db]);
  }
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  const opts = { viewport: { width: 1366, height: 900 }, timezoneId: 'UTC' };
  page = await (await browser.newContext(opts)).newPage();
  other = await (await browser.newContext(opts)).newPage();
  for (const p of [page, other]) p.setDefaultTimeout(20000);
  problems = watchPage(page, server.url);
  otherProblems = watchPage(other, server.url);
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/casualties')
      posts.push(r.headers()['idempotency-key'] || '');
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

test('casualty-form/from-incident: three bad fields are named at once, nothing is sent', async () => {
  await signIn(page, FOCAL);
  const tax = await call('GET', '/api/v1/taxonomy');
  const types = tax.threat_types || tax.threats || tax.types;
  const ied = types.find((x) => /ied|explosive/i.test(`${x.code} ${x.label}`)) || types[0];
  incident = await call('POST', '/api/v1/incidents', {
    mission: MISSION,
    occurred_at: '2025-06-10T06:15:00Z',
    latitude: 16.27,
    longitude: -0.04,
    place_name: 'Gao road',
    threat_type: ied.code,
    target: 'patrol',
    activity: 'patrolling',
    tlp: 'GREEN',
    submit: true,
  });
  await page.goto(`${server.url}/#/incidents/${incident.id}`);
  await page.getByText(en['incident_detail.no_casualty_records']).waitFor();
  await page.getByRole('link', { name: en['incident_detail.add_casualty'] }).click();
  await page.getByRole('heading', { level: 1, name: en['casualty_form.title'] }).waitFor();
  assert.equal(new URL(page.url()).hash, `#/casualties/new?incident=${incident.id}`);
  const form = page.locator('form.report-form');
  // The incident is filled in: its id, its mission, its day.
  assert.equal(await form.getByLabel(en['casualty_form.incident_id']).inputValue(), incident.id);
  assert.equal(await form.getByLabel(en['casualty_form.mission']).inputValue(), MISSION);
  assert.equal(await form.getByLabel(en['casualty_form.incident_date']).inputValue(), '2025-06-10');
  // The nationality picker names the country and its code.
  assert.match(
    await form.locator('select[name=nationality] option[value=RWA]').innerText(),
    /Rwanda \(RWA\)/,
  );
  await shot('empty-1366');

  // Three bad fields: a day that does not exist, no type of casualty, a malformed incident id.
  await form.getByLabel(en['casualty_form.incident_date']).fill('2025-02-30');
  await form.getByLabel(en['casualty_form.incident_id']).fill('not-an-incident');
  await form.getByLabel(en['casualty_form.incident_type']).selectOption('Malicious Act');
  await form.getByLabel(en['casualty_form.personnel_type']).selectOption('Military');
  await form.getByLabel(en['casualty_form.nationality']).selectOption('RWA');
  await form.getByLabel(en['casualty_form.gender']).selectOption('F');
  await form.getByRole('button', { name: en['casualty_form.save'] }).click();
  await fieldError(form, 'incident_date').waitFor();
  const shown = form.locator('.field-error:not([hidden])');
  assert.equal(await shown.count(), 3, 'exactly the three bad fields are named');
  // The date's format is named by forms.js, with the field's name.
  assert.equal(
    await fieldError(form, 'incident_date').innerText(),
    sentence(en['forms.problem_date'].replace('{field}', en['casualty_form.incident_date'])),
  );
  assert.equal(
    await fieldError(form, 'casualty_type').innerText(),
    asShown('casualty_form.problem_casualty_type'),
  );
  assert.equal(
    await fieldError(form, 'incident_id').innerText(),
    asShown('casualty_form.problem_incident_id'),
  );
  assert.equal(await form.locator('[aria-invalid=true]').count(), 3);
  // The first problem has the focus; the server was not asked.
  assert.equal(await page.evaluate(() => document.activeElement.name), 'incident_date');
  assert.equal(posts.length, 0, 'no POST /api/v1/casualties before the form is right');
  await shot('three-problems-1366');
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page, 'the form with its problems');
  await shot('three-problems-360');
  await page.setViewportSize({ width: 1366, height: 900 });
});

test('casualty-form/double-submit: one record, the values typed, listed on the incident', async () => {
  const form = page.locator('form.report-form');
  await form.getByLabel(en['casualty_form.incident_date']).fill('2025-06-10');
  await form.getByLabel(en['casualty_form.incident_id']).fill(incident.id);
  await form.getByLabel(en['casualty_form.casualty_type']).selectOption('Injury');
  // A country the lists lack, by its code; one the server does not know is refused at the
  // code's field, and nothing is stored.
  const nationality = form.getByLabel(en['casualty_form.nationality']);
  const code = form.getByLabel(en['casualty_form.nationality_code']);
  assert.equal(await code.isVisible(), false);
  await nationality.selectOption('other');
  await code.fill('QQQ');
  await form.getByRole('button', { name: en['casualty_form.save'] }).click();
  await fieldError(form, 'nationality_code').waitFor();
  assert.match(await fieldError(form, 'nationality_code').innerText(), /'QQQ'/);
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  assert.equal(posts.length, 1);
  assert.equal((await call('GET', `/api/v1/incidents/${incident.id}`)).casualty_records.length, 0);
  await nationality.selectOption('RWA');
  assert.equal(await code.isVisible(), false);
  // Embargoed (the default) and TLP:GREEN (the default marking).
  assert.equal(await form.getByLabel(en['casualty_form.embargo_keep']).isChecked(), true);
  assert.equal(await form.getByLabel(en['incident_form.marking']).inputValue(), 'GREEN');
  await form.getByRole('button', { name: en['casualty_form.save'] }).dblclick();
  // The incident's page, with the status line.
  await page.waitForURL((u) => u.hash.startsWith(`#/incidents/${incident.id}?casualty=`));
  const saved = page.getByRole('status').filter({ hasText: /^Casualty record BH-/ });
  await saved.waitFor();
  assert.equal(posts.length, 2, `one POST for a double-click, got ${posts.length - 1}`);
  const inc = await call('GET', `/api/v1/incidents/${incident.id}`);
  assert.equal(inc.casualty_records.length, 1, 'one record for a double-click');
  record = await call('GET', `/api/v1/casualties/${inc.casualty_records[0].id}`);
  assert.equal(
    await saved.innerText(),
    en['casualty_form.saved'].replace('{id}', record.casualty_id),
  );
  // The stored values are the ones typed and chosen.
  assert.equal(record.incident_date, '2025-06-10');
  assert.equal(record.mission, MISSION);
  assert.equal(record.casualty_type, 'Injury');
  assert.equal(record.incident_type, 'Malicious Act');
  assert.equal(record.personnel_type, 'Military');
  assert.equal(record.nationality, 'RWA');
  assert.equal(record.gender, 'F');
  assert.equal(record.tlp, 'TLP:GREEN');
  assert.equal(record.incident_id, incident.id);
  assert.equal(record.owner, 'RWA');
  assert.equal(record.embargoed, true);
  // Listed on the incident, embargoed, with Release for this focal point of the owner.
  const item = page.locator(`.casualty-item[data-casualty="${record.id}"]`);
  await item.getByText(en['casualties.embargoed'], { exact: true }).waitFor();
  await item.getByText(record.casualty_id).waitFor();
  await item.getByRole('button', { name: releaseLabel(record.casualty_id) }).waitFor();
  await shot('listed-1366');
});

test('casualty-form/casevac: the times are entered on the incident right after adding', async () => {
  // The incident's page came back at the new record, its timeline open and in view.
  assert.equal(new URL(page.url()).hash, `#/incidents/${incident.id}?casualty=${record.id}`);
  const item = page.locator(`.casualty-item[data-casualty="${record.id}"]`);
  assert.equal(await item.locator('details.casevac').getAttribute('open'), '');
  const form = item.locator('form.casevac-form');
  await form.waitFor();
  const box = await item.boundingBox();
  assert.ok(box.y >= 0 && box.y < 900, `the new record is in view (y = ${box.y})`);
  await form.getByLabel('Injury (UTC)').fill('2025-06-10 06:15');
  await form.getByLabel('First aid (UTC)').fill('2025-06-10 06:22');
  await form.getByLabel(/^Advanced care/).fill('2025-06-10 07:05');
  await form.getByLabel(/^Surgery/).fill('2025-06-10 08:00');
  await form.getByRole('button', { name: en['casevac.save'] }).click();
  await item.getByText(en['casevac.saved']).waitFor();
  const cv = await call('GET', `/api/v1/casualties/${record.id}/casevac`);
  assert.equal(cv.times.injury_at, '2025-06-10T06:15:00Z');
  assert.equal(cv.times.first_aid_at, '2025-06-10T06:22:00Z');
  assert.equal(cv.times.surgery_at, '2025-06-10T08:00:00Z');
  assert.equal(cv.compliance.first_aid.minutes, 7);
  assert.equal(cv.compliance.first_aid.met, true);
  assert.equal(cv.compliance.all_met, true);
  await item.getByText(en['casevac.all_met']).waitFor();
});

test('casualty-form/release: another member sees the record only once it is released', async () => {
  await signIn(other, READER);
  await other.goto(`${server.url}/#/incidents/${incident.id}`);
  await other.getByText(en['incident_detail.no_casualty_records']).waitFor();
  assert.equal((await statusFor(other, `/api/v1/casualties/${record.id}`)).status, 404);
  // Brazil's reporter writes records, so may add one; the Add link is there.
  await other.getByRole('link', { name: en['incident_detail.add_casualty'] }).waitFor();

  const item = page.locator(`.casualty-item[data-casualty="${record.id}"]`);
  page.once('dialog', (d) => d.accept());
  await item.getByRole('button', { name: releaseLabel(record.casualty_id) }).click();
  await item.getByText(en['casualties.released'], { exact: true }).waitFor();
  assert.equal(await item.getByRole('button', { name: /^Release/ }).count(), 0);
  await page
    .getByRole('status')
    .filter({ hasText: en['casualties.released_status'].replace('{id}', record.casualty_id) })
    .waitFor();
  const now = await call('GET', `/api/v1/casualties/${record.id}`);
  assert.equal(now.embargoed, false);
  assert.equal(now.released_by, FOCAL);
  await shot('released-1366');

  await other.reload();
  const seen = other.locator(`.casualty-item[data-casualty="${record.id}"]`);
  await seen.getByText(en['casualties.released'], { exact: true }).waitFor();
  // Not the owner's focal point: no Release for them (and nothing left to release).
  assert.equal(await seen.getByRole('button', { name: /^Release/ }).count(), 0);
  const got = await statusFor(other, `/api/v1/casualties/${record.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.casualty_id, record.casualty_id);
  assert.equal(got.body.embargoed, false);
  await other.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(other, "the incident's page");
  await shot('incident-360', other);
});

test('casualty-form/release-now: a focal point may lift the embargo as the record is saved', async () => {
  // Brazil's reporter may not release: the form offers the embargo only, and says who lifts it.
  await other.setViewportSize({ width: 1366, height: 900 });
  await other.goto(`${server.url}/#/casualties/new?incident=${incident.id}`);
  await other.locator('form.report-form').waitFor();
  assert.equal(await other.locator('input[name=embargo]').count(), 1);
  await other.getByText(en['casualty_form.embargo_hint_others']).waitFor();

  await page.goto(`${server.url}/#/casualties/new?incident=${incident.id}`);
  const form = page.locator('form.report-form');
  await form.waitFor();
  await form.getByLabel(en['casualty_form.casualty_type']).selectOption('Fatality');
  await form.getByLabel(en['casualty_form.incident_type']).selectOption('Malicious Act');
  await form.getByLabel(en['casualty_form.personnel_type']).selectOption('Military Observer');
  await form.getByLabel(en['casualty_form.nationality']).selectOption('RWA');
  await form.getByLabel(en['casualty_form.gender']).selectOption('U');
  await form.getByLabel(en['casualty_form.embargo_release']).check();
  await form.getByRole('button', { name: en['casualty_form.save'] }).click();
  await page.waitForURL((u) => u.hash.startsWith(`#/incidents/${incident.id}?casualty=`));
  const id = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('casualty');
  const rec = await call('GET', `/api/v1/casualties/${id}`);
  assert.equal(rec.embargoed, false);
  assert.equal(rec.released_by, FOCAL);
  assert.equal(rec.gender, 'U');
  assert.equal(rec.personnel_type, 'Military Observer');
  await page
    .getByRole('status')
    .filter({ hasText: en['casualty_form.saved_released'].replace('{id}', rec.casualty_id) })
    .waitFor();
  const item = page.locator(`.casualty-item[data-casualty="${id}"]`);
  await item.getByText(en['casualties.released'], { exact: true }).waitFor();
});

test('casualty-form/retry: a lost reply sent again with the same key stores one record', async () => {
  const before = (await call('GET', '/api/v1/casualties?limit=100')).total;
  await page.goto(`${server.url}/#/casualties/new`);
  await page.getByRole('heading', { level: 1, name: en['casualty_form.title'] }).waitFor();
  const form = page.locator('form.report-form');
  await form.getByLabel(en['casualty_form.incident_date']).fill('2025-07-01');
  await form.getByLabel(en['casualty_form.mission']).selectOption(MISSION);
  await form.getByLabel(en['casualty_form.casualty_type']).selectOption('Fatality');
  await form.getByLabel(en['casualty_form.incident_type']).selectOption('Accident');
  await form.getByLabel(en['casualty_form.personnel_type']).selectOption('Police');
  await form.getByLabel(en['casualty_form.nationality']).selectOption('unknown');
  await form.getByLabel(en['casualty_form.gender']).selectOption('M');
  // The first attempt reaches the server, and its answer is lost on the way back.
  let dropped = 0;
  await page.route('**/api/v1/casualties', async (route) => {
    if (route.request().method() !== 'POST' || dropped) return route.continue();
    dropped++;
    await route.fetch();
    await route.abort('connectionreset');
  });
  const sent = posts.length;
  await form.getByRole('button', { name: en['casualty_form.save'] }).click();
  await form.locator('.form-alert:not([hidden])').waitFor();
  assert.equal((await call('GET', '/api/v1/casualties?limit=100')).total, before + 1);
  await form.getByRole('button', { name: en['casualty_form.save'] }).click();
  const heading = page.getByRole('heading', { level: 2, name: /^Casualty record BH-/ });
  await heading.waitFor();
  assert.equal(posts.length, sent + 2);
  assert.equal(posts[sent], posts[sent + 1], 'the retry carries the same Idempotency-Key');
  assert.equal((await call('GET', '/api/v1/casualties?limit=100')).total, before + 1);
  await page.unroute('**/api/v1/casualties');
  // Its page: the state, Release for this focal point, and its CASEVAC timeline.
  const id = (await heading.innerText()).replace(/^Casualty record /, '');
  const rec = await call('GET', `/api/v1/casualties/${id}`);
  assert.equal(rec.nationality, null);
  assert.equal(rec.nationality_name, 'ZZ [Undetermined]');
  assert.equal(rec.personnel_type, 'Police');
  assert.equal(rec.embargoed, true);
  await page.getByText(en['casualties.embargoed'], { exact: true }).waitFor();
  await page.getByRole('button', { name: releaseLabel(id) }).waitFor();
  await page.locator(`details.casevac[data-casualty="${rec.id}"]`).waitFor();
  const link = page.getByRole('link', { name: en['casualty_form.see_in_register'] });
  assert.equal(await link.getAttribute('href'), '#/casualties?from=2025&to=2025&mission=MINUSMA');
  await shot('saved-1366');
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page, 'the saved record');
  await shot('saved-360');
  // "Add another record" draws the empty form again at the same address.
  await page.getByRole('link', { name: en['casualty_form.add_another'] }).click();
  await page.locator('form.report-form').waitFor();
  assert.equal(await page.getByLabel(en['casualty_form.incident_date']).inputValue(), '');
  await noSidewaysScroll(page, 'the empty form');
  await shot('empty-360');
});

test('casualty-form/clean: no script error, CSP refusal or request elsewhere', () => {
  // The lost reply of the retry test is the one network error the page was meant to see.
  const real = problems.filter((p) => !/ERR_CONNECTION_RESET|net::ERR_FAILED/.test(p));
  assert.deepEqual(real, []);
  assert.deepEqual(otherProblems, []);
});
