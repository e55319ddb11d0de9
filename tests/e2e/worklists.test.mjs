// Work lists and search in Debian's Chromium against the real server, on a seeded store with a
// reporter of Rwanda and an endorser of Brazil who both work for MINUSCA. The reporter has
// three reports around Bambari (two submitted, one draft, made over the API) and submits the
// draft from My reports; the endorser sees the queue's size in the navigation, equal to the
// API's, and returns the report with a reason; the reporter signs in again and sees the notice
// of the return, the count of returned reports in the navigation, and the report with the
// endorser's reason in My reports, with the link to correct it. Then the incident map's search:
// "Bamb" (a prefix of a place name) and "IED" (a threat type's acronym, which two reports are
// without saying it in their text) count what the API counts.
// Screenshots go to BH_E2E_SCREENSHOTS (build/e2e-screenshots/worklists-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
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
const ENDORSER = 'bra.endorser';
const MISSION = 'MINUSCA';
const REASON = 'Give the grid reference of the airfield fence.';
const EN = catalog('en');

let server;
let browser;
let context;
let page;
let problems;
let shots;
const made = {}; // the reports made over the API, by name

async function shot(name, fullPage = true) {
  await page.screenshot({ path: path.join(shots, `worklists-${name}.png`), fullPage });
}

const call = (method, url, body) => apiAs(page, server.url, method, url, body);

const signIn = (username) => signInAs(page, server.url, username, PASSWORD);
const signOut = () => signOutOf(page);

// The navigation's link to `name`, with its count ("Endorsement queue 3 waiting").
const navLink = (name) => page.locator('nav.sidenav').getByRole('link', { name });

function report(place, admin1, type, narrative, lat, lon, submit) {
  return {
    mission: MISSION,
    occurred_at: '2024-05-02T06:40:00Z',
    occurred_precision: 'exact',
    latitude: lat,
    longitude: lon,
    location_precision: 'exact',
    place_name: place,
    admin1,
    admin2: 'Bambari',
    threat_type: type,
    target: 'patrol',
    activity: 'patrolling',
    narrative,
    killed: 0,
    injured: 1,
    missing: 0,
    abducted: 0,
    tlp: 'GREEN',
    submit,
  };
}

