// The app's words in six languages. Every string a person reads comes from a catalog
// (web/src/i18n/{core,registers,coordination,library,capacity}/<lang>.json) keyed by a message id:
// t('queue.title'), t('queue.count', { n }). Notes for translators are in
// web/src/i18n/notes.json.
//
// Messages use a subset of ICU MessageFormat, parsed here (about a hundred lines, with the
// browser's Intl.PluralRules for the plural categories) rather than by a library from npm: the
// well-known ones either compile messages with new Function(), which the server's
// Content-Security-Policy forbids, or weigh more than this whole module and its parser; and the
// catalog check (tests/i18n/check_catalogs.mjs) parses messages with this same code. The subset:
//   {name}                                   a parameter (numbers are formatted for the locale)
//   {n, plural, one {# report} other {# reports}}   with =0, =1 … and zero/one/two/few/many/other
//   {kind, select, member_state {…} other {…}}
//   '{' quotes a brace; '' is an apostrophe; any other apostrophe is itself (l'incident).
//
// Each language's catalog comes in five parts: `core`, the words of the shell and of the pages
// that are in app.js (sign-in, directory, profile, administration); `registers`, the words
// of the pages that are scripts of their own (casualties, incidents, map, queue), fetched with
// them; and `coordination`, the words used only by the coordination pages (meetings,
// proposals, commitments, actions), fetched only when one of those opens; `library`, the
// words of the library's pages, and `capacity`, those of capacity building's pages, the same
// way (a part that outgrows
// its budget is split, docs/i18n.md). English's core part is bundled in app.js; every other
// part is a chunk of its own, so a slow link downloads only the language in use and only the
// words of the pages opened. The catalog check (tests/i18n/check_catalogs.mjs) puts each
// message in the part of the code that uses it.
//
// English is the fallback of every message: a message missing from a catalog, or one that
// does not parse or lacks a parameter, is shown in English and reported once on the console;
// the page never shows a raw id or an empty label.
//
// Dates and times are written by Intl in the reader's language and stay in UTC, with "UTC"
// said; numbers and percentages by Intl.NumberFormat.
import enCore from './i18n/core/en.json';

// The languages, each named in itself (the switch shows a language as its readers know it).
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'zh', name: '中文', dir: 'ltr' },
  { code: 'ru', name: 'Русский', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
];

// Literal import() calls, so that esbuild makes each part a chunk.
const LOADERS = {
  core: {
    fr: () => import('./i18n/core/fr.json'),
    ar: () => import('./i18n/core/ar.json'),
    zh: () => import('./i18n/core/zh.json'),
    ru: () => import('./i18n/core/ru.json'),
    es: () => import('./i18n/core/es.json'),
  },
  registers: {
    en: () => import('./i18n/registers/en.json'),
    fr: () => import('./i18n/registers/fr.json'),
    ar: () => import('./i18n/registers/ar.json'),
    zh: () => import('./i18n/registers/zh.json'),
    ru: () => import('./i18n/registers/ru.json'),
    es: () => import('./i18n/registers/es.json'),
  },
  coordination: {
    en: () => import('./i18n/coordination/en.json'),
    fr: () => import('./i18n/coordination/fr.json'),
    ar: () => import('./i18n/coordination/ar.json'),
    zh: () => import('./i18n/coordination/zh.json'),
    ru: () => import('./i18n/coordination/ru.json'),
    es: () => import('./i18n/coordination/es.json'),
  },
  library: {
    en: () => import('./i18n/library/en.json'),
    fr: () => import('./i18n/library/fr.json'),
    ar: () => import('./i18n/library/ar.json'),
    zh: () => import('./i18n/library/zh.json'),
    ru: () => import('./i18n/library/ru.json'),
    es: () => import('./i18n/library/es.json'),
  },
  capacity: {
    en: () => import('./i18n/capacity/en.json'),
    fr: () => import('./i18n/capacity/fr.json'),
    ar: () => import('./i18n/capacity/ar.json'),
    zh: () => import('./i18n/capacity/zh.json'),
    ru: () => import('./i18n/capacity/ru.json'),
    es: () => import('./i18n/capacity/es.json'),
  },
};

// Intl locales: Chinese is written in simplified characters.
const INTL_LOCALE = { en: 'en-GB', fr: 'fr-FR', ar: 'ar', zh: 'zh-Hans-CN', ru: 'ru-RU', es: 'es' };

