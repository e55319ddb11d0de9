// Alerts in Debian's Chromium against the real server (issue 14 item 8). A coordinator of China
// composes an alert for Brazil with an area drawn by clicking on the map; an analyst of Brazil,
// whose alerts page is already open in another browser context, sees it arrive over the live
// stream without the page reloading, with the bell's count, and acknowledges it; the sender's
// board shows Brazil acknowledged, by whom and when, as the API says. The composer's own checks
// name their fields before anything is sent. The feed, the composer, the alert, the bulletins
// and the notifications at 360 px scroll sideways at no point and have no serious axe
// violation; in Arabic the pages are mirrored and fit at 1366 and 360 px. A published bulletin
// reads with its Markdown rendered, while a javascript: link, an image from another site and a
// script are dropped. Screenshots: alerts-*.png.
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
  signIn,
  sidewaysScroll,
  startServer,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const SENDER = 'chn.alerts';
const READER = 'bra.watch';
const HEADLINE = 'Armed group moving towards Bambari';

let server;
let browser;
let shots;
const sides = {}; // name → { context, page, problems }

async function open(name, user, size, lang = 'en') {
  const side = await openPage(browser, server.url, {
    viewport: size || { width: 1366, height: 900 },
    locale: lang,
  });
  await signIn(side.page, server.url, user, PASSWORD, catalog(lang));
  sides[name] = side;
  return side.page;
}

const call = (name, method, url, body) => apiAs(sides[name].page, server.url, method, url, body);

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `alerts-${name}.png`), fullPage: true });
}

