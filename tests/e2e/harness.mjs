// What every browser test needs: a store made by the real binary, the real server on a free
// loopback port, and Debian's Chromium driven by playwright-core. Paths come from CTest's
// environment (tests/CMakeLists.txt): BH_E2E_BIN, BH_E2E_TMP, BH_E2E_SCREENSHOTS. (Not
// BLUEHELM_*: bluehelm refuses environment variables of that prefix that it does not know.)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { appI18n as loadAppI18n } from '../i18n/app_i18n.mjs';

export const BIN = process.env.BH_E2E_BIN;
export const CHROMIUM = process.env.BH_CHROMIUM || '/usr/bin/chromium';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests through ctest (e2e/...)`);
  return v;
}

// A fresh, empty scratch folder BH_E2E_TMP/<name>.
export function scratch(name) {
  const dir = path.join(need('BH_E2E_TMP'), name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// The folder screenshots go to (created), under the build tree.
export function screenshotDir() {
  const dir = need('BH_E2E_SCREENSHOTS');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// Runs `bluehelm ARGS...` to completion; `input` goes to stdin. Throws with the output when the
// exit status is not 0.
export function bluehelm(args, input) {
  const r = spawnSync(need('BH_E2E_BIN'), args, {
    input: input || '',
    encoding: 'utf8',
    timeout: 60000,
  });
  if (r.status !== 0) {
    throw new Error(
      `bluehelm ${args.join(' ')} exited ${r.status}${r.signal ? ` (${r.signal})` : ''}:\n${r.stdout}${r.stderr}`,
    );
  }
  return r.stdout;
}

// Starts `bluehelm serve` on 127.0.0.1:0 and resolves, once it logs its `listening` line, to
// { url, stop(), log() }. stop() sends SIGTERM and resolves to the exit code.
export function startServer(db, logFile, extraArgs = []) {
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', db, ...extraArgs];
  const child = spawn(need('BH_E2E_BIN'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve(code === null ? 128 : code)),
  );
  // The log is read all the time, also after start-up: a full pipe would block the server.
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    log += chunk;
    if (logFile) fs.appendFileSync(logFile, chunk);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not log "listening" within 10 s:\n${log}`));
    }, 10000);
    const onData = () => {
      const m = /listening url=(http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (!m) return;
      clearTimeout(timer);
      child.stderr.off('data', onData);
      resolve({
        url: m[1],
        log: () => log,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${log}`));
    });
  });
}

// Debian's Chromium, headless. Without the background-networking flags Chromium tries to
// reach Google's services, which this network refuses.
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// Watches a page for what a user would call broken: uncaught errors, Content-Security-Policy
// refusals, and any request to another origin (the app must make none).
export function watchPage(page, origin) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // The browser reports every 4xx reply as a console error; expected ones (a refused
    // sign-in) are not bugs. CSP refusals and script errors are.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    problems.push(`console: ${text}`);
  });
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:'))
      problems.push(`external request: ${url}`);
  });
  return problems;
}

// Calls the API as the browser's signed-in user (its session cookie, and the CSRF token for a
// write), for the values a test expects. Throws with the reply unless it is a 2xx.
export async function apiAs(page, origin, method, url, body) {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bh_session');
  if (!cookie) throw new Error('apiAs: the page is not signed in');
  const headers = { Cookie: `bh_session=${cookie.value}` };
  if (method !== 'GET') {
    const s = await (await fetch(`${origin}/api/v1/session`, { headers })).json();
    headers['X-CSRF-Token'] = s.csrf_token;
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${origin}${url}`, {
    method,
    headers,
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

// The source tree (tests/e2e/../..), and the shared data beside it: BH_SHARED_DATA when CTest
// passes it, else the default of the top CMakeLists.txt (SOURCE_DIR/../shared/data).
export const SOURCE_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export function sharedData(...parts) {
  return path.join(
    process.env.BH_SHARED_DATA || path.join(SOURCE_DIR, '..', 'shared', 'data'),
    ...parts,
  );
}

// The browser app's words in one language: web/src/i18n/{core,registers,coordination,library,capacity}/
// <lang>.json merged into one id → message table, without the translators' "@…" entries. Tests find elements by
// these words, never by a copy of them.
export function catalog(lang) {
  const table = {};
  for (const part of ['core', 'registers', 'coordination', 'library', 'capacity']) {
    const file = path.join(SOURCE_DIR, 'web', 'src', 'i18n', part, `${lang}.json`);
    for (const [id, text] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))))
      if (!id.startsWith('@') && typeof text === 'string') table[id] = text;
  }
  return table;
}

// web/src/i18n.js itself (parseMessage, the date formats), loaded in node.
export function appI18n() {
  return loadAppI18n(SOURCE_DIR);
}

// axe-core (npm) run in the page on what it shows now: the serious and critical violations,
// as lines naming the rule, the element and axe's help. Injected with page.evaluate, which the
// page's Content-Security-Policy does not apply to (an injected <script> would be refused).
let axeSource = null;
export async function axeViolations(page) {
  if (!axeSource)
    axeSource = fs.readFileSync(path.join(SOURCE_DIR, 'node_modules/axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object')))
    await page.evaluate(`${axeSource};void 0`);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${v.help}`),
    );
}

// How far the page scrolls sideways, in CSS pixels (0: it fits the viewport's width).
export function sidewaysScroll(page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

// Adds the users of a test to the store `db`, all with `password`: each [username, org, role]
// or [username, org, role, mission] (then the mission is assigned to them).
export function addUsers(db, password, users) {
  for (const [user, org, role, mission] of users) {
    bluehelm(
      ['user', 'add', user, '--org', org, '--role', role, '--password-stdin', '--db', db],
      `${password}\n`,
    );
    if (mission) bluehelm(['user', 'missions', user, mission, '--db', db]);
  }
}

// A new browser context (UTC unless `options` says otherwise; `options` as for
// browser.newContext) with one page that waits up to `timeout` ms and is watched for problems
// (watchPage): { context, page, problems }.
export async function openPage(browser, origin, options = {}, timeout = 20000) {
  const context = await browser.newContext({ timezoneId: 'UTC', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  return { context, page, problems: watchPage(page, origin) };
}

// Signs `username` in through the app's sign-in form at `origin`, finding the fields by the
// words of `words` (a catalog(lang) table; English unless given), and waits until the top bar
// names them.
export async function signIn(page, origin, username, password, words = catalog('en')) {
  await page.goto(`${origin}/`);
  await page.getByLabel(words['signin.username']).fill(username);
  await page.getByLabel(words['signin.password']).fill(password);
  await page.getByRole('button', { name: words['signin.submit'] }).click();
  await page.locator('header.topbar').getByText(username, { exact: true }).waitFor();
}

// Signs out with the top bar's button and waits for the sign-in form's heading.
export async function signOut(page, words = catalog('en')) {
  await page.getByRole('button', { name: words['shell.sign_out'] }).click();
  await page.getByRole('heading', { name: words['signin.title'] }).waitFor();
}

// A browser test's stage, set up in its before() and ended in its after(): a store made with
// `init --seed` in scratch(name) with `users` (addUsers, all with `password`), the server on it
// (with `serverArgs`), the browser and the screenshot folder. Its pages are named "sides":
//   open(side, user, options)  a new page (openPage; `options` as for browser.newContext, 1366 ×
//                              900 unless options.viewport) with `user` signed in, in the words
//                              of options.locale (English unless given); returns the page
//   call(side, method, url, body)  apiAs as that side's user
//   shot(page, file)           a full-page screenshot into the screenshot folder and /tmp/shots
//   end()                      closes every side, the browser and the server, and asserts that
//                              the server exited 0 and that no side met a problem (watchPage)
export async function stage(name, password, users, serverArgs = []) {
  const dir = scratch(name);
  const shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  addUsers(db, password, users);
  const server = await startServer(db, path.join(dir, 'server.log'), serverArgs);
  const browser = await launchBrowser();
  const sides = {};
  return {
    dir,
    db,
    server,
    browser,
    shots,
    sides,
    async open(side, user, { viewport, ...options } = {}) {
      const opened = await openPage(browser, server.url, {
        viewport: viewport || { width: 1366, height: 900 },
        ...options,
      });
      sides[side] = opened;
      await signIn(opened.page, server.url, user, password, catalog(options.locale || 'en'));
      return opened.page;
    },
    call: (side, method, url, body) => apiAs(sides[side].page, server.url, method, url, body),
    async shot(page, file) {
      await page.screenshot({ path: path.join(shots, file), fullPage: true });
      fs.mkdirSync('/tmp/shots', { recursive: true });
      fs.copyFileSync(path.join(shots, file), path.join('/tmp/shots', file));
    },
    async end() {
      for (const s of Object.values(sides)) await s.context.close();
      await browser.close();
      const code = await server.stop();
      if (code !== 0)
        throw new Error(`the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
      for (const [side, s] of Object.entries(sides))
        if (s.problems.length)
          throw new Error(
            `${side}: no script error, CSP refusal or external request: ${JSON.stringify(s.problems)}`,
          );
    },
  };
}

// Makes through the API, as the signed-in user of `page`, a commitment (`commitment`: the
// body of POST /api/v1/commitments) and its `actions` (each the body of POST
// /api/v1/commitments/ID/actions), in order: { commitment, actions } as the API answered.
export async function makeCommitment(page, origin, commitment, actions = []) {
  const made = await apiAs(page, origin, 'POST', '/api/v1/commitments', commitment);
  const out = [];
  for (const body of actions)
    out.push(await apiAs(page, origin, 'POST', `/api/v1/commitments/${made.id}/actions`, body));
  return { commitment: made, actions: out };
}