let lang = 'en';
const tables = { en: { ...enCore } }; // language → every message loaded so far
const parts = new Map([['en/core', Promise.resolve()]]); // 'fr/registers' → its loading
const compiled = new Map(); // `${lang}\u0000${id}` → parsed message (or null: does not parse)
const reported = new Set();

function reportOnce(key, text) {
  if (reported.has(key)) return;
  reported.add(key);
  console.warn(`i18n: ${text}`);
}

// The language in use ('fr') and its direction.
export function language() {
  return lang;
}

export function direction() {
  const l = LANGUAGES.find((x) => x.code === lang);
  return l ? l.dir : 'ltr';
}

export function intlLocale() {
  return INTL_LOCALE[lang] || 'en-GB';
}

// The supported language that best matches a list of BCP 47 tags (navigator.languages):
// 'fr-CA' → 'fr', 'zh-TW' → 'zh'; English when none does.
export function matchLanguage(tags) {
  for (const tag of tags || []) {
    const base = String(tag).toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.some((l) => l.code === base)) return base;
  }
  return 'en';
}

// Fetches one part of one language's catalog once; a part that cannot be fetched is reported
// once and leaves that language's words to English (a later call tries again).
function loadPart(code, part) {
  const key = `${code}/${part}`;
  if (!parts.has(key)) {
    const p = LOADERS[part][code]().then(
      (mod) => {
        tables[code] = Object.assign(tables[code] || {}, mod.default || mod);
      },
      () => {
        parts.delete(key);
        reportOnce(`load:${key}`, `the ${key} catalog could not be loaded; English is shown`);
      },
    );
    parts.set(key, p);
  }
  return parts.get(key);
}

// The words of the pages that are scripts of their own, in the language in use and in English
// (their fallback): main.js fetches them beside a page's script. `extra` names the further
// parts the page needs (['coordination']), fetched the same way.
export function loadRegisterMessages(extra = []) {
  const wanted = [];
  for (const part of ['registers', ...extra]) {
    wanted.push(loadPart('en', part));
    if (lang !== 'en') wanted.push(loadPart(lang, part));
  }
  return Promise.all(wanted);
}

// Switches the app to `code`: fetches its core words, then sets <html lang dir>. An unknown
// code leaves English.
export async function setLanguage(code) {
  const next = LANGUAGES.some((l) => l.code === code) ? code : 'en';
  if (next !== 'en') await loadPart(next, 'core');
  lang = tables[next] ? next : 'en';
  numberFormats.clear();
  dateFormats.clear();
  document.documentElement.lang = lang;
  document.documentElement.dir = direction();
  return lang;
}

// ---- messages ----

// t('incident.saved') → the message; t('queue.count', { n: 3 }) with parameters.
export function t(id, params) {
  const own = render(lang, id, params);
  if (own !== null) return own;
  if (lang !== 'en') {
    const fallback = render('en', id, params);
    if (fallback !== null) return fallback;
  }
  // Not even English has it: the catalog check in make test stops this from shipping.
  reportOnce(`missing:${id}`, `no message ${id}`);
  return '…';
}

// Whether the current language (or English) has a message for `id`: for codes whose words
// may or may not exist (a vocabulary the server extended).
export function has(id) {
  return hasOwn(tables[lang] || {}, id) || hasOwn(tables.en, id);
}

function hasOwn(table, id) {
  return Object.prototype.hasOwnProperty.call(table, id);
}

function render(code, id, params) {
  const table = tables[code] || {};
  if (!hasOwn(table, id) || id.startsWith('@@')) {
    if (code !== 'en') reportOnce(`untranslated:${code}:${id}`, `${id} is not in ${code}`);
    return null;
  }
  const key = `${code}\u0000${id}`;
  let parts = compiled.get(key);
  if (parts === undefined) {
    try {
      parts = parseMessage(table[id]);
    } catch (e) {
      reportOnce(`parse:${key}`, `${code} ${id}: ${e.message}`);
      parts = null;
    }
    compiled.set(key, parts);
  }
  if (!parts) return null;
  try {
    return format(parts, params || {}, INTL_LOCALE[code] || 'en-GB', null);
  } catch (e) {
    reportOnce(`format:${key}`, `${code} ${id}: ${e.message}`);
    return null;
  }
}

