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

// ---- Data honesty and downloads (issue 13, items 4 and 9) ----

// A file the page hands over when `click` runs, as its suggested name and bytes.
async function download(on, click) {
  const [dl] = await Promise.all([on.waitForEvent('download'), click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
function csvRows(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push(row.concat(field));
  return rows;
}

// "2025-02-28" as the English app writes it with the month in words.
const longDate = (d) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${d.slice(0, 10)}T00:00:00Z`));
const monthYear = (d) =>
  new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${d.slice(0, 10)}T00:00:00Z`),
  );

test('casualties/as-of: the dashboard says how current the UN data is, as the API does', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(ADMIN);
  await page.getByRole('link', { name: 'Casualties' }).click();
  await page.getByRole('heading', { level: 1, name: 'Casualty register' }).waitFor();
  await settled();
  const { as_of: asOf } = await stats('casualty_type=Fatality');
  // The UN's file as the e2e store holds it, and the import made in before().
  const lastInFile = fs
    .readFileSync(UN_FILE, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',')[1])
    .sort()
    .pop();
  assert.equal(asOf.last_record, lastInFile);
  assert.match(asOf.imported_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(
    await page.locator('.as-of').innerText(),
    `UN data to ${longDate(asOf.last_record)}, imported ${longDate(asOf.imported_at)}`,
  );
});

test('casualties/single-year: one year is "Fatalities in 2020", with the API total', async () => {
  await page.getByLabel('From', { exact: true }).selectOption('2020');
  await page.getByLabel('To', { exact: true }).selectOption('2020');
  await page.locator('.stat-total', { hasText: 'Fatalities in 2020' }).waitFor();
  await settled();
  const api = await stats('from=2020-01-01&to=2020-12-31&casualty_type=Fatality');
  assert.equal(await cardValue('stat-total'), api.total);
  assert.doesNotMatch(await page.locator('.stat-total').innerText(), /2020.2020/);
  assert.equal(
    await page.locator('svg.chart').getAttribute('aria-label'),
    'Fatalities in 2020, by incident type',
  );
  await shot('single-year');
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.locator('.stat-total', { hasText: 'since' }).waitFor();
  await settled();
});

