// The main flows of the browser app in French and in Arabic (issue 12), in Debian's Chromium
// against the real server on a seeded store with a synthetic history (`bluehelm demo`) and,
// when the shared data has it, the UN's fatalities file. For each language a browser context
// with that locale (which sets navigator.languages and Accept-Language) signs in (a refused
// password first: the server's own words), a reporter of Rwanda reports an incident (the
// server refuses an unknown TLP:RED recipient first), signs out, an endorser of Brazil, both
// working for MINUSMA, endorses it from the queue, opens the incident map and reads the
// casualty dashboard. Elements are found by the words of the language's catalogs
// (web/src/i18n/{core,registers,coordination}/<lang>.json, read here), never by a copy of them
// nor by English.
// Last, the header's language switch changes the language, and the server keeps the choice.
//
// On every page visited:
// 1. No untranslated string. W is the set of words (runs of letters, at least 3, lower-cased) of
//    the English catalogs' messages (their text only: parameter names and plural/select keys are
//    not words; web/src/i18n.js's own parser splits them) and of the server's English (the msgids
//    of po/<lang>.po: the vocabulary's "Troops" is in no catalog of the app) minus every word of
//    the target language's catalogs and po/<lang>.po translations, so words both share ("CSV",
//    "UTC", "Bluehelm", a French word that is also English) are never flagged. D is the data: every
//    string of every JSON reply of /api/ the page received, except those of /api/v1/vocabulary and
//    /api/v1/taxonomy and the `title` and `detail` of problem replies (words the server must
//    translate), and the text of elements marked with another language (lang="en" on "English" in
//    the language switch), and FIRST's TLP labels (TLP:AMBER+STRICT), codes that no language
//    translates. The page's text (document.body.innerText, document.title, and the title,
//    aria-label, placeholder and alt attributes of every element) loses every occurrence of every
//    string of D, longest first (an occurrence that is part of a longer word stays: the data "Gao"
//    does not eat into a word), and is split into words: a word of W is untranslated.
//    A word inside one of the server's strings that must be translated (vocabulary, taxonomy, a
//    problem) is reported once per page and string, naming the reply: a server string not yet
//    translated. Any other is the app's: reported with the page, the word and about 40
//    characters around it. The app's console warnings "i18n: …" (a message shown in English)
//    are findings too. Every finding fails the test of its page, all of them listed.
//    The test "languages/check-finds-english" feeds an English sentence through the same code.
// 2. <html lang dir> of the language; in Arabic the navigation (nav.sidenav) to the right of
//    the main content at 1366 px; in both, nothing scrolls sideways at 1366 and at 360 px.
// 3. Dates and numbers in the locale's form: the expected text is made in the page by Intl with
//    the locale web/src/i18n.js uses (INTL_LOCALE: fr → fr-FR, ar → ar) for a known value —
//    the report's time (dateTime(): day, short month, year, hh:mm, UTC) in the queue and on
//    the report, the map's incident count, the dashboard's total and a record's date (date():
//    day, short month, year).
// 4. Screenshots: BH_E2E_SCREENSHOTS/<lang>-<page>.png at 1366×768, full page, and
//    <lang>-<page>-360.png at 360×740 as well.
// 5. No script error and no CSP refusal (watchPage).
// The dashboard needs the UN's file (the shared data, as e2e/casualties; BH_SHARED_DATA or the
// default beside the source tree): without it those tests are skipped, saying why. Findings are
// also written to BH_E2E_SCREENSHOTS/languages.txt.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  apiAs,
  appI18n,
  bluehelm,
  catalog,
  launchBrowser,
  scratch,
  screenshotDir,
  sharedData,
  SOURCE_DIR,
  startServer,
  watchPage,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const MISSION = 'MINUSMA';