before(async () => {
  const dir = scratch('worklists');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  // A synthetic history: some of it waits in MINUSCA's queue, with the Synthetic badge.
  bluehelm(['demo', '--incidents', '300', '--seed', '5', '--db', db]);
  addUsers(db, PASSWORD, [
    [REPORTER, 'RWA', 'reporter', MISSION],
    [ENDORSER, 'BRA', 'endorser', MISSION],
  ]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  ({ context, page, problems } = await openPage(browser, server.url, {
    viewport: { width: 1366, height: 768 },
  }));
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

test('worklists/submit: the reporter submits a draft from My reports', async () => {
  await signIn(REPORTER);
  made.road = await call(
    'POST',
    '/api/v1/incidents',
    report(
      'Bambari',
      'Ouaka',
      'ied',
      'Roadside device on the RN2 east of the town.',
      5.76,
      20.7,
      true,
    ),
  );
  made.ambush = await call(
    'POST',
    '/api/v1/incidents',
    report(
      'Grimari',
      'Ouaka',
      'ambush',
      'Patrol ambushed on the road to Bambari.',
      5.73,
      20.05,
      true,
    ),
  );
  made.fence = await call(
    'POST',
    '/api/v1/incidents',
    report('Airfield fence', 'Ouaka', 'ied', 'Device found under the fence.', 5.78, 20.66, false),
  );
  // My reports, in the navigation under the registers; the draft waits in its tab.
  await page.goto(`${server.url}/#/reports?tab=draft`);
  await page.getByRole('heading', { level: 1, name: EN['reports.title'] }).waitFor();
  const drafts = page.getByRole('tab', { name: /Drafts/ });
  assert.equal(await drafts.getAttribute('aria-selected'), 'true');
  assert.match(await drafts.innerText(), /Drafts\s*1/);
  assert.match(await page.getByRole('tab', { name: /Submitted/ }).innerText(), /Submitted\s*2/);
  const row = page.locator('tr.report-row');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  await row.getByRole('link', { name: 'Improvised explosive device' }).click();
  await page.getByRole('button', { name: 'Submit for endorsement' }).click();
  await page.getByText('Report submitted for endorsement.').waitFor();
  await navLink(EN['shell.nav_reports']).click();
  await page.getByRole('tab', { name: /Submitted/ }).click();
  await page.locator('tr.report-row').nth(2).waitFor();
  assert.match(await page.getByRole('tab', { name: /Submitted/ }).innerText(), /Submitted\s*3/);
  await signOut();
});

test('worklists/return: the endorser sees the queue count and returns a report', async () => {
  await signIn(ENDORSER);
  const work = await call('GET', '/api/v1/me/work');
  const listed = await call('GET', `/api/v1/incidents?status=submitted&mission=${MISSION}`);
  const demo = await call(
    'GET',
    `/api/v1/incidents?status=submitted&mission=${MISSION}&synthetic=only`,
  );
  assert.ok(demo.total > 0, 'the demo history has submitted MINUSCA reports');
  assert.equal(work.queue, 3 + demo.total);
  assert.equal(listed.total, work.queue);
  // The count beside the queue is the API's, with its accessible name.
  const queue = navLink(/Endorsement queue/);
  await queue.filter({ hasText: String(work.queue) }).waitFor();
  assert.equal(await queue.getAttribute('href'), '#/queue');
  await page
    .locator('nav.sidenav')
    .getByRole('link', { name: `Endorsement queue ${work.queue} waiting` })
    .waitFor();
  await queue.click();
  await page.getByRole('heading', { level: 1, name: 'Endorsement queue' }).waitFor();
  const rows = page.locator('tr.queue-row');
  await rows.nth(work.queue - 1).waitFor();
  assert.equal(await rows.count(), work.queue);
  // The synthetic rows say so, and only they.
  assert.equal(await rows.filter({ has: page.locator('.badge-synthetic') }).count(), demo.total);
  await shot('queue');
  const fence = rows.filter({ hasText: 'Airfield fence' });
  await fence.getByRole('button', { name: /^Return/ }).click();
  await fence.getByLabel(EN['workflow.return_reason']).fill(REASON);
  await fence.getByRole('button', { name: EN['workflow.return_submit'] }).click();
  await page.getByText(/Returned to rwa\.reporter/).waitFor();
  // Refreshed on navigation: one fewer waits now.
  await page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await page
    .locator('nav.sidenav')
    .getByRole('link', { name: `Endorsement queue ${work.queue - 1} waiting` })
    .waitFor();
  assert.equal((await call('GET', '/api/v1/me/work')).queue, work.queue - 1);
  await signOut();
});

test('worklists/notice: the reporter is told, and reads the reason in My reports', async () => {
  await signIn(REPORTER);
  const notice = page.locator('.work-notice');
  await notice.waitFor();
  assert.match(await notice.innerText(), /One change to your reports since your last visit/);
  assert.match(await notice.innerText(), new RegExp(`Returned: .*Airfield fence.*${REASON}`));
  await page.locator('nav.sidenav').getByRole('link', { name: 'My reports 1 waiting' }).waitFor();
  await shot('notice');
  await notice.getByRole('link', { name: EN['work.notice_open'] }).click();
  await page.getByRole('heading', { level: 1, name: EN['reports.title'] }).waitFor();
  assert.equal(await notice.count(), 0);
  const returned = page.getByRole('tab', { name: /Returned/ });
  assert.equal(await returned.getAttribute('aria-selected'), 'true');
  const row = page.locator('tr.report-row');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), new RegExp(REASON.replace('.', '\\.')));
  const edit = row.getByRole('link', { name: EN['reports.edit_resubmit'] });
  assert.equal(await edit.getAttribute('href'), `#/incidents/${made.fence.id}/edit`);
  assert.deepEqual(await axeViolations(page), []);
  await shot('my-reports');
  // Opening My reports read the news: the server says so, and the next sign-in is quiet.
  const work = await call('GET', '/api/v1/me/work');
  assert.ok(work.seen_at, 'seen_at is set');
  assert.equal(work.mine.returned, 1);
  // On a phone the tabs and the table fit the width.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForFunction(() => document.documentElement.clientWidth === 360);
  assert.equal(await sidewaysScroll(page), 0, 'My reports scrolls sideways at 360 px');
  await shot('my-reports-phone', false);
  await page.setViewportSize({ width: 1366, height: 768 });
  await edit.click();
  await page.getByRole('button', { name: 'Submit for endorsement' }).waitFor();
});

test('worklists/search: a place-name prefix and a threat acronym count what the API counts', async () => {
  await page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Incident map' }).waitFor();
  const count = page.locator('.map-count');
  for (const [q, real] of [
    ['Bamb', 3], // Bambari in a place, an admin area, a narrative
    ['IED', 2], // the reporter's two IED reports, neither of which says "IED"
  ]) {
    const api = await call('GET', `/api/v1/incidents?q=${q}`);
    const own = await call('GET', `/api/v1/incidents?q=${q}&synthetic=exclude`);
    assert.equal(own.total, real, `the API's total of real reports for q=${q}`);
    await page.getByLabel('Search').fill(q);
    // The map fits the matches, so the view holds them all: the API's total.
    const n = api.total.toLocaleString('en-US');
    await count.filter({ hasText: new RegExp(`^In this view: ${n} incidents?\\b`) }).waitFor();
    await page.waitForURL(new RegExp(`q=${q}`));
  }
  assert.ok((await call('GET', '/api/v1/incidents?q=IED&type=ied')).total > 2);
  await shot('search');
  assert.deepEqual(problems, []);
});