test('casualties/downloads: each file holds the figures the dashboard shows', async () => {
  await page.getByLabel('Mission', { exact: true }).selectOption('UNIFIL');
  await page.locator('.stat-total', { hasText: 'UNIFIL' }).waitFor();
  await settled();
  const total = await cardValue('stat-total');
  assert.ok(total > 300, `UNIFIL total ${total}`);

  // The records, under the same filters: one row a record, as many as the total card.
  const un = await download(page, () => page.getByRole('link', { name: 'Records (CSV)' }).click());
  const unRows = csvRows(un.bytes.toString('utf8'));
  assert.equal(un.name, 'casualties-un.csv');
  assert.equal(unRows.length - 1, total, "UN CSV: a header line, then the total card's rows");
  const mission = unRows[0].indexOf('mission_acronym');
  assert.ok(mission >= 0, unRows[0].join(','));
  assert.ok(unRows.slice(1).every((r) => r[mission] === 'UNIFIL'));
  const hxl = await download(page, () =>
    page.getByRole('link', { name: 'Records (HXL CSV)' }).click(),
  );
  const hxlRows = csvRows(hxl.bytes.toString('utf8'));
  assert.equal(hxl.name, 'casualties-hxl.csv');
  assert.match(hxlRows[1][0], /^#/, 'the hashtag row');
  assert.equal(hxlRows.length - 2, total);

  // A table: its rows, as the page shows them all, with a header row.
  const natSection = page.locator('section', {
    has: page.getByRole('heading', { name: 'By nationality' }),
  });
  const showAll = natSection.getByRole('button', { name: /^Show all/ });
  if (await showAll.count()) await showAll.click();
  const shownRows = await natSection
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [tr.cells[0].innerText, tr.cells[tr.cells.length - 1].innerText]),
    );
  const table = await download(page, () =>
    natSection.getByRole('button', { name: 'Download table (CSV)' }).click(),
  );
  const tableRows = csvRows(table.bytes.toString('utf8'));
  assert.equal(table.name, 'casualties-by-nationality.csv');
  assert.deepEqual(tableRows[0], [
    'Nationality',
    'Malicious Act',
    'Accident',
    'Illness',
    'Self-Inflicted',
    'To Be Determined',
    'Unknown',
    'Total',
  ]);
  assert.equal(tableRows.length - 1, shownRows.length);
  assert.deepEqual(
    tableRows.slice(1).map((r) => [r[0], r[r.length - 1]]),
    shownRows.map(([k, n]) => [k, n.replace(/,/g, '')]),
  );
  assert.equal(
    tableRows.slice(1).reduce((n, r) => n + Number(r[r.length - 1]), 0),
    total,
  );

  // The chart as SVG: it parses, has a bar per year with the page's totals, and its colours
  // travel with it.
  const bars = await page
    .locator('svg.chart g.bar')
    .evaluateAll((gs) => gs.map((g) => [g.dataset.key, Number(g.dataset.total)]));
  const svg = await download(page, () => page.getByRole('button', { name: 'Chart (SVG)' }).click());
  assert.equal(svg.name, 'casualties-chart.svg');
  const parsed = await page.evaluate((text) => {
    const d = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = d.documentElement;
    return {
      error: d.getElementsByTagName('parsererror').length,
      root: root.localName,
      ns: root.namespaceURI,
      bars: [...d.querySelectorAll('g[data-key]')].map((g) => [
        g.getAttribute('data-key'),
        Number(g.getAttribute('data-total')),
      ]),
      filled: [...d.querySelectorAll('g[data-key] rect')].filter(
        (r) => (r.getAttribute('fill') || 'none') !== 'none',
      ).length,
      colours: new Set(
        [...d.querySelectorAll('g[data-key] rect')].map((r) => r.getAttribute('fill')),
      ).size,
      classes: d.querySelectorAll('[class]').length,
    };
  }, svg.bytes.toString('utf8'));
  assert.equal(parsed.error, 0);
  assert.equal(parsed.root, 'svg');
  assert.match(parsed.ns, /svg$/);
  assert.deepEqual(parsed.bars, bars);
  // Every segment the page draws is in the file, coloured.
  assert.equal(parsed.filled, await page.locator('svg.chart rect.seg').count());
  assert.ok(parsed.filled > 10, `${parsed.filled} coloured bar segments`);
  // The six incident types' colours, written on the elements: nothing is left to app.css.
  assert.equal(parsed.colours, 6);
  assert.equal(parsed.classes, 0);

  // The chart as PNG: the signature, and the chart's size twice over.
  const vb = await page
    .locator('svg.chart')
    .evaluate((s) => [s.viewBox.baseVal.width, s.viewBox.baseVal.height]);
  const png = await download(page, () => page.getByRole('button', { name: 'Chart (PNG)' }).click());
  assert.equal(png.name, 'casualties-chart.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.bytes.toString('latin1', 12, 16), 'IHDR');
  assert.deepEqual(
    [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)],
    [vb[0] * 2, vb[1] * 2],
  );
  assert.ok(png.bytes.length > 2000, `${png.bytes.length} bytes: more than a blank canvas`);

  // The form to add a record, for those who may write them.
  assert.equal(
    await page.getByRole('link', { name: 'Add a record' }).getAttribute('href'),
    '#/casualties/new',
  );
  await page.setViewportSize({ width: 1366, height: 768 });
  await shot('downloads-1366');
  await page.setViewportSize({ width: 360, height: 740 });
  await shot('downloads-360');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the page is ${wide} px wide at 360`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: 'Reset' }).click();
  await settled();
});

test('casualties/no-downloads: a reader without the export permission gets no record file', async () => {
  // An auditor reads the audit log and the published figures, not the records.
  bluehelm(
    [
      'user',
      'add',
      'e2eaudit',
      '--org',
      'BRA',
      '--role',
      'auditor',
      '--password-stdin',
      '--db',
      db,
    ],
    `${PASSWORD}\n`,
  );
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const anon = await context.newPage();
  anon.setDefaultTimeout(15000);
  const seen = watchPage(anon, server.url);
  try {
    await anon.goto(`${server.url}/`);
    await signIn('e2eaudit', anon);
    await anon.getByRole('link', { name: 'Casualties' }).click();
    await anon.locator('.dashboard:not(.busy) .stat-card').first().waitFor();
    // The figures shown may still be saved: they are the page's own.
    await anon.getByRole('button', { name: 'Chart (SVG)' }).waitFor();
    assert.equal(await anon.getByRole('link', { name: /^Records \(/ }).count(), 0);
    assert.equal(await anon.getByRole('link', { name: 'Add a record' }).count(), 0);
    assert.deepEqual(seen, []);
  } finally {
    await context.close();
  }
});

// The browser's clock set to a year the UN's file has not reached: the year-to-date card
// says there is no data yet, and when the file ends, instead of a large 0. The clock is the
// page's only idea of "today"; the server's figures for that year are none.
test('casualties/ytd-past-data: a year past the data has no large 0', async () => {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    timezoneId: 'UTC',
  });
  await context.clock.setFixedTime(new Date('2031-03-15T10:00:00Z'));
  const later = await context.newPage();
  later.setDefaultTimeout(15000);
  const seen = watchPage(later, server.url);
  try {
    await later.goto(`${server.url}/`);
    await signIn(OTHER, later);
    await later.getByRole('link', { name: 'Casualties' }).click();
    await later.locator('.dashboard:not(.busy) .stat-card').first().waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'bh_session');
    const res = await fetch(
      `${server.url}/api/v1/stats/casualties?ytd=2031-03-15&casualty_type=Fatality`,
      { headers: { Cookie: `bh_session=${cookie.value}` } },
    );
    const ytd = await res.json();
    assert.equal(ytd.total, 0);
    const card = later.locator('.stat-ytd');
    assert.equal(
      await card.locator('.stat-none').innerText(),
      `No data for 2031 yet: the UN file ends in ${monthYear(ytd.as_of.last_record)}`,
    );
    assert.equal(await card.locator('.stat-value').count(), 0, 'no figure in large type');
    assert.match(await card.innerText(), /^Year to date, 2031/);
    // Nor is 2030's same period compared: the file does not reach it either.
    assert.doesNotMatch(await card.innerText(), /Same period/);
    await later.screenshot({
      path: path.join(shots, 'casualties-ytd-past-1366.png'),
      fullPage: true,
    });
    await later.setViewportSize({ width: 360, height: 740 });
    await later.screenshot({
      path: path.join(shots, 'casualties-ytd-past-360.png'),
      fullPage: true,
    });
    assert.deepEqual(seen, []);
  } finally {
    await context.close();
  }
});

test('casualties/clean-after: still no script errors, CSP refusals or foreign requests', () => {
  assert.deepEqual(problems, []);
});
