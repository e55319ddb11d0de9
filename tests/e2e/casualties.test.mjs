// The casualties dashboard in Debian's Chromium against the real server, on a store holding
// the UN's published fatalities file (imported with `bluehelm import un-fatalities`) and two
// records a member state's admin creates through the API (embargoed, dated today). The chart
// has a bar for every year with data, with the API's count; the year-to-date figure counts
// the new records; filtering by UNIFIL changes the figures and the tables to the API's answer
// and to an independent count over the raw CSV; the embargoed records are listed with Release,
// one is released and its state changes; a focal point of another state then sees the
// released record but neither the embargoed one nor its count, and no Release button.
// Screenshots go to BH_E2E_SCREENSHOTS (build/e2e-screenshots/casualties-*.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  bluehelm,
  launchBrowser,
  scratch,
  screenshotDir,
  startServer,
  watchPage,
} from './harness.mjs';

// run.sh skips the test (77) when the file is absent: CTest names it in BH_E2E_REQUIRE.
const UN_FILE = process.env.BH_E2E_REQUIRE;
const ADMIN = 'e2ecas';
const PASSWORD = 'Peacekeeping-e2e-2026';
const OTHER = 'brafocal'; // a focal point of Brazil
// Today as the server and the browser (pinned to UTC below) both reckon it.
const TODAY = new Date().toISOString().slice(0, 10);

let server;
let browser;
let page;
let problems;
let shots;
let released; // the record the admin releases
let kept; // the record that stays embargoed

async function shot(name) {
  await page.screenshot({ path: path.join(shots, `casualties-${name}.png`), fullPage: true });
}

// The UN file counted another way: split on commas (the file has no quoting), the first row
// of a repeated casualty_id kept, as the importer keeps it.
function csvCount(match) {
  const lines = fs.readFileSync(UN_FILE, 'utf8').split(/\r?\n/).filter(Boolean);
  const head = lines[0].split(',');
  const seen = new Set();
  let n = 0;
  for (const line of lines.slice(1)) {
    const r = Object.fromEntries(line.split(',').map((v, i) => [head[i], v]));
    if (seen.has(r.casualty_id)) continue;
    seen.add(r.casualty_id);
    if (match(r)) n++;
  }
  return n;
}

// The API as the browser's signed-in user (its session cookie), for the figures to expect.
async function asUser(method, url, body) {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bh_session');
  const headers = { Cookie: `bh_session=${cookie.value}` };
  if (method !== 'GET') {
    const s = await (await fetch(`${server.url}/api/v1/session`, { headers })).json();
    headers['X-CSRF-Token'] = s.csrf_token;
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers,
    body: body && JSON.stringify(body),
  });
  const data = await res.json();
  assert.ok(res.ok, `${method} ${url} answered ${res.status}: ${JSON.stringify(data)}`);
  return data;
}

const stats = (q) => asUser('GET', `/api/v1/stats/casualties?${q}`);

async function signIn(username, on = page) {
  await on.getByLabel('Username').fill(username);
  await on.getByLabel('Password').fill(PASSWORD);
  await on.getByRole('button', { name: 'Sign in' }).click();
  await on.locator('header.topbar').getByText(username, { exact: true }).waitFor();
}

// The figures have settled: no load in flight.
async function settled() {
  await page.locator('.dashboard:not(.busy) .stat-card').first().waitFor();
}

const cardValue = async (cls) =>
  Number((await page.locator(`.${cls} .stat-value`).innerText()).replace(/,/g, ''));

let dir;
let db;