// Parses an ICU message into parts: strings, {arg}, {arg, plural|select, {cases}}, and '#'.
// Throws on a syntax error, naming what and where.
export function parseMessage(text) {
  let i = 0;
  function parts(inPlural, depth) {
    const out = [];
    let s = '';
    while (i < text.length) {
      const c = text[i];
      if (c === "'") {
        const n = text[i + 1];
        if (n === "'") {
          s += "'";
          i += 2;
        } else if (n === '{' || n === '}' || (n === '#' && inPlural)) {
          const end = text.indexOf("'", i + 1);
          if (end < 0) throw new Error(`unterminated quote at ${i}`);
          s += text.slice(i + 1, end);
          i = end + 1;
        } else {
          s += c;
          i++;
        }
      } else if (c === '{') {
        if (s) out.push(s);
        s = '';
        out.push(argument(depth));
      } else if (c === '}') {
        if (depth === 0) throw new Error(`unmatched } at ${i}`);
        break;
      } else if (c === '#' && inPlural) {
        if (s) out.push(s);
        s = '';
        out.push({ hash: true });
        i++;
      } else {
        s += c;
        i++;
      }
    }
    if (s) out.push(s);
    return out;
  }
  function word() {
    const m = /^\s*([^\s,{}]+)\s*/.exec(text.slice(i));
    if (!m) throw new Error(`a name is expected at ${i}`);
    i += m[0].length;
    return m[1];
  }
  function argument(depth) {
    const at = i;
    i++; // '{'
    const name = word();
    if (text[i] === '}') {
      i++;
      return { arg: name };
    }
    if (text[i] !== ',') throw new Error(`"," or "}" expected after {${name} at ${i}`);
    i++;
    const type = word();
    if (type !== 'plural' && type !== 'select')
      throw new Error(`unknown type ${type} at ${at} (plural and select are known)`);
    if (text[i] !== ',') throw new Error(`"," expected after ${type} at ${i}`);
    i++;
    const cases = {};
    for (;;) {
      while (/\s/.test(text[i] || '')) i++;
      if (text[i] === '}') {
        i++;
        break;
      }
      if (i >= text.length) throw new Error(`unterminated {${name}, ${type}} from ${at}`);
      const key = word();
      if (text[i] !== '{') throw new Error(`"{" expected after case ${key} at ${i}`);
      i++;
      cases[key] = parts(type === 'plural', depth + 1);
      if (text[i] !== '}') throw new Error(`unterminated case ${key} of {${name}} from ${at}`);
      i++;
    }
    if (!cases.other) throw new Error(`{${name}, ${type}} has no "other" case`);
    return { arg: name, type, cases };
  }
  const out = parts(false, 0);
  if (i < text.length) throw new Error(`unmatched } at ${i}`);
  return out;
}

// The parameters a parsed message uses (for the catalog check).
export function messageParams(parts, into) {
  const set = into || new Set();
  for (const p of parts) {
    if (typeof p === 'string' || p.hash) continue;
    set.add(p.arg);
    if (p.cases) for (const c of Object.values(p.cases)) messageParams(c, set);
  }
  return set;
}

const pluralRules = new Map();
function pluralCategory(locale, n) {
  if (!pluralRules.has(locale)) pluralRules.set(locale, new Intl.PluralRules(locale));
  return pluralRules.get(locale).select(n);
}

function format(parts, params, locale, count) {
  let s = '';
  for (const p of parts) {
    if (typeof p === 'string') s += p;
    else if (p.hash) s += numberIn(locale, count);
    else {
      if (!Object.prototype.hasOwnProperty.call(params, p.arg))
        throw new Error(`parameter ${p.arg} is missing`);
      const v = params[p.arg];
      if (!p.type) s += typeof v === 'number' ? numberIn(locale, v) : String(v);
      else if (p.type === 'plural') {
        const n = Number(v);
        const c = p.cases[`=${n}`] || p.cases[pluralCategory(locale, n)] || p.cases.other;
        s += format(c, params, locale, n);
      } else s += format(p.cases[String(v)] || p.cases.other, params, locale, count);
    }
  }
  return s;
}

// ---- numbers, dates ----

const numberFormats = new Map();
function numberIn(locale, n, options) {
  const key = `${locale}|${options ? JSON.stringify(options) : ''}`;
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(locale, options));
  return numberFormats.get(key).format(n);
}

// 1234.5 → "1 234,5" in French.
export function num(n, options) {
  return numberIn(intlLocale(), n, options);
}

