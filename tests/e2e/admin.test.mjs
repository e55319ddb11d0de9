// The admin screens, a user's own password and the audit log in Debian's Chromium against the
// real server, on a seeded store with an admin of China, a focal point, an endorser and an
// auditor. The admin's add-user form shows three problems at once without asking the server;
// the admin changes the focal point's role, disables and enables them, resets their password
// (they sign in with it) and sets the endorser's missions (the API agrees each time). The
// focal point changes their own password (the old one fails, the new one works, their other
// session ends). The auditor reads the log filtered by user (the API's count) and verifies
// the chain (intact, the API's count of entries). Screenshots at 1366 and 360 px go to
// BH_E2E_SCREENSHOTS (build/e2e-screenshots/admin-*.png).
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
  scratch,
  screenshotDir,
  sidewaysScroll,
  signIn as signInAs,
  startServer,
  watchPage,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const ADMIN = 'chn.admin';
const FOCAL = 'bra.focal';
const ENDORSER = 'bra.endorser';
const AUDITOR = 'chn.auditor';
const EN = catalog('en');

let server;
let browser;
let context;
let page;
let problems;
let shots;
let resetPassword; // the focal point's password as the admin reset it

const call = (method, url, body) => apiAs(page, server.url, method, url, body);

// A sign-in over the API, outside the browser: the status, and the session's cookie.
async function signInApi(username, password) {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  await res.text();
  return { status: res.status, cookie };
}

async function sessionStatus(cookie) {
  const res = await fetch(`${server.url}/api/v1/session`, { headers: { Cookie: cookie } });
  await res.text();
  return res.status;
}

async function shot(name) {
  await page.screenshot({ path: path.join(shots, `admin-${name}.png`), fullPage: true });
}

// Both widths, each checked for sideways scrolling and axe's serious or critical violations.
async function shotsAndChecks(name) {
  for (const width of [1366, 360]) {
    await page.setViewportSize({ width, height: width > 400 ? 900 : 780 });
    await shot(`${name}-${width}`);
    assert.equal(await sidewaysScroll(page), 0, `${name} at ${width} px scrolls sideways`);
    assert.deepEqual(await axeViolations(page), [], `${name} at ${width} px`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

async function newPage() {
  if (context) await context.close();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15000);
  const seen = watchPage(page, server.url);
  page.on('close', () => problems.push(...seen));
  return seen;
}

const signIn = (username, password) => signInAs(page, server.url, username, password);

before(async () => {
  const dir = scratch('admin');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  addUsers(db, PASSWORD, [
    [ADMIN, 'CHN', 'admin'],
    [FOCAL, 'BRA', 'focal_point'],
    [ENDORSER, 'BRA', 'endorser'],
    [AUDITOR, 'CHN', 'auditor'],
  ]);
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
  problems = [];
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
  assert.deepEqual(problems, [], 'no script error, CSP refusal or external request');
});

test('e2e/admin-add-user-all-errors: three bad fields, three errors at once, no request', async () => {
  const seen = await newPage();
  await signIn(ADMIN, PASSWORD);
  await page.getByRole('link', { name: EN['shell.nav_users'] }).click();
  const form = page.locator('form', { has: page.getByRole('button', { name: 'Add user' }) });
  await form.waitFor();
  let posted = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/users')) posted++;
  });
  await form.getByLabel('Username').fill('Bad Name!');
  await form.getByLabel('First password').fill('short');
  await form.getByRole('button', { name: 'Add user' }).click();
  const summary = form.locator('.error-summary');
  await summary.waitFor();
  const items = summary.locator('li a');
  assert.equal(await items.count(), 3);
  assert.match(await summary.innerText(), /There are 3 problems to fix/);
  const texts = await items.allInnerTexts();
  assert.match(texts[0], /^Username: use up to 63 lowercase letters/);
  assert.match(texts[1], /^Organization: choose/);
  assert.match(texts[2], /^First password: use at least 12 characters \(this one has 5\)/);
  for (const name of ['username', 'org', 'password']) {
    const slot = form.locator(`[data-field=${name}] .field-error`);
    assert.equal(await slot.isVisible(), true, `${name}'s own message is shown`);
  }
  assert.equal(await form.getByLabel('Username').getAttribute('aria-invalid'), 'true');
  // A link of the summary takes the focus to its field.
  await items.nth(1).click();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'org');
  // Fixing a field takes its message away at once, from the field and from the summary.
  await form.getByLabel('Username').fill('good.name');
  await form.locator('[data-field=username] .field-error').waitFor({ state: 'hidden' });
  assert.equal(await items.count(), 2);
  assert.equal(posted, 0, 'the server was not asked');
  await shotsAndChecks('add-user-errors');
  assert.deepEqual(seen, []);
});