const WHEN = '2023-03-15T08:30'; // the report's time, in UTC
const UN_FILE = sharedData('un_fatalities', 'DPPADPOSS-FATALITIES.csv');
const HAVE_UN = fs.existsSync(UN_FILE);
const NO_UN = HAVE_UN ? false : `${UN_FILE} is missing (the shared data, BH_SHARED_DATA)`;
// Codes every language writes the same, counted as data: FIRST's Traffic Light Protocol labels.
// Codes, and the names of the map's data sources in its attribution (names, not words to
// translate; the app's code writes them with an i18n-exempt note).
const CODES = [
  'TLP:CLEAR',
  'TLP:GREEN',
  'TLP:AMBER',
  'TLP:AMBER+STRICT',
  'TLP:RED',
  'Natural Earth',
  'OpenStreetMap',
];
const WIDE = { width: 1366, height: 768 };
const PHONE = { width: 360, height: 740 };

// The two languages; `intl` is the locale web/src/i18n.js formats with (INTL_LOCALE).
const LANGS = [
  { code: 'fr', locale: 'fr-FR', intl: 'fr-FR', dir: 'ltr' },
  { code: 'ar', locale: 'ar', intl: 'ar', dir: 'rtl' },
];

let server;
let browser;
let shots;
let parseMessage;
const report = []; // every finding of the run, for languages.txt

// ---- the untranslated-word check ----

// The words of a message's text: runs of letters of at least three, lower-cased. Only the
// literal parts count: {name}, "plural", "other" are syntax.
function messageWords(text, into) {
  const walk = (parts) => {
    for (const p of parts) {
      if (typeof p === 'string') for (const w of words(p)) into.add(w.word);
      else if (p.cases) for (const c of Object.values(p.cases)) walk(c);
    }
  };
  walk(parseMessage(text));
  return into;
}

function words(text) {
  const out = [];
  for (const m of text.matchAll(/\p{L}+/gu))
    if (m[0].length >= 3) out.push({ word: m[0].toLowerCase(), at: m.index });
  return out;
}

// The server's messages in one language (po/<lang>.po): [{ id, str }], str '' when not
// translated (its plural forms joined).
function poMessages(lang) {
  const file = path.join(SOURCE_DIR, 'po', `${lang}.po`);
  if (!fs.existsSync(file)) return [];
  const out = [];
  let field = null;
  const text = (quoted) => {
    try {
      return JSON.parse(quoted);
    } catch (e) {
      return quoted.slice(1, -1);
    }
  };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$/.exec(line);
    if (m) {
      if (m[1] === 'msgid') out.push({ id: '', str: '' });
      field = m[1] === 'msgctxt' ? null : m[1].startsWith('msgstr') ? 'str' : 'id';
      if (field && out.length) out[out.length - 1][field] += ` ${text(m[2])}`;
    } else if (/^\s*"/.test(line) && field && out.length) {
      out[out.length - 1][field] += text(line.trim());
    } else field = null;
  }
  return out;
}

// W for one language: the words of English's messages, the app's and the server's (the msgids
// of po/<lang>.po), that the language's own messages, the app's and the server's (msgstr), do
// not have.
function englishOnly(code) {
  const en = new Set();
  for (const text of Object.values(catalog('en'))) messageWords(text, en);
  const own = new Set();
  for (const text of Object.values(catalog(code))) messageWords(text, own);
  for (const { id, str } of poMessages(code)) {
    for (const w of words(id)) en.add(w.word);
    for (const w of words(str)) own.add(w.word);
  }
  return new Set([...en].filter((w) => !own.has(w)));
}

const isLetter = (c) => c !== undefined && /\p{L}/u.test(c);

// Blanks every occurrence of each string of `data` in `text` (longest first) that is not part
// of a longer word, keeping the positions of the rest.
function withoutData(text, data) {
  let s = text;
  for (const d of data) {
    let i = s.indexOf(d);
    while (i >= 0) {
      if (!isLetter(s[i - 1]) && !isLetter(s[i + d.length]))
        s = s.slice(0, i) + ' '.repeat(d.length) + s.slice(i + d.length);
      i = s.indexOf(d, i + 1);
    }
  }
  return s;
}