before(async () => {
  const dir = scratch('alerts');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  addUsers(db, PASSWORD, [
    [SENDER, 'CHN', 'coordinator'],
    [READER, 'BRA', 'analyst'],
  ]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
});

after(async () => {
  for (const s of Object.values(sides)) await s.context.close();
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
  for (const [name, s] of Object.entries(sides))
    assert.deepEqual(s.problems, [], `${name}: no script error, CSP refusal or external request`);
});

test('alerts/live: composed with a drawn area, received live, acknowledged, on the board', async () => {
  // Brazil's analyst has the feed open before the alert exists.
  const reader = await open('reader', READER);
  await reader.goto(`${server.url}/#/alerts`);
  await reader.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
  await reader.locator('.as-of').waitFor();
  await reader.evaluate(() => (window.bhSamePage = true));
  const bell = reader.locator('a.bell');
  assert.equal(await bell.getAttribute('data-unread'), '0');
  assert.equal(await reader.locator('.alert-item').count(), 0);

  const sender = await open('sender', SENDER);
  await sender.getByRole('link', { name: 'Send an alert' }).click();
  await sender.getByRole('heading', { level: 1, name: 'Send an alert' }).waitFor();
  const form = sender.locator('form.alert-form');
  await form.locator('.draw-map.leaflet-container').waitFor();

  // Nothing filled in: every problem at its field, and no request.
  let posted = 0;
  sender.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/alerts')) posted++;
  });
  await form.getByRole('button', { name: 'Send the alert' }).click();
  const fieldError = (name) => form.locator(`[data-field="${name}"] .field-error`);
  await fieldError('event').getByText('Name the event.').waitFor();
  await fieldError('headline').getByText('Write a headline.').waitFor();
  await fieldError('urgency').getByText('Choose a value.').waitFor();
  await fieldError('orgs')
    .getByText('Choose at least one organization, mission or sharing group.')
    .waitFor();
  assert.equal(posted, 0);

  await form.getByLabel('Event *').fill('Armed group movement');
  await form.getByLabel('Headline *').fill(HEADLINE);
  await form.getByLabel('Urgency').selectOption('Immediate');
  await form.getByLabel('Severity').selectOption('Severe');
  await form.getByLabel('Certainty').selectOption('Likely');
  await form.getByLabel('Expires (UTC)').fill('2099-01-01 00:00');
  await form.getByLabel('Area description').fill('Bambari and the road north');
  await form.getByLabel('Organizations').selectOption('BRA');

  // Four clicks around the map's centre draw the area; "Close area" closes it.
  const map = form.locator('.draw-map');
  const box = await map.boundingBox();
  const cx = box.width / 2;
  const cy = box.height / 2;
  for (const [dx, dy] of [
    [-60, -40],
    [60, -40],
    [60, 40],
    [-60, 40],
  ])
    await map.click({ position: { x: cx + dx, y: cy + dy } });
  await sender.waitForFunction(() => document.querySelector('.draw-map').dataset.vertices === '4');
  const typed = (await form.getByLabel('Corners of the area').inputValue())
    .split('\n')
    .map((l) => l.split(',').map(Number));
  assert.equal(typed.length, 4);
  // The clicks are a rectangle: the same latitude top and bottom, longitude left and right.
  assert.equal(typed[0][0], typed[1][0]);
  assert.equal(typed[2][0], typed[3][0]);
  assert.equal(typed[0][1], typed[3][1]);
  assert.ok(typed[0][0] > typed[2][0] && typed[1][1] > typed[0][1], 'north-west first');
  await form.getByRole('button', { name: 'Close area' }).click();
  await form.getByText('Area closed with 4 corners.').waitFor();
  await shot(sender, 'compose-1366');

  await form.getByRole('button', { name: 'Send the alert' }).click();
  await sender.getByText('Alert sent.').waitFor();
  await sender.getByRole('heading', { level: 1, name: HEADLINE }).waitFor();
  assert.equal(posted, 1);
  const id = decodeURIComponent(new URL(sender.url()).hash.replace('#/alerts/', ''));
  const stored = await call('sender', 'GET', `/api/v1/alerts/${encodeURIComponent(id)}`);
  const area = stored.info[0].areas[0];
  assert.equal(area.area_desc, 'Bambari and the road north');
  assert.deepEqual(area.polygon, [...typed, typed[0]], 'the stored polygon is the clicked one');
  assert.equal(stored.info[0].severity, 'Severe');
  // The sender's board: Brazil, not yet.
  const board = sender.locator('section.board');
  const braRow = board.locator('tr', { hasText: 'BRA' });
  await braRow.getByText('Not yet').waitFor();
  await sender.locator('.alert-map .alert-area').waitFor();

  // Brazil's open page gets it over the stream, without reloading.
  const item = reader.locator('.alert-item', { hasText: HEADLINE });
  await item.waitFor();
  assert.equal(await reader.evaluate(() => window.bhSamePage), true, 'the page did not reload');
  await item.getByText('New').waitFor();
  await item.getByText('Severe').waitFor();
  await reader.waitForFunction(() => document.querySelector('a.bell').dataset.unread === '1');
  assert.match(await bell.getAttribute('aria-label'), /Notifications, 1 unread/);
  await shot(reader, 'feed-1366');

  await item.getByRole('button', { name: 'Acknowledge' }).click();
  await item.getByText(/^Acknowledged /).waitFor();
  assert.equal(await item.getByRole('button', { name: 'Acknowledge' }).count(), 0);
  const mine = await call('reader', 'GET', `/api/v1/alerts/${encodeURIComponent(id)}`);
  assert.ok(mine.acknowledged_at, 'the API has the acknowledgement');

  // The sender's board updates live: Brazil acknowledged, by whom, at the API's time.
  await braRow.getByText('Acknowledged').waitFor();
  const acks = await call('sender', 'GET', `/api/v1/alerts/${encodeURIComponent(id)}/acks`);
  const bra = acks.items.find((x) => x.org === 'BRA');
  assert.equal(bra.acknowledged_by, READER);
  const hhmm = new Date(bra.acknowledged_at).toISOString().slice(11, 16);
  const cells = await braRow.locator('td').allInnerTexts();
  assert.ok(
    cells.some((c) => c.includes(hhmm)),
    `the board shows ${hhmm}: ${cells}`,
  );
  assert.ok(cells.includes(READER), `the board names ${READER}: ${cells}`);
  const acked = acks.items.filter((x) => x.acknowledged_at).length;
  assert.equal(acked, 1);
  assert.equal(
    await board.locator('.board-count').innerText(),
    `1 organization has acknowledged out of ${acks.items.length}.`,
  );
  assert.equal(await board.locator('tbody tr').count(), acks.items.length);
  await shot(sender, 'detail-1366');

  // The reader's notifications: the alert's sentence, then all read and the bell at zero.
  await reader.locator('a.bell').click();
  await reader.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  await reader.getByRole('link', { name: `New alert: ${HEADLINE}` }).waitFor();
  await reader.getByRole('button', { name: 'Mark all read' }).click();
  await reader.getByText('All notifications are marked read.').waitFor();
  await reader.waitForFunction(() => document.querySelector('a.bell').dataset.unread === '0');
  const count = await call('reader', 'GET', '/api/v1/notifications/count');
  assert.equal(count.unread, 0);
});