test('e2e/admin-manage-user: role, disable and enable, password reset, missions', async () => {
  const manageButton = (user) => page.getByRole('button', { name: `Manage ${user}` });
  await manageButton(FOCAL).click();
  const panel = page.locator('section.manage-user');
  await panel.getByRole('heading', { name: `Manage ${FOCAL}` }).waitFor();

  // Role: the same role is refused on the page; another is confirmed, then stored.
  await panel.getByRole('button', { name: 'Change role' }).click();
  await panel
    .locator('[data-field=role] .field-error')
    .getByText(/Role: the user already has the role Focal point/)
    .waitFor();
  await panel.getByLabel('Role').selectOption('analyst');
  let question = '';
  page.once('dialog', (d) => {
    question = d.message();
    d.accept();
  });
  await panel.getByRole('button', { name: 'Change role' }).click();
  await panel.getByText(`The role of ${FOCAL} is now: Analyst.`).waitFor();
  assert.match(question, new RegExp(`Change the role of ${FOCAL} from Focal point to Analyst`));
  assert.equal((await call('GET', `/api/v1/users/${FOCAL}`)).role, 'analyst');
  const row = page.locator('tbody tr', { hasText: FOCAL });
  await row.getByText('Analyst').waitFor();

  // Disable (confirmed), then enable.
  page.once('dialog', (d) => d.accept());
  await panel.getByRole('button', { name: 'Disable' }).click();
  await panel.getByText(`${FOCAL} disabled.`).waitFor();
  assert.equal((await call('GET', `/api/v1/users/${FOCAL}`)).disabled, true);
  assert.equal((await signInApi(FOCAL, PASSWORD)).status, 401);
  await row.getByText('Disabled').waitFor();
  await panel.getByRole('button', { name: 'Enable' }).click();
  await panel.getByText(`${FOCAL} enabled.`).waitFor();
  assert.equal((await call('GET', `/api/v1/users/${FOCAL}`)).disabled, false);

  // Password reset: a short one is refused on the page; a generated one is confirmed and works.
  const pw = panel.getByLabel('New password');
  const pwForm = panel.locator('form', { has: page.getByLabel('New password') });
  await pw.fill('too-short');
  await panel.getByRole('button', { name: 'Reset the password' }).click();
  await pwForm
    .locator('.error-summary')
    .getByText('New password: use at least 12 characters (this one has 9).')
    .waitFor();
  await panel.getByRole('button', { name: 'Generate a password' }).click();
  resetPassword = await pw.inputValue();
  assert.equal(resetPassword.length, 20);
  await pwForm.locator('.error-summary').waitFor({ state: 'hidden' });
  page.once('dialog', (d) => d.accept());
  await panel.getByRole('button', { name: 'Reset the password' }).click();
  await panel.getByText(new RegExp(`The password of ${FOCAL} was reset`)).waitFor();
  assert.equal((await signInApi(FOCAL, PASSWORD)).status, 401);
  assert.equal((await signInApi(FOCAL, resetPassword)).status, 201);

  // The endorser's missions.
  await manageButton(ENDORSER).click();
  await panel.getByRole('heading', { name: `Manage ${ENDORSER}` }).waitFor();
  await panel.getByText(EN['account.missions_hint_endorser']).waitFor();
  await panel.getByLabel('MINUSCA', { exact: true }).check();
  await panel.getByLabel('MONUSCO', { exact: true }).check();
  await panel.getByRole('button', { name: 'Save missions' }).click();
  await panel.getByText(`${ENDORSER} now works for MINUSCA, MONUSCO.`).waitFor();
  assert.deepEqual((await call('GET', `/api/v1/users/${ENDORSER}`)).missions, [
    'MINUSCA',
    'MONUSCO',
  ]);
  await page.locator('tbody tr', { hasText: ENDORSER }).getByText('MINUSCA, MONUSCO').waitFor();
  await shotsAndChecks('manage-user');
});