// The words of W left in `texts` once the data is gone: [{ word, context, server }], where
// `server` is the longest of the server's strings ({ text, source }) around the word, if any.
function untranslated(texts, W, data, server = []) {
  const sorted = [...data].sort((a, b) => b.length - a.length);
  const found = [];
  for (const text of texts) {
    const rest = withoutData(text, sorted);
    let spans = null;
    for (const { word, at } of words(rest)) {
      if (!W.has(word)) continue;
      spans ||= serverSpans(text, server);
      const around = spans.filter((s) => s.start <= at && at < s.end);
      const context = text
        .slice(Math.max(0, at - 40), at + word.length + 40)
        .replace(/\s+/g, ' ')
        .trim();
      // The longest string around the word; of equals, one written as the page writes it.
      around.sort((a, b) => b.end - b.start - (a.end - a.start) || b.exact - a.exact);
      found.push({ word, context, server: around[0]?.from });
    }
  }
  return found;
}

// Where the server's strings occur in `text`, as whole words, in any case: the app writes a
// problem's detail as a sentence ("username or password is wrong" → "Username or password is
// wrong.").
function serverSpans(text, server) {
  const lower = text.toLowerCase();
  const spans = [];
  for (const from of server) {
    const d = from.text.toLowerCase();
    if (d.length < 3) continue;
    for (let i = lower.indexOf(d); i >= 0; i = lower.indexOf(d, i + 1))
      if (!isLetter(lower[i - 1]) && !isLetter(lower[i + d.length]))
        spans.push({ start: i, end: i + d.length, from, exact: text.startsWith(from.text, i) });
  }
  return spans;
}