before(async () => {
  dir = scratch('casualties');
  shots = screenshotDir();
  db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  bluehelm(['import', 'un-fatalities', UN_FILE, '--db', db]);
  bluehelm(
    ['user', 'add', ADMIN, '--org', 'CHN', '--role', 'admin', '--password-stdin', '--db', db],
    `${PASSWORD}\n`,
  );
  bluehelm(
    ['user', 'add', OTHER, '--org', 'BRA', '--role', 'focal_point', '--password-stdin', '--db', db],
    `${PASSWORD}\n`,
  );
  // Incidents for the busy-server test's export, large enough (about 20 MB of GeoJSON) that
  // a client that reads nothing keeps it waiting.
  bluehelm(['demo', '--incidents', '20000', '--seed', '3', '--db', db]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
  });
  page = await context.newPage();
  page.setDefaultTimeout(15000);
  problems = watchPage(page, server.url);
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

test('casualties/open: a member records two deaths today and opens the dashboard', async () => {
  await page.goto(`${server.url}/`);
  await signIn(ADMIN);
  const record = (incident_type) => ({
    incident_date: TODAY,
    mission: 'UNIFIL',
    casualty_type: 'Fatality',
    gender: 'M',
    nationality: 'CHN',
    personnel_type: 'Military',
    incident_type,
    tlp: 'GREEN',
  });
  released = await asUser('POST', '/api/v1/casualties', record('Malicious Act'));
  kept = await asUser('POST', '/api/v1/casualties', record('Accident'));
  assert.equal(released.embargoed, true);
  assert.equal(kept.embargoed, true);

  await page.getByRole('link', { name: 'Casualties' }).click();
  await page.getByRole('heading', { level: 1, name: 'Casualty register' }).waitFor();
  await settled();
});

test('casualties/chart: a bar for every year with data, each with the API count', async () => {
  const api = await stats('by=year&casualty_type=Fatality');
  const want = Object.fromEntries(api.rows.map((r) => [r.year, r.count]));
  await page.getByRole('heading', { name: 'Fatalities per year, by incident type' }).waitFor();
  const bars = await page
    .locator('svg.chart g.bar')
    .evaluateAll((gs) => gs.map((g) => [g.dataset.key, Number(g.dataset.total)]));
  const drawn = Object.fromEntries(bars.filter(([, n]) => n > 0));
  assert.deepEqual(drawn, want);
  // From the UN's first year to this one, each year a slot, the empty ones without a bar.
  assert.equal(bars[0][0], '1948');
  assert.equal(bars[bars.length - 1][0], TODAY.slice(0, 4));
  assert.ok(Object.keys(drawn).length > 70, `${Object.keys(drawn).length} years drawn`);
  // Stacked: 1993 (Somalia, Cambodia, the former Yugoslavia) has more than one incident type.
  assert.ok((await page.locator('g.bar[data-key="1993"] rect.seg').count()) > 1);
  // The UN file, counted without the server, agrees on a year.
  assert.equal(
    want['2010'],
    csvCount((r) => r.incident_date.startsWith('2010') && r.type_of_casualty === 'Fatality'),
  );
  await shot('dashboard');
});

test('casualties/ytd: the year-to-date figure counts the records of this year', async () => {
  const api = await stats(`ytd=${TODAY}&casualty_type=Fatality`);
  // The UN file ends in February 2025: this year has only the two records made above.
  assert.equal(api.total, 2);
  assert.equal(await cardValue('stat-ytd'), api.total);
  const note = await page.locator('.stat-ytd').innerText();
  assert.match(note, new RegExp(`Year to date, ${TODAY.slice(0, 4)}`));
  const all = await stats('casualty_type=Fatality&distinct=1');
  assert.equal(await cardValue('stat-total'), all.total);
  assert.equal(await cardValue('stat-nat'), all.distinct.nationalities);
  assert.equal(await cardValue('stat-missions'), all.distinct.missions);
});

test('casualties/filter-mission: UNIFIL only changes the figures and tables to the API answer', async () => {
  const before = await cardValue('stat-total');
  await page.getByLabel('Mission', { exact: true }).selectOption('UNIFIL');
  await page.locator('.stat-total', { hasText: 'UNIFIL' }).waitFor();
  await settled();
  const api = await stats('mission=UNIFIL&casualty_type=Fatality&distinct=1');
  const total = await cardValue('stat-total');
  assert.equal(total, api.total);
  assert.ok(total < before, `${total} of ${before}`);
  // The server's count is the UN file's UNIFIL rows plus the two new records.
  assert.equal(
    total,
    csvCount((r) => r.mission_acronym === 'UNIFIL' && r.type_of_casualty === 'Fatality') + 2,
  );
  // The mission table has the one mission left, with that total.
  const missionRows = page
    .locator('section', { has: page.getByRole('heading', { name: 'By mission' }) })
    .locator('tbody tr');
  assert.equal(await missionRows.count(), 1);
  assert.match(await missionRows.first().innerText(), new RegExp(`^UNIFIL[\\s\\S]*\\b${total}$`));
  // The nationality table: the API's groups, largest first, the first ten shown.
  const nat = await stats('by=nationality&mission=UNIFIL&casualty_type=Fatality');
  const top = nat.rows.slice().sort((a, b) => b.count - a.count)[0];
  const natSection = page.locator('section', {
    has: page.getByRole('heading', { name: 'By nationality' }),
  });
  const first = await natSection.locator('tbody tr').first().innerText();
  assert.match(first, new RegExp(`^${top.nationality_name}[\\s\\S]*\\b${top.count}$`));
  await natSection.getByRole('button', { name: `Show all ${nat.rows.length}` }).click();
  assert.equal(await natSection.locator('tbody tr').count(), nat.rows.length);
  assert.equal(await cardValue('stat-nat'), api.distinct.nationalities);
  // The chart is UNIFIL's too: it starts at its first year (1978), and the address keeps
  // the filter.
  const drawn = await page
    .locator('svg.chart g.bar')
    .evaluateAll((gs) => gs.map((g) => [g.dataset.key, Number(g.dataset.total)]));
  assert.deepEqual(drawn[0], ['1978', 16]);
  assert.equal(
    drawn.reduce((n, [, t]) => n + t, 0),
    total,
  );
  assert.match(page.url(), /#\/casualties\?mission=UNIFIL$/);
  await shot('unifil');

  // One incident type: the table counts only it, and the chart legend says which.
  await page.getByLabel('Incident type', { exact: true }).selectOption('Malicious Act');
  await page.locator('.stat-total', { hasText: 'malicious act' }).waitFor();
  await settled();
  const malicious = await stats(
    'mission=UNIFIL&casualty_type=Fatality&incident_type=Malicious%20Act',
  );
  assert.equal(await cardValue('stat-total'), malicious.total);
  assert.match(await missionRows.first().innerText(), new RegExp(`\\b${malicious.total}$`));
  assert.equal(await page.locator('.legend li.off').count(), 5);
  await page.getByLabel('Incident type', { exact: true }).selectOption('');
  await page.locator('.legend li.off').first().waitFor({ state: 'detached' });
  await settled();
});

test('casualties/release: the embargoed records are listed with Release; one is released', async () => {
  const list = page.locator('section.records');
  await list.getByLabel('Embargoed only').check();
  const rows = list.locator('tbody tr');
  await list.getByText(/^2 of 2 records$/).waitFor();
  for (const rec of [released, kept]) {
    const row = rows.filter({ hasText: rec.casualty_id });
    assert.match(await row.innerText(), /UNIFIL[\s\S]*TLP:GREEN[\s\S]*Embargoed/);
    await row.getByRole('button', { name: `Release ${rec.casualty_id}` }).waitFor();
  }
  await shot('embargoed');

  page.once('dialog', (d) => d.accept());
  await list.getByRole('button', { name: `Release ${released.casualty_id}` }).click();
  await list.getByText(`${released.casualty_id} released.`).waitFor();
  const row = rows.filter({ hasText: released.casualty_id });
  assert.match(await row.innerText(), /Released/);
  assert.doesNotMatch(await row.innerText(), /Embargoed/);
  assert.equal(await row.getByRole('button').count(), 0);
  // The other stays as it was.
  assert.match(await rows.filter({ hasText: kept.casualty_id }).innerText(), /Embargoed/);
  const now = await asUser('GET', `/api/v1/casualties/${released.id}`);
  assert.equal(now.embargoed, false);
  assert.equal(now.released_by, ADMIN);
  await shot('released');
});

test('casualties/other-state: another member sees the released record only, and no Release', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(OTHER);
  await page.getByRole('link', { name: 'Casualties' }).click();
  await page.getByRole('heading', { level: 1, name: 'Casualty register' }).waitFor();
  await settled();
  // Brazil sees this year's released record, not the embargoed one, nor does it count.
  const ytd = await stats(`ytd=${TODAY}&casualty_type=Fatality`);
  assert.equal(ytd.total, 1);
  assert.equal(await cardValue('stat-ytd'), 1);
  const list = page.locator('section.records');
  await list.getByText(released.casualty_id).waitFor();
  assert.equal(await list.getByText(kept.casualty_id).count(), 0);
  assert.equal(await list.getByRole('button', { name: /^Release/ }).count(), 0);
  await list.getByLabel('Embargoed only').check();
  await list.getByText('No embargoed record in this selection.').waitFor();
  await shot('other-state');
});

// A server with two worker threads runs one statistic or file at a time and answers the next
// with 503 and Retry-After. A member's GeoJSON export that its client does not read holds
// that slot while the dashboard opens, so its first statistics are refused; the export's
// client then goes away, and the app, which sends two statistics at a time and retries a busy
// reply after its Retry-After, fills every figure, the same as the API's. Its own page, so the
// expected 503s are not the other tests' console errors.
test('casualties/busy-server: figures refused as busy are asked again and arrive', async () => {
  const busy = await startServer(db, path.join(dir, 'server-busy.log'), ['--threads', '2']);
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
  });
  const other = await context.newPage();
  other.setDefaultTimeout(30000);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bh_session');
  const port = Number(new URL(busy.url).port);
  const hold = net.connect(port, '127.0.0.1');
  hold.pause(); // read once, below, then never: the export's stream fills the buffers and waits
  try {
    await other.goto(`${busy.url}/`);
    await signIn(OTHER, other); // the main page's reader now: stats() answers as OTHER
    // The export must hold the slot before the first probe asks for it: its reply's first
    // bytes say it was admitted (sent together, a probe could take the slot first and the
    // export be refused).
    const first = new Promise((resolve) =>
      hold.once('data', (chunk) => {
        hold.pause();
        resolve(String(chunk).split('\r\n')[0]);
      }),
    );
    hold.write(
      `GET /api/v1/incidents.geojson HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Cookie: bh_session=${cookie.value}\r\n\r\n`,
    );
    hold.resume();
    assert.equal(await first, 'HTTP/1.1 200 OK', 'the export is under way');
    let status = 0;
    for (let i = 0; i < 200 && status !== 503; i++) {
      const res = await fetch(`${busy.url}/api/v1/stats/casualties?by=mission`, {
        headers: { Cookie: `bh_session=${cookie.value}` },
      });
      status = res.status;
      await res.arrayBuffer();
      if (status !== 503) await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(status, 503, 'the export holds the one slot');
    await other.getByRole('link', { name: 'Casualties' }).click();
    await other.getByRole('heading', { level: 1, name: 'Casualty register' }).waitFor();
    // The slot is let go as soon as the dashboard has been refused, not after a fixed wait.
    // The app then asks one figure at a time (the server has one slot) and keeps retrying
    // after each Retry-After until the figures come.
    const refused = () => (busy.log().match(/stats\/casualties status=503/g) || []).length;
    const before = refused();
    for (let i = 0; i < 400 && refused() < before + 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    assert.ok(refused() >= before + 2, `the dashboard was refused (${refused() - before} times)`);
    hold.destroy();
    await other.locator('.dashboard:not(.busy) .stat-card').first().waitFor();
    const all = await stats('casualty_type=Fatality&distinct=1');
    const value = async (cls) =>
      Number((await other.locator(`.${cls} .stat-value`).innerText()).replace(/,/g, ''));
    assert.equal(await value('stat-total'), all.total);
    assert.equal(await value('stat-nat'), all.distinct.nationalities);
    assert.equal(await value('stat-missions'), all.distinct.missions);
    assert.ok((await other.locator('g.bar').count()) > 10, 'the chart has its bars');
  } finally {
    hold.destroy();
    await context.close();
    assert.equal(await busy.stop(), 0);
  }
});

test('casualties/clean: no script errors, no CSP refusals, no request to another origin', () => {
  assert.deepEqual(problems, []);
});