// 0.254 → "25 %" in French; `digits` after the point (0 by default).
export function pct(fraction, digits) {
  return numberIn(intlLocale(), fraction, {
    style: 'percent',
    maximumFractionDigits: digits || 0,
    minimumFractionDigits: digits || 0,
  });
}

// How a day and a timestamp are written (Intl.DateTimeFormat options, always in UTC): "27 avr.
// 2026" and "27 avr. 2026, 09:30". Exported for the browser tests, which compute the text they
// expect with them.
export const DATE_FORMAT = { day: 'numeric', month: 'short', year: 'numeric' };
export const DATE_TIME_FORMAT = {
  ...DATE_FORMAT,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

const dateFormats = new Map();
function dateFormat(options) {
  const key = JSON.stringify(options);
  if (!dateFormats.has(key))
    dateFormats.set(key, new Intl.DateTimeFormat(intlLocale(), { timeZone: 'UTC', ...options }));
  return dateFormats.get(key);
}

// A date alone ("2026-04-27", or the date of a timestamp) in the reader's form, read as a UTC
// calendar day: "27 avr. 2026". Text that is not a date comes back as it is; empty → "—".
export function date(text, options) {
  if (!text) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return text;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return dateFormat(options || DATE_FORMAT).format(d);
}

// A timestamp in UTC, said so: "27 avr. 2026, 09:30 UTC". A time without an offset is shown
// as written, without the "UTC".
export function dateTime(text) {
  if (!text) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text);
  if (!m) return date(text);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
  const shown = dateFormat(DATE_TIME_FORMAT).format(d);
  return /Z$|\+00:?00$/.test(text) ? t('common.time_utc', { time: shown }) : shown;
}

// The reader's time zone (an IANA name): the one they chose in their profile (the session's
// user.time_zone, set by setReaderZone), else the browser's. Instants are stored in UTC; the
// zone only says how they are shown (docs/i18n.md "Time zones").
let chosenZone = '';
export function setReaderZone(zone) {
  chosenZone = typeof zone === 'string' ? zone : '';
}
export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
export function readerZone() {
  return chosenZone || browserZone();
}

// An RFC 3339 instant shown in `zone` (an IANA name; missing: the reader's), with the zone's
// short name: "10 Dec 2026, 18:00 EST". Text that is not an instant comes back as it is; a
// zone the browser does not know falls back to UTC, said so. Empty → "—".
const zoneFormats = new Map();
export function instant(text, zone) {
  if (!text) return '—';
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(ms)) return text;
  let tz = zone || readerZone();
  const key = `${intlLocale()}\u0000${tz}`;
  if (!zoneFormats.has(key)) {
    let f;
    try {
      f = new Intl.DateTimeFormat(intlLocale(), {
        ...DATE_TIME_FORMAT,
        timeZone: tz,
        timeZoneName: 'short',
      });
    } catch (e) {
      tz = 'UTC';
      f = new Intl.DateTimeFormat(intlLocale(), {
        ...DATE_TIME_FORMAT,
        timeZone: 'UTC',
        timeZoneName: 'short',
      });
    }
    zoneFormats.set(key, f);
  }
  return zoneFormats.get(key).format(new Date(ms));
}

// A duration in milliseconds as a short countdown: "2 d 4 h", "3 h 12 min", "5 min", "45 s"
// (the two largest units that matter; nothing below zero).
export function countdown(ms) {
  const total = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
  const d = Math.floor(total / 86400);
  const hrs = Math.floor((total % 86400) / 3600);
  const min = Math.floor((total % 3600) / 60);
  if (d > 0) return t('common.countdown_days', { days: num(d), hours: num(hrs) });
  if (hrs > 0) return t('common.countdown_hours', { hours: num(hrs), minutes: num(min) });
  if (min > 0) return t('common.countdown_minutes', { minutes: num(min) });
  return t('common.countdown_seconds', { seconds: num(total) });
}

// A year ("2026") or a month of a year ("avril 2026") in the reader's form.
export function month(year, monthIndex) {
  return dateFormat({ month: 'long', year: 'numeric' }).format(
    new Date(Date.UTC(year, monthIndex, 1)),
  );
}

// Text that must read left to right inside a right-to-left page (coordinates, codes, ids):
// the caller wraps it in <bdi dir="ltr"> or a span with class "ltr".
export const LTR = { dir: 'ltr' };