// Every string value in a JSON reply into `data`, but the title and detail of a problem, words
// the server must translate, go to `server(text)`.
function collect(json, data, server, problem) {
  const walk = (v, key) => {
    if (typeof v === 'string') {
      if (problem && (key === 'title' || key === 'detail')) server(v);
      else if (/\p{L}{3}/u.test(v)) data.add(v);
    } else if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(json, '');
}

// ---- one language's browser ----

// A context in the language's locale, UTC, and a page whose API replies are recorded.
async function openLanguage(lang, viewport = WIDE) {
  const context = await browser.newContext({
    locale: lang.locale,
    viewport,
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const L = {
    ...lang,
    T: catalog(lang.code),
    W: englishOnly(lang.code),
    page,
    problems: watchPage(page, server.url),
    data: new Set(), // D
    server: [], // [{ text, source }]: words the server must translate
    serverKeys: new Set(),
    last: new Map(), // API path → its last JSON reply
    pending: [],
    warnings: [], // the app's "i18n: …" console warnings
    issues: [], // findings and layout failures not yet asserted
  };
  page.on('console', (msg) => {
    if (msg.type() === 'warning' && msg.text().startsWith('i18n:')) L.warnings.push(msg.text());
  });
  page.on('response', (res) => {
    const u = new URL(res.url());
    if (!u.pathname.startsWith('/api/')) return;
    const type = res.headers()['content-type'] || '';
    if (!/json/.test(type)) return;
    L.pending.push(
      res.json().then(
        (json) => {
          L.last.set(u.pathname, json);
          const server = (source) => (text) => {
            if (L.serverKeys.has(`${source}\u0000${text}`)) return;
            L.serverKeys.add(`${source}\u0000${text}`);
            L.server.push({ text, source });
          };
          if (u.pathname === '/api/v1/vocabulary' || u.pathname === '/api/v1/taxonomy') {
            // Armed groups are named as the datasets name them (docs/i18n.md): data.
            const { known_groups: groups, ...words } = json;
            if (groups) collect(groups, L.data, null, false);
            const strings = new Set();
            collect(words, strings, null, false);
            for (const text of strings) server(u.pathname)(text);
          } else {
            const problem = /problem\+json/.test(type);
            // A problem's field ("recipients[0]") is a code, quoted in its detail, which the
            // app writes as a sentence (so with a capital when the field comes first).
            if (problem && json.field) {
              const name = String(json.field).split(/[.[]/)[0];
              L.data.add(name);
              L.data.add(name.charAt(0).toUpperCase() + name.slice(1));
            }
            collect(json, L.data, server(`${res.status()} ${u.pathname}`), problem);
          }
        },
        () => {},
      ),
    );
  });
  return L;
}

// The text of a page as a reader meets it, and the text marked as another language.
function pageTexts(page, code) {
  return page.evaluate((code) => {
    const texts = [document.title, document.body.innerText];
    const other = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) texts.push(v);
      }
      const lang = el.getAttribute('lang');
      if (el !== document.documentElement && lang && lang !== code) other.push(el.textContent);
    }
    return { texts, other };
  }, code);
}

// A resize (a full-page screenshot makes one too) moves a map: Leaflet says so ("moveend") 200 ms
// after the next frame, and the map page asks for the new view 400 ms after that (its
// debounce). A page left before then has its map called after removal (an uncaught TypeError:
// an app bug, reported apart), which a person would only meet by leaving within that moment.
// On a page with a map: two frames, a timer set after Leaflet's and longer, then one after the
// page's and longer, then no load in progress.
async function mapsSettled(page) {
  if (!(await page.locator('.leaflet-container').count())) return;
  await page.evaluate(
    () =>
      new Promise((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => setTimeout(() => setTimeout(resolve, 450), 250)),
        ),
      ),
  );
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

const SCROLLS = () => document.documentElement.scrollWidth - document.documentElement.clientWidth;

// Checks the page as it is now (see the header: 1, 2, 4, 5) and records what is wrong.
async function inspect(L, name) {
  const { page } = L;
  await Promise.all(L.pending);
  const { texts, other } = await pageTexts(page, L.code);
  const data = new Set([...L.data, ...other.filter((s) => s.trim()), ...CODES]);
  // One line per server string left in English, and per word of the app's own.
  const seen = new Map();
  for (const f of untranslated(texts, L.W, data, L.server)) {
    const key = f.server ? `${f.server.source}\u0000${f.server.text}` : f.word;
    if (seen.has(key)) {
      seen.get(key).n++;
      continue;
    }
    const line = f.server
      ? `the server's words in English (${f.server.source}): "${f.server.text}"`
      : `untranslated "${f.word}" in "…${f.context}…"`;
    seen.set(key, { line, n: 1 });
  }
  for (const { line, n } of seen.values())
    L.issues.push(`${L.code}-${name}: ${line}${n > 1 ? ` (${n} words)` : ''}`);
  for (const w of L.warnings.splice(0)) L.issues.push(`${L.code}-${name}: console: ${w}`);

  const html = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
  }));
  if (html.lang !== L.code) L.issues.push(`${L.code}-${name}: <html lang="${html.lang}">`);
  if (html.dir !== L.dir) L.issues.push(`${L.code}-${name}: <html dir="${html.dir}">`);

  await page.screenshot({ path: path.join(shots, `${L.code}-${name}.png`), fullPage: true });
  await mapsSettled(page);
  if (L.dir === 'rtl') {
    const nav = page.locator('nav.sidenav');
    if (await nav.count()) {
      const navBox = await nav.boundingBox();
      const mainBox = await page.locator('main').boundingBox();
      if (!(navBox && mainBox && navBox.x > mainBox.x))
        L.issues.push(
          `${L.code}-${name}: the navigation (x=${navBox?.x}) is not right of main (x=${mainBox?.x})`,
        );
    }
  }
  // Nothing scrolls sideways, on a desk or on a phone: French words are longer than English
  // ones, and Arabic lays everything out the other way.
  const wide = await page.evaluate(SCROLLS);
  if (wide > 0) L.issues.push(`${L.code}-${name}: scrolls sideways by ${wide} px at 1366 px`);
  await page.setViewportSize(PHONE);
  const narrow = await page.evaluate(SCROLLS);
  if (narrow > 0) L.issues.push(`${L.code}-${name}: scrolls sideways by ${narrow} px at 360 px`);
  await page.screenshot({ path: path.join(shots, `${L.code}-${name}-360.png`), fullPage: true });
  await page.setViewportSize(WIDE);
  await mapsSettled(page);
  for (const p of L.problems.splice(0)) L.issues.push(`${L.code}-${name}: ${p}`);
}