test('alerts/phone: the pages at 360 px, no sideways scroll, no serious axe violation', async () => {
  const page = await open('phone', SENDER, { width: 360, height: 740 });
  const list = await call('phone', 'GET', '/api/v1/alerts?active=0');
  assert.ok(list.items.length >= 1);
  for (const [name, hash] of [
    ['feed', '#/alerts'],
    ['compose', '#/alerts/new'],
    ['detail', `#/alerts/${encodeURIComponent(list.items[0].id)}`],
    ['bulletins', '#/bulletins'],
    ['notifications', '#/notifications'],
  ]) {
    await page.goto(`${server.url}/${hash}`);
    await page.locator('main h1').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main .loading'));
    if (name === 'compose') await page.locator('.draw-map.leaflet-container').waitFor();
    assert.equal(await sidewaysScroll(page), 0, `${name} scrolls sideways at 360 px`);
    assert.deepEqual(await axeViolations(page), [], `${name}: axe`);
    await shot(page, `${name}-360`);
  }
});

test('alerts/arabic: mirrored, and nothing scrolls sideways at 1366 and 360 px', async () => {
  const ar = catalog('ar');
  const page = await open('arabic', SENDER, { width: 1366, height: 768 }, 'ar');
  const list = await call('arabic', 'GET', '/api/v1/alerts?active=0');
  for (const size of [
    { width: 1366, height: 768 },
    { width: 360, height: 740 },
  ]) {
    await page.setViewportSize(size);
    for (const [name, hash] of [
      ['feed', '#/alerts'],
      ['compose', '#/alerts/new'],
      ['detail', `#/alerts/${encodeURIComponent(list.items[0].id)}`],
    ]) {
      await page.goto(`${server.url}/${hash}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForFunction(() => !document.querySelector('main .loading'));
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      if (name === 'feed') await page.getByText(ar['alerts.severity.Severe']).first().waitFor();
      if (name === 'compose')
        await page.getByRole('button', { name: ar['alert_compose.close_area'] }).waitFor();
      assert.equal(await sidewaysScroll(page), 0, `${name} at ${size.width} px`);
      await shot(page, `ar-${name}-${size.width}`);
    }
  }
});

test('alerts/bulletin: the reader shows the rendered body and drops what is not allowed', async () => {
  const page = sides.sender.page;
  const body = [
    '# Weekly safety',
    '',
    'Roads **closed** near [Bambari](https://example.org/bambari) and [this](javascript:alert(1)).',
    '',
    '![sketch](https://example.org/sketch.png)',
    '',
    '<script>window.bhInjected = true</script>',
  ].join('\n');
  const b = await call('sender', 'POST', '/api/v1/bulletins', {
    title: 'Weekly safety bulletin',
    period_from: '2026-11-30',
    period_to: '2026-12-06',
    tlp: 'TLP:GREEN',
    body,
  });
  await call('sender', 'POST', `/api/v1/bulletins/${encodeURIComponent(b.id)}/publish`);
  await page.goto(`${server.url}/#/bulletins`);
  await page.getByRole('link', { name: 'Weekly safety bulletin' }).click();
  await page.getByRole('heading', { level: 1, name: 'Weekly safety bulletin' }).waitFor();
  const article = page.locator('article.bulletin-body');
  await article.getByRole('heading', { name: 'Weekly safety' }).waitFor();
  assert.equal(await article.locator('strong').innerText(), 'closed');
  const link = article.getByRole('link', { name: 'Bambari' });
  assert.equal(await link.getAttribute('href'), 'https://example.org/bambari');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  // No javascript: address, no image from elsewhere (its words stay), no script.
  assert.equal(await article.locator('a[href^="javascript"]').count(), 0);
  assert.equal(await article.locator('img').count(), 0);
  assert.match(await article.innerText(), /sketch/);
  assert.equal(await article.locator('script').count(), 0);
  assert.equal(await page.evaluate(() => window.bhInjected), undefined);
});