test('e2e/admin-own-password: a user changes their own password', async () => {
  const seen = await newPage();
  await signIn(FOCAL, resetPassword);
  const other = await signInApi(FOCAL, resetPassword);
  assert.equal(other.status, 201);
  await page.getByRole('link', { name: EN['shell.nav_profile'] }).click();
  const form = page.locator('form', {
    has: page.getByRole('button', { name: 'Change password' }),
  });
  await form.waitFor();
  const fresh = 'Night-patrol-Bangui-2026';
  // Checked on the page first: all the problems at once.
  await form.getByLabel('New password', { exact: true }).fill('short');
  await form.getByLabel('New password again').fill('different');
  await form.getByRole('button', { name: 'Change password' }).click();
  const summary = form.locator('.error-summary');
  await summary.waitFor();
  assert.equal(await summary.locator('li').count(), 3);
  // A wrong current password: the server's refusal lands at that field.
  await form.getByLabel('Current password').fill('not-my-password-at-all');
  await form.getByLabel('New password', { exact: true }).fill(fresh);
  await form.getByLabel('New password again').fill(fresh);
  await form.getByRole('button', { name: 'Change password' }).click();
  const currentError = form.locator('[data-field=current_password] .field-error');
  await currentError.waitFor();
  assert.match(await currentError.innerText(), /current password is wrong/i);
  // The right one.
  await form.getByLabel('Current password').fill(resetPassword);
  await form.getByRole('button', { name: 'Change password' }).click();
  // Two others: the one of the test before (signing in with the reset password) and `other`.
  await page
    .getByText('Your password was changed, and your other sessions were signed out (2 sessions).')
    .waitFor();
  assert.equal(await sessionStatus(other.cookie), 401, 'the other session ended');
  await shotsAndChecks('own-password');
  // This session goes on.
  await page.getByRole('link', { name: EN['shell.nav_directory'] }).click();
  await page.getByRole('heading', { level: 1, name: EN['shell.title_directory'] }).waitFor();
  assert.equal((await signInApi(FOCAL, resetPassword)).status, 401, 'the old one fails');
  assert.equal((await signInApi(FOCAL, fresh)).status, 201, 'the new one works');
  assert.deepEqual(seen, []);
});

test('e2e/admin-audit-log: an auditor filters the log by user and verifies the chain', async () => {
  const seen = await newPage();
  await signIn(AUDITOR, PASSWORD);
  await page.getByRole('link', { name: EN['shell.nav_audit'] }).click();
  await page.getByRole('heading', { level: 1, name: EN['audit.title'] }).waitFor();
  await page.locator('tr.audit-entry').first().waitFor();

  await page.getByLabel('User').fill(ADMIN);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const api = await call('GET', `/api/v1/audit?user=${ADMIN}&limit=50`);
  assert.ok(api.total >= 6, `the admin's writes are logged (${api.total})`);
  await page.getByText(`${api.total} entries`, { exact: true }).waitFor();
  const rows = page.locator('tr.audit-entry');
  for (const who of await rows.locator('td:nth-child(3)').allInnerTexts())
    assert.match(who, new RegExp(`^${ADMIN}\\s+CHN$`));
  assert.equal(await rows.count(), Math.min(api.total, 50));
  assert.ok(page.url().includes(`#/audit?user=${ADMIN}`), page.url());
  // The role change reads as who, what, which record and what changed.
  const role = rows.filter({ hasText: 'user.role' });
  assert.equal(await role.count(), 1);
  assert.match(await role.innerText(), new RegExp(`${ADMIN}[\\s\\S]*CHN[\\s\\S]*user\\.role`));
  assert.match(await role.innerText(), new RegExp(`account ${FOCAL}`));
  assert.match(await role.innerText(), /from: focal_point[\s\S]*to: analyst/);

  // A bad time is named on the page; nothing is asked.
  await page.getByLabel('From (UTC)').fill('yesterday');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page
    .locator('.error-summary')
    .getByText(/From \(UTC\): “yesterday” is neither/)
    .waitFor();
  await page.getByLabel('From (UTC)').fill('');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.locator('.error-summary').waitFor({ state: 'hidden' });

  await page.getByRole('button', { name: 'Verify the chain' }).click();
  const result = page.locator('.verify-result[data-ok]');
  await result.waitFor();
  const verdict = await call('GET', '/api/v1/audit/verify');
  assert.equal(verdict.ok, true);
  assert.equal(await result.getAttribute('data-ok'), 'true');
  // The entries the page says were checked are the API's (the page's verify and this one read
  // the same log: reads are not logged).
  assert.equal(Number(await result.getAttribute('data-entries')), verdict.entries);
  assert.match(
    await result.innerText(),
    new RegExp(
      `The chain is intact: ${verdict.entries.toLocaleString('en')} entries checked, none changed`,
    ),
  );
  // The last hash, in groups of eight.
  assert.ok((await result.innerText()).replace(/ /g, '').includes(verdict.last_hash));
  await shotsAndChecks('audit');
  assert.deepEqual(seen, []);
});