// Fails, listing them, when the pages checked since the last call had findings.
function assertClean(L) {
  const issues = L.issues.splice(0);
  report.push(...issues);
  if (issues.length) assert.fail(`${issues.length} problem(s):\n${issues.join('\n')}`);
}

// A formatter of the page's locale, run in the page: what Intl writes there for `value`.
function intl(L, kind, value, options) {
  return L.page.evaluate(
    ([kind, locale, value, options]) =>
      kind === 'number'
        ? new Intl.NumberFormat(locale, options).format(value)
        : new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options }).format(new Date(value)),
    [kind, L.intl, value, options],
  );
}

// How date() and dateTime() of web/src/i18n.js write a day and a timestamp (set in before()).
let DATE;
let DATE_TIME;

async function signIn(L, username) {
  const { page, T } = L;
  await page.getByLabel(T['signin.username'], { exact: true }).fill(username);
  await page.getByLabel(T['signin.password'], { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: T['signin.submit'], exact: true }).click();
  await page.locator('header.topbar').getByText(username, { exact: true }).waitFor();
}

async function signOut(L) {
  await L.page.getByRole('button', { name: L.T['shell.sign_out'], exact: true }).click();
  await L.page.getByRole('heading', { level: 1, name: L.T['signin.title'], exact: true }).waitFor();
}

const heading = (L, id) =>
  L.page.getByRole('heading', { level: 1, name: L.T[id], exact: true }).waitFor();

const users = (code) => ({ reporter: `${code}.rwa`, endorser: `${code}.bra` });

before(async () => {
  ({ parseMessage, DATE_FORMAT: DATE, DATE_TIME_FORMAT: DATE_TIME } = await appI18n());
  const dir = scratch('languages');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  bluehelm(['demo', '--incidents', '2000', '--seed', '5', '--db', db]);
  if (HAVE_UN) bluehelm(['import', 'un-fatalities', UN_FILE, '--db', db]);
  const add = (user, org, role) =>
    bluehelm(
      ['user', 'add', user, '--org', org, '--role', role, '--password-stdin', '--db', db],
      `${PASSWORD}\n`,
    );
  for (const { code } of LANGS) {
    const u = users(code);
    add(u.reporter, 'RWA', 'reporter');
    add(u.endorser, 'BRA', 'endorser');
    bluehelm(['user', 'missions', u.reporter, MISSION, '--db', db]);
    bluehelm(['user', 'missions', u.endorser, MISSION, '--db', db]);
  }
  add('switcher', 'CHN', 'analyst');
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
});

after(async () => {
  fs.writeFileSync(
    path.join(shots, 'languages.txt'),
    report.length ? `${report.join('\n')}\n` : 'No problem found.\n',
  );
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `the server should exit 0 on SIGTERM; its log:\n${server.log()}`);
  }
});

test('languages/check-finds-english: the untranslated-word check flags English', () => {
  const W = englishOnly('fr');
  const T = catalog('fr');
  const en = catalog('en');
  const sentence = `${en['signin.password']}: ${en['incident_form.submit']}`;
  const english = words(sentence)
    .map((w) => w.word)
    .filter((w) => W.has(w));
  assert.ok(english.length >= 2, `too few English-only words in "${sentence}"`);
  const found = untranslated([sentence], W, []);
  assert.deepEqual(
    found.map((f) => f.word),
    english,
  );
  // The French of the same words passes; data (a name) is not a finding.
  assert.deepEqual(
    untranslated([`${T['signin.password']} ${T['incident_form.submit']}`], W, []),
    [],
  );
  assert.deepEqual(
    untranslated(['Tessit road, north of Gao'], W, ['Tessit road, north of Gao']),
    [],
  );
  // Data inside a longer word is not removed from it.
  assert.equal(withoutData('Gaol Gao', ['Gao']), 'Gaol    ');
});

