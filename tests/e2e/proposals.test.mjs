// Proposals under the silence procedure in Debian's Chromium against the real server (issue 15
// item 2). A coordinator of China circulates a proposal with a plan (a commitment and an action
// in MINUSCA for Rwanda) through the form, its deadline written in New York; readers in New
// York and in Shanghai see the same deadline as 18:00 and as 07:00 the next day. A second
// proposal closes ~12 s after it is opened (the form takes minutes, so it is opened through the
// API): Rwanda's focal point states "support" on its page, which then shows the adoption
// without a reload, with links to the decision and to the action created, whose page names it.
// The page fits 360 px without sideways scrolling. Screenshot: proposal-360.png (in the build
// tree's screenshot folder and in /tmp/shots).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { catalog, sidewaysScroll, stage } from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const COORD = 'chn.coord';
const FOCAL = 'rwa.focal';
const TITLE = 'Golden-hour CASEVAC in Sector West';
const ACTION = 'Night-capable CASEVAC helicopter at Bouar';
const en = catalog('en');

// The server, the browser and the signed-in pages ("sides"): harness.mjs's stage.
let st;
let server;

const open = (name, user, options = {}) => st.open(name, user, { locale: 'en', ...options });
const call = (name, method, url, body) => st.call(name, method, url, body);
const shot = (page, name) => st.shot(page, `proposal-${name}.png`);

before(async () => {
  st = await stage('proposals', PASSWORD, [
    [COORD, 'CHN', 'coordinator'],
    [FOCAL, 'RWA', 'focal_point'],
  ]);
  server = st.server;
});

after(async () => {
  if (st) await st.end();
});

test('proposals/form-and-time-zones: created with a plan, one deadline in two zones', async () => {
  const page = await open('coord', COORD, { timezoneId: 'America/New_York' });
  await page.goto(`${server.url}/#/proposals/new`);
  await page.getByLabel(en['proposals.field_title'], { exact: true }).fill(`${TITLE} (form)`);
  await page
    .getByLabel(en['proposals.field_text'], { exact: true })
    .fill('The group **endorses** the standard.');
  await page.getByLabel(en['proposals.field_deadline'], { exact: true }).fill('2027-01-10 18:00');
  await page
    .getByLabel(en['proposals.field_time_zone'], { exact: true })
    .selectOption('America/New_York');
  await page.getByLabel(en['proposals.field_sponsors'], { exact: true }).fill('BRA');
  await page.getByLabel(en['proposals.with_plan'], { exact: true }).check();
  await page
    .getByLabel(en['proposals.commitment_title'], { exact: true })
    .fill('CASEVAC within 60 minutes');
  await page.getByLabel(en['proposals.action_title'], { exact: true }).fill(ACTION);
  await page.getByLabel(en['proposals.action_mission'], { exact: true }).fill('MINUSCA');
  await page.getByLabel(en['proposals.action_org'], { exact: true }).fill('RWA');
  await page.getByLabel(en['proposals.action_due'], { exact: true }).fill('2027-06-30');
  await page.getByRole('button', { name: en['proposals.submit'] }).click();
  await page.waitForURL(/#\/proposals\/[0-9a-f-]{36}$/);
  const id = decodeURIComponent(page.url().split('/').pop());
  const p = await call('coord', 'GET', `/api/v1/proposals/${id}`);
  assert.equal(p.deadline, '2027-01-10T23:00:00Z');
  assert.equal(p.time_zone, 'America/New_York');
  assert.deepEqual(p.sponsors, ['BRA', 'CHN']);
  assert.equal(p.plan.actions[0].mission, 'MINUSCA');
  // New York reads 18:00 on the 10th.
  const ny = page.locator('.deadline-reader');
  await ny.waitFor();
  assert.match(await ny.textContent(), /10.*18:00/);
  assert.match(await page.locator('.deadline-set').textContent(), /18:00.*New York/);
  // Shanghai reads 07:00 on the 11th, the same instant.
  const sh = await open('shanghai', FOCAL, { timezoneId: 'Asia/Shanghai' });
  await sh.goto(`${server.url}/#/proposals/${id}`);
  const shText = await sh.locator('.deadline-reader').textContent();
  assert.match(shText, /11.*07:00/);
  assert.match(await sh.locator('.deadline-set').textContent(), /18:00.*New York/);
  // 360 px: nothing scrolls sideways.
  await sh.setViewportSize({ width: 360, height: 780 });
  await sh.locator('.deadline-reader').waitFor();
  assert.equal(await sidewaysScroll(sh), 0, 'the proposal page scrolls sideways at 360 px');
  await shot(sh, '360');
});

test('proposals/silence: support, adopted at the deadline live, the action it created', async () => {
  const deadline = new Date(Date.now() + 12000).toISOString().replace(/\.\d+Z$/, 'Z');
  const p = await call('coord', 'POST', '/api/v1/proposals', {
    title: TITLE,
    text: 'The group commits to evacuate casualties within the golden hour.',
    deadline,
    time_zone: 'UTC',
    plan: {
      commitment: { title: 'CASEVAC within 60 minutes', source: 'group' },
      actions: [
        { title: ACTION, mission: 'MINUSCA', responsible_org: 'RWA', due_date: '2027-06-30' },
      ],
    },
  });
  const page = await open('focal', FOCAL);
  await page.goto(`${server.url}/#/proposals/${p.id}`);
  await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
  await page.getByLabel(en['proposals.col_position'], { exact: true }).selectOption('support');
  await page.getByRole('button', { name: en['proposals.send_position'] }).click();
  // The positions table names Rwanda's support.
  await page.locator('table').getByText(en['proposals.position_support']).waitFor();
  // Without a reload, the page shows the adoption once the server closed it: told by the live
  // stream's "proposal" event (the page polls, every 30 s, only while the stream is down, so
  // the wait below is shorter than that).
  await page.waitForFunction(() => document.documentElement.dataset.live === 'open');
  const outcome = page.locator('.proposal-outcome[data-status="adopted"]');
  await outcome.waitFor({ timeout: 25000 });
  const after = await call('coord', 'GET', `/api/v1/proposals/${p.id}`);
  assert.equal(after.status, 'adopted');
  assert.ok(after.decision, 'a decision was made');
  assert.equal(after.actions.length, 1);
  assert.equal(after.counts.support, 1);
  assert.equal(
    await outcome.locator('a.decision-link').getAttribute('href'),
    `#/decisions/${after.decision}`,
  );
  const link = outcome.locator('a.action-link');
  assert.equal(await link.textContent(), ACTION);
  await link.click();
  await page.waitForURL(new RegExp(`#/actions/${after.actions[0].id}$`));
  await page.getByRole('heading', { name: ACTION, level: 1 }).waitFor();
  const action = await call('coord', 'GET', `/api/v1/actions/${after.actions[0].id}`);
  assert.equal(action.title, ACTION);
  assert.equal(action.mission, 'MINUSCA');
});
