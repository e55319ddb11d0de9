// The coordination dashboards (#/coordination, issue 15 item 5) in Debian's Chromium against
// the real server. A coordinator of China makes, through the API, a commitment with three
// actions: one in MINUSCA for Rwanda due in 2020 (overdue), one in MINUSCA for China made done
// by an update, one in UNMISS for China due in 2099. The page then shows those figures: three
// actions, one done, one overdue; by mission MINUSCA 2 actions, 50 % done, UNMISS 1, 0 %; the
// overdue action is listed and its link opens the action. At 360 px nothing scrolls sideways
// (screenshot coordination-360.png, also in /tmp/shots). An analyst of China (read only) sees
// the same figures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, appI18n, catalog, makeCommitment, sidewaysScroll, stage } from './harness.mjs';

const PASSWORD = 'Coordination-e2e-2026';
const COORD = 'chn.coord';
const ANALYST = 'chn.analyst';
const OVERDUE = 'Run a night CASEVAC drill';
const en = catalog('en');

// The server, the browser and the signed-in pages ("sides"): harness.mjs's stage.
let st;
let server;

const open = (name, user, size) => st.open(name, user, { viewport: size });
const call = (name, method, url, body) => st.call(name, method, url, body);
const shot = (page, file) => st.shot(page, file);

before(async () => {
  st = await stage('coordination', PASSWORD, [
    [COORD, 'CHN', 'coordinator'],
    [ANALYST, 'CHN', 'analyst'],
  ]);
  server = st.server;
});

after(async () => {
  if (st) await st.end();
});

// The text of the stat card labelled `label`.
async function stat(page, label) {
  const card = page.locator('.stat-card').filter({ has: page.getByText(label, { exact: true }) });
  return (await card.locator('.stat-value').textContent()).trim();
}

// The cells of the implementation row whose first cell contains `key`, as text.
async function row(page, key) {
  const tr = page.locator('section:has(#coord-impl) tbody tr').filter({ hasText: key });
  await tr.first().waitFor();
  return (await tr.first().locator('td, th').allTextContents()).map((s) => s.trim());
}

test('coordination: the figures made through the API, by mission, the overdue link, 360 px', async () => {
  const coord = await open('coord', COORD);
  const {
    actions: [late, done],
  } = await makeCommitment(
    coord,
    server.url,
    {
      title: 'Casualty evacuation drills in every sector',
      source: 'a4p',
      a4p_area: 'safety_security',
      made_on: '2020-01-15',
    },
    [
      { title: OVERDUE, mission: 'MINUSCA', responsible_org: 'RWA', due_date: '2020-02-01' },
      {
        title: 'Certify the Level 1 hospital',
        mission: 'MINUSCA',
        responsible_org: 'CHN',
        due_date: '2099-01-31',
      },
      {
        title: 'Train stretcher bearers',
        mission: 'UNMISS',
        responsible_org: 'CHN',
        due_date: '2099-06-30',
      },
    ],
  );
  await call('coord', 'POST', `/api/v1/actions/${done.id}/updates`, {
    note: 'Certified by the force medical officer.',
    status: 'done',
  });

  await coord.goto(`${server.url}/#/coordination`);
  await coord.getByRole('heading', { level: 1, name: en['shell.title_coordination'] }).waitFor();
  await coord.locator('.stat-card').first().waitFor();
  assert.equal(await stat(coord, en['coordination.stat_actions']), '3');
  assert.equal(await stat(coord, en['coordination.stat_done']), '1');
  assert.equal(await stat(coord, en['coordination.stat_overdue']), '1');
  assert.equal(await stat(coord, en['coordination.stat_commitments']), '1');

  // By commitment (the default): one row, 3 actions, 1 planned, 0 in progress, 1 done ...
  let cells = await row(coord, 'Casualty evacuation drills');
  assert.deepEqual(cells.slice(1, 8), ['3', '2', '0', '1', '0', '0', '1']);
  assert.match(cells[8], /33\s?%/);

  // By mission: the switch keeps its choice in the address.
  await coord.getByRole('tab', { name: en['coordination.by_mission'] }).click();
  await coord
    .getByRole('columnheader', { name: en['coordination.col_mission'], exact: true })
    .waitFor();
  assert.match(coord.url(), /#\/coordination\?by=mission$/);
  cells = await row(coord, 'MINUSCA');
  assert.deepEqual(cells.slice(1, 8), ['2', '1', '0', '1', '0', '0', '1']);
  assert.match(cells[8], /50\s?%/);
  cells = await row(coord, 'UNMISS');
  assert.deepEqual(cells.slice(1, 8), ['1', '1', '0', '0', '0', '0', '0']);
  assert.match(cells[8], /0\s?%/);
  const csv = coord.locator('section:has(#coord-impl) a', { hasText: en['coordination.csv'] });
  assert.equal(
    await csv.getAttribute('href'),
    '/api/v1/coordination/implementation.csv?by=mission',
  );

  // The timeline (twelve months back, six ahead) lists the action made done just now; the
  // ones due in 2020 and 2099 are outside it.
  await coord
    .locator('section:has(#coord-timeline) li')
    .filter({ hasText: 'Certify the Level 1 hospital' })
    .first()
    .waitFor();
  // Its time in the reader's zone (this browser's, UTC), as i18n.js's instant() writes it.
  const tl = await apiAs(coord, server.url, 'GET', '/api/v1/coordination/timeline');
  const doneItem = tl.items.find(
    (it) => it.kind === 'action_done' && it.title === 'Certify the Level 1 hospital',
  );
  const { DATE_TIME_FORMAT } = await appI18n();
  const when = new Intl.DateTimeFormat('en-GB', {
    ...DATE_TIME_FORMAT,
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(new Date(doneItem.at));
  await coord
    .locator('section:has(#coord-timeline) li.timeline-action_done')
    .filter({ hasText: 'Certify the Level 1 hospital' })
    .getByText(when, { exact: true })
    .first()
    .waitFor();

  // The overdue list links to the action.
  const link = coord.locator('section:has(#coord-overdue)').getByRole('link', { name: OVERDUE });
  await link.click();
  await coord.getByRole('heading', { level: 1, name: OVERDUE }).waitFor();
  assert.match(coord.url(), new RegExp(`#/actions/${late.id}$`));

  // 360 px: nothing scrolls sideways; the wide table scrolls inside its own box.
  await coord.setViewportSize({ width: 360, height: 800 });
  await coord.goto(`${server.url}/#/coordination?by=mission`);
  await coord.locator('section:has(#coord-impl) tbody tr').first().waitFor();
  await coord.locator('section:has(#coord-timeline) li').first().waitFor();
  assert.equal(await sidewaysScroll(coord), 0);
  await shot(coord, 'coordination-360.png');
});

test('coordination: an analyst reads the same figures', async () => {
  const page = await open('analyst', ANALYST);
  await page.goto(`${server.url}/#/coordination?by=org`);
  await page.locator('.stat-card').first().waitFor();
  assert.equal(await stat(page, en['coordination.stat_actions']), '3');
  assert.equal(await stat(page, en['coordination.stat_overdue']), '1');
  const cells = await row(page, 'Rwanda');
  assert.deepEqual(cells.slice(1, 8), ['1', '1', '0', '0', '0', '0', '1']);
  await page.locator('section:has(#coord-overdue)').getByRole('link', { name: OVERDUE }).waitFor();
  assert.equal(await sidewaysScroll(page), 0);
});
