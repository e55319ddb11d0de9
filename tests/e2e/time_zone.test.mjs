// The reader's time zone in Debian's Chromium against the real server (issue 15: "times are
// stored in UTC and shown in each reader's time zone"). A focal point, in a browser whose zone
// is UTC, opens the profile: the time zone follows the browser's (UTC, named in the empty
// choice); she chooses Asia/Shanghai, the "now" line turns to Shanghai's time (its short zone
// name, as Intl writes it), the server keeps it (GET /api/v1/me), and after a reload the
// choice is still there. Then she goes back to the browser's zone, and that is kept too.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  addUsers,
  apiAs,
  bluehelm,
  catalog,
  launchBrowser,
  openPage,
  scratch,
  signIn,
  startServer,
} from './harness.mjs';

const PASSWORD = 'Time-zone-e2e-2026';
const USER = 'fra.focal';
const en = catalog('en');

let server;
let browser;
let side;

before(async () => {
  const dir = scratch('time_zone');
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  addUsers(db, PASSWORD, [[USER, 'FRA', 'focal_point']]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
});

after(async () => {
  if (side) await side.context.close();
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
  if (side) assert.deepEqual(side.problems, [], 'no script error, CSP refusal or external request');
});

// The profile's time zone select, once the page shows it.
async function zoneSelect(page) {
  await page.goto(`${server.url}/#/profile`);
  await page.getByRole('heading', { level: 2, name: en['profile.time_zone_title'] }).waitFor();
  return page.locator('select[name="time_zone"]');
}

test('time-zone: chosen in the profile, kept across a reload, cleared again', async () => {
  side = await openPage(browser, server.url, { timezoneId: 'UTC' });
  const page = side.page;
  await signIn(page, server.url, USER, PASSWORD);
  let select = await zoneSelect(page);
  assert.equal(await select.inputValue(), '');
  const browserChoice = en['profile.time_zone_browser'].replace('{zone}', 'UTC');
  assert.equal((await select.locator('option[value=""]').textContent()).trim(), browserChoice);

  await select.selectOption('Asia/Shanghai');
  await page.getByText(en['profile.time_zone_saved']).waitFor();
  // Shanghai's short zone name as this browser's Intl writes it ("GMT+8" in en-GB).
  const shortName = await page.evaluate(
    () =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', timeZoneName: 'short' })
        .formatToParts(new Date())
        .find((p) => p.type === 'timeZoneName').value,
  );
  const example = page.locator('[data-role="time-zone-example"]');
  await example.getByText(shortName, { exact: false }).waitFor();
  const me = await apiAs(page, server.url, 'GET', '/api/v1/me');
  assert.equal(me.time_zone, 'Asia/Shanghai');

  await page.reload();
  select = await zoneSelect(page);
  assert.equal(await select.inputValue(), 'Asia/Shanghai');
  await example.getByText(shortName, { exact: false }).waitFor();

  // Back to the browser's zone: null on the server, and the empty choice after a reload.
  await select.selectOption('');
  // The "now" line turns to UTC once the server has answered.
  await example.getByText(' UTC', { exact: false }).waitFor();
  assert.equal((await apiAs(page, server.url, 'GET', '/api/v1/me')).time_zone, null);
  await page.reload();
  select = await zoneSelect(page);
  assert.equal(await select.inputValue(), '');
});