for (const lang of LANGS) {
  const { code } = lang;
  const u = users(code);
  let L;
  let incident;

  test(`languages/${code}-sign-in: the sign-in page, a refusal in the server's words`, async () => {
    L = await openLanguage(lang);
    const { page, T } = L;
    await page.goto(`${server.url}/`);
    await heading(L, 'signin.title');
    await inspect(L, 'signin');

    await page.getByLabel(T['signin.username'], { exact: true }).fill(u.reporter);
    await page.getByLabel(T['signin.password'], { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: T['signin.submit'], exact: true }).click();
    await page.locator('form [role=alert]:not([hidden])').waitFor();
    await inspect(L, 'signin-refused');

    await signIn(L, u.reporter);
    await heading(L, 'directory.title');
    await inspect(L, 'directory');
    assertClean(L);
  });

  test(`languages/${code}-report: a reporter reports an incident`, async () => {
    const { page, T } = L;
    await page.getByRole('link', { name: T['shell.nav_incident_new'], exact: true }).click();
    await heading(L, 'incident_form.title_new');
    const form = page.locator('form.report-form');
    const field = (id) => form.getByLabel(T[id], { exact: true });
    assert.equal(await field('incident_form.mission').inputValue(), MISSION);
    await field('incident_form.latitude').fill('16.27');
    await field('incident_form.longitude').fill('0.05');
    await field('incident_form.occurred_at').fill(WHEN);
    await field('incident_form.threat_type').selectOption('ied');
    await field('incident_form.target').selectOption('convoy');
    await field('incident_form.activity').selectOption('logistics_convoy');
    await field('incident_form.place_name').fill(`Tessit ${code}`);
    await field('incident_form.killed').fill('1');
    await field('incident_form.injured').fill('2');
    await inspect(L, 'report');

    // TLP:RED to someone who does not exist: the server refuses at the field, in its words.
    await field('incident_form.marking').selectOption('RED');
    // A username the reporter typed: data, quoted back in the server's refusal.
    L.data.add('nobody.here');
    await field('incident_form.recipients').fill('nobody.here');
    await form.getByRole('button', { name: T['incident_form.submit'], exact: true }).click();
    await form.locator('[data-field="recipients"] .field-error').waitFor();
    await inspect(L, 'report-refused');

    await field('incident_form.marking').selectOption('GREEN');
    await form.getByRole('button', { name: T['incident_form.submit'], exact: true }).click();
    await page.getByText(T['incident_form.flash_submitted'], { exact: true }).waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/incidents/', ''));
    incident = await apiAs(page, server.url, 'GET', `/api/v1/incidents/${encodeURIComponent(id)}`);
    assert.equal(incident.status, 'submitted');
    assert.equal(incident.occurred_at, `${WHEN}:00Z`);
    // Its time in the locale's form (dateTime()).
    const when = await intl(L, 'date', `${WHEN}:00Z`, DATE_TIME);
    await page.locator('.incident-head').getByText(T['incidents.status.submitted']).waitFor();
    assert.ok(
      (await page.locator('main').innerText()).includes(when),
      `the report shows its time as ${when}`,
    );
    await inspect(L, 'incident');

    await signOut(L);
    await page.getByText(T['shell.signed_out'], { exact: true }).waitFor();
    await inspect(L, 'signed-out');
    assertClean(L);
  });

  test(`languages/${code}-endorse: the endorser endorses the report from the queue`, async () => {
    const { page, T } = L;
    await signIn(L, u.endorser);
    // The link's name is the page's and, when reports wait, their count ("… 1 en attente").
    const queue = T['shell.nav_queue'].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await page.getByRole('link', { name: new RegExp(`^${queue}( |$)`) }).click();
    await heading(L, 'queue.title');
    const row = page.locator('tbody tr', { hasText: `Tessit ${code}` });
    await row.waitFor();
    // The time and the count of casualties in the locale's form.
    const when = await intl(L, 'date', `${WHEN}:00Z`, DATE_TIME);
    const text = await row.innerText();
    assert.ok(text.includes(when), `the queue shows ${when}: ${text}`);
    await inspect(L, 'queue');

    await row.getByRole('button').filter({ hasText: T['queue.endorse'] }).click();
    await row.waitFor({ state: 'detached' });
    const now = await apiAs(page, server.url, 'GET', `/api/v1/incidents/${incident.id}`);
    assert.equal(now.status, 'endorsed');
    await inspect(L, 'queue-endorsed');
    assertClean(L);
  });

  test(`languages/${code}-map: the incident map, its count in the locale's form`, async () => {
    const { page, T } = L;
    await page.getByRole('link', { name: T['shell.nav_incidents'], exact: true }).click();
    await heading(L, 'map.title');
    await page.locator('.incident-map path.bm-land').first().waitFor();
    // The count once the layer has arrived: nothing loading, and the replies read.
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    const count = page.locator('.map-count');
    await count.filter({ hasText: /\S/ }).waitFor();
    await Promise.all(L.pending);
    const list = L.last.get('/api/v1/incidents');
    assert.ok(list && list.total > 1000, `incidents in the view: ${list && list.total}`);
    const total = await intl(L, 'number', list.total);
    assert.ok((await count.innerText()).includes(total), `the count says ${total}`);
    await inspect(L, 'map');
    assertClean(L);
  });

  test(
    `languages/${code}-casualties: the casualty dashboard, figures and dates in the locale's form`,
    { skip: NO_UN },
    async () => {
      const { page, T } = L;
      await page.getByRole('link', { name: T['shell.nav_casualties'], exact: true }).click();
      await heading(L, 'casualties.title');
      await page.locator('.dashboard:not(.busy) .stat-card').first().waitFor();
      const all = await apiAs(
        page,
        server.url,
        'GET',
        '/api/v1/stats/casualties?casualty_type=Fatality&distinct=1',
      );
      assert.ok(all.total > 1000, `fatalities: ${all.total}`);
      const total = await intl(L, 'number', all.total);
      assert.equal(await page.locator('.stat-total .stat-value').innerText(), total);
      // A record's date (date()), as the list the page fetched has it.
      const records = page.locator('section.records tbody tr');
      await records.first().waitFor();
      await Promise.all(L.pending);
      const first = L.last.get('/api/v1/casualties').items[0];
      const day = await intl(L, 'date', `${first.incident_date}T00:00:00Z`, DATE);
      const row = records.filter({ hasText: first.casualty_id });
      assert.ok((await row.innerText()).includes(day), `${first.casualty_id} dated ${day}`);
      await inspect(L, 'casualties');
      assertClean(L);
    },
  );

  test(`languages/${code}-clean: no script errors, no CSP refusals`, async () => {
    assert.deepEqual(L.problems, []);
    await L.page.context().close();
  });
}

test('languages/switch: the header switch changes the language, and the server keeps it', async () => {
  const fr = await openLanguage(LANGS[0]);
  const { page } = fr;
  await page.goto(`${server.url}/`);
  await heading(fr, 'signin.title');
  await signIn(fr, 'switcher');
  await heading(fr, 'directory.title');
  const ar = catalog('ar');
  await Promise.all([
    page.waitForEvent('load'),
    page.locator('header.topbar select.lang-switch').selectOption('ar'),
  ]);
  await page.getByRole('heading', { level: 1, name: ar['directory.title'], exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  const session = await page.evaluate(() =>
    fetch('/api/v1/session', { headers: { Accept: 'application/json' } }).then((r) => r.json()),
  );
  assert.equal(session.user.language, 'ar');
  assert.deepEqual(fr.problems, []);
  await page.context().close();
});
