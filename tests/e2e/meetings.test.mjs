// Meetings in Debian's Chromium against the real server (issue 15 item 1). A coordinator of
// China schedules a meeting with two agenda items and Brazil as a participant in the browser,
// lands on its page (the agenda in order, the time in the meeting's zone), and a focal point of
// Brazil, on a 360 px screen, finds it among the upcoming meetings and opens it; the page does
// not scroll sideways. Screenshot: meetings-360.png (in the build tree's screenshot folder and in
// /tmp/shots).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, appI18n, catalog, stage } from './harness.mjs';

const PASSWORD = 'Launch-meeting-e2e-2021';
const COORD = 'chn.coord';
const FOCAL = 'bra.focal';
const TITLE = 'Plenary on casualty evacuation';
const ITEMS = ['Evacuation times in 2029', 'Night flying capacity'];
const DECISION = 'Report evacuation times every month';
const en = catalog('en');

// The server, the browser and the signed-in pages ("sides"): harness.mjs's stage.
let st;
let server;

const open = (name, user, size) => st.open(name, user, { viewport: size });

before(async () => {
  st = await stage('meetings', PASSWORD, [
    [COORD, 'CHN', 'coordinator'],
    [FOCAL, 'BRA', 'focal_point'],
  ]);
  server = st.server;
});

after(async () => {
  if (st) await st.end();
});

test('meetings: scheduled in the browser, seen by another member at 360 px', async () => {
  const coord = await open('coord', COORD);
  await coord.goto(`${server.url}/#/meetings`);
  await coord.getByRole('heading', { level: 1, name: en['meetings.title'] }).waitFor();
  await coord.getByRole('link', { name: en['meetings.new'] }).click();
  await coord.getByRole('heading', { level: 1, name: en['meetings.new_title'] }).waitFor();
  const form = coord.locator('form.meeting-form');
  // Nothing filled in: the problems at their fields, nothing sent.
  await form.getByRole('button', { name: en['meetings.save'] }).click();
  await form.locator('[data-field="title"] .field-error').waitFor();
  await form.getByLabel(en['meetings.f_title'], { exact: true }).fill(TITLE);
  await form.getByLabel(en['meetings.f_starts']).fill('2030-05-01 09:00');
  await form.getByLabel(en['meetings.f_ends']).fill('2030-05-01 11:00');
  await form.getByLabel(en['meetings.f_zone']).fill('America/New_York');
  await form.getByLabel(en['meetings.agenda'], { exact: true }).fill(ITEMS.join('\n'));
  await form.getByLabel(en['meetings.participants'], { exact: true }).fill('BRA 6');
  await form.getByRole('button', { name: en['meetings.save'] }).click();
  await coord.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  const id = decodeURIComponent(/#\/meetings\/([^?]+)/.exec(coord.url())[1]);
  // The agenda in its order, the time as New York wrote it.
  const agenda = await coord.locator('ol.agenda > li').allTextContents();
  assert.deepEqual(agenda, ITEMS);
  const m = await apiAs(coord, server.url, 'GET', `/api/v1/meetings/${id}`);
  assert.equal(m.starts_at, '2030-05-01T13:00:00Z');
  // The reader (a browser in UTC) sees the start in UTC, and beside it New York's 09:00, both
  // written as i18n.js's instant() writes them.
  const { DATE_TIME_FORMAT } = await appI18n();
  const at = (zone) =>
    new Intl.DateTimeFormat('en-GB', {
      ...DATE_TIME_FORMAT,
      timeZone: zone,
      timeZoneName: 'short',
    }).format(new Date(m.starts_at));
  assert.match(at('America/New_York'), /09:00/);
  await coord.getByText(`${at('America/New_York')} (New York)`, { exact: true }).waitFor();
  await coord.getByText(at('UTC'), { exact: true }).first().waitFor();
  assert.equal(m.starts_local, '2030-05-01T09:00:00-04:00');
  assert.deepEqual(
    m.participants.map((p) => [p.org, p.attendees]),
    [['BRA', 6]],
  );

  // A decision recorded on the meeting's page opens as its own page, linked back.
  const dform = coord.locator('form.decision-form');
  await dform.getByLabel(en['meetings.f_decision_title']).fill(DECISION);
  await dform.getByLabel(en['meetings.f_decision_text']).fill('Agreed by **all** present.');
  await dform.getByRole('button', { name: en['meetings.record'] }).click();
  await coord.getByRole('heading', { level: 1, name: DECISION }).waitFor();
  await coord.locator('article.decision-text strong').getByText('all').waitFor();
  await coord.getByRole('link', { name: en['meetings.open_meeting'] }).waitFor();

  // Brazil's focal point, on a small screen, sees it among the upcoming meetings.
  const focal = await open('focal', FOCAL, { width: 360, height: 800 });
  await focal.goto(`${server.url}/#/meetings`);
  const upcoming = focal.locator('section', {
    has: focal.getByRole('heading', { level: 2, name: en['meetings.upcoming'] }),
  });
  await upcoming.getByRole('link', { name: TITLE }).waitFor();
  const width = await focal.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the list is ${width} px wide at 360 px`);
  await upcoming.getByRole('link', { name: TITLE }).click();
  await focal.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await focal.locator('ol.agenda > li').first().waitFor();
  assert.deepEqual(await focal.locator('ol.agenda > li').allTextContents(), ITEMS);
  await focal.locator('ul.decisions').getByRole('link', { name: DECISION }).waitFor();
  // Brazil's focal point may not record decisions of China's meeting: no form.
  assert.equal(await focal.locator('form.decision-form').count(), 0);
  const pageWidth = await focal.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pageWidth <= 360, `the meeting page is ${pageWidth} px wide at 360 px`);
  await st.shot(focal, 'meetings-360.png');
});
