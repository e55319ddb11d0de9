// web/src/i18n.js at run time (CTest: i18n/runtime), on catalogs made for the test: a message
// that does not parse, lacks a parameter or is missing falls back to English and is reported
// once; an id no catalog has never shows as the id; plurals follow each language's rules;
// numbers and dates follow the locale and stay in UTC; a page fetches the catalog parts it
// names (registers, and coordination for the coordination pages).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { appI18n } from './app_i18n.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const EN = {
  'x.title': 'Reports',
  'x.count': '{n, plural, one {# report} other {# reports}}',
  'x.greet': 'Hello {name}',
  'x.broken': 'Broken {n, plural, one {x}',
  'x.only_en': 'Only in English',
  'common.time_utc': '{time} UTC',
};
const FR = {
  'x.title': 'Rapports',
  'x.count': '{n, plural, one {# rapport} other {# rapports}}',
  'x.greet': 'Bonjour {nom}', // a parameter English does not pass
  'x.broken': 'Cassé {n, plural, one {x}', // does not parse
};
const AR = {
  'x.count':
    '{n, plural, zero {لا تقارير} one {تقرير واحد} two {تقريران} few {# تقارير} many {# تقريرا} other {# تقرير}}',
};

// A fresh module on these catalogs, with console.warn recorded.
async function withCatalogs() {
  const mod = await appI18n(root, { 'core/en': EN, 'core/fr': FR, 'core/ar': AR });
  return mod;
}

function recordWarnings() {
  const seen = [];
  const original = console.warn;
  console.warn = (text) => seen.push(String(text));
  return { seen, restore: () => (console.warn = original) };
}

test('i18n/runtime-fallback: a bad or missing message is shown in English, reported once', async () => {
  const i18n = await withCatalogs();
  assert.equal(await i18n.setLanguage('fr'), 'fr');
  assert.equal(globalThis.document.documentElement.lang, 'fr');
  assert.equal(i18n.t('x.title'), 'Rapports');
  const w = recordWarnings();
  const calls = () => [
    // Missing parameter (the French uses {nom}): the English, with the parameter it has.
    i18n.t('x.greet', { name: 'Awa' }),
    // Not in French: English.
    i18n.t('x.only_en'),
    // In no catalog at all: never the id, never empty.
    i18n.t('x.nowhere'),
    // Broken in both languages: nothing to show but the placeholder.
    i18n.t('x.broken', { n: 1 }),
  ];
  let first;
  let warned;
  try {
    first = calls();
    warned = w.seen.length;
    // Asked again (every page draws its words many times): the same text, nothing more said.
    assert.deepEqual(calls(), first);
    assert.equal(w.seen.length, warned, w.seen.join('\n'));
  } finally {
    w.restore();
  }
  assert.deepEqual(first, ['Hello Awa', 'Only in English', '…', '…']);
  for (const id of ['x.greet', 'x.only_en', 'x.nowhere', 'x.broken'])
    assert.ok(
      w.seen.some((text) => text.includes(id)),
      `nothing said about ${id}: ${w.seen.join('\n')}`,
    );
});

test('i18n/runtime-plurals: each language its own plural categories', async () => {
  const i18n = await withCatalogs();
  await i18n.setLanguage('en');
  assert.equal(i18n.t('x.count', { n: 1 }), '1 report');
  assert.equal(i18n.t('x.count', { n: 1234 }), '1,234 reports');
  await i18n.setLanguage('fr');
  assert.equal(i18n.t('x.count', { n: 0 }), '0 rapport'); // French: 0 is "one"
  assert.equal(i18n.t('x.count', { n: 2 }), '2 rapports');
  await i18n.setLanguage('ar');
  assert.equal(globalThis.document.documentElement.dir, 'rtl');
  assert.equal(i18n.t('x.count', { n: 0 }), 'لا تقارير');
  assert.equal(i18n.t('x.count', { n: 2 }), 'تقريران');
  const three = new Intl.NumberFormat('ar').format(3);
  assert.equal(i18n.t('x.count', { n: 3 }), `${three} تقارير`);
  // A language the app lacks leaves English.
  assert.equal(await i18n.setLanguage('de'), 'en');
  assert.equal(globalThis.document.documentElement.dir, 'ltr');
});

test('i18n/runtime-dates: Intl in the locale, UTC kept and said', async () => {
  const i18n = await withCatalogs();
  await i18n.setLanguage('fr');
  const day = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', ...i18n.DATE_FORMAT }).format(
    new Date(Date.UTC(2026, 3, 27)),
  );
  assert.equal(i18n.date('2026-04-27'), day);
  assert.match(day, /avr/);
  // 23:30 UTC stays the 27th whatever the machine's zone; the English "UTC" template is used
  // as the French catalog here has none.
  const shown = i18n.dateTime('2026-04-27T23:30:00Z');
  assert.match(shown, /27 avr\. 2026.*23:30 UTC$/);
  assert.equal(i18n.dateTime(''), '—');
  assert.equal(i18n.num(1234.5), new Intl.NumberFormat('fr-FR').format(1234.5));
  assert.equal(i18n.matchLanguage(['de-DE', 'fr-CA', 'en']), 'fr');
  assert.equal(i18n.matchLanguage(['zh-TW']), 'zh');
  assert.equal(i18n.matchLanguage(['pt-BR']), 'en');
});

test('i18n/runtime-parts: a page fetches the registers and the extra parts it names', async () => {
  const i18n = await appI18n(root, {
    'core/en': EN,
    'core/fr': FR,
    'registers/en': { 'r.word': 'Register' },
    'registers/fr': { 'r.word': 'Registre' },
    'coordination/en': { 'c.word': 'Meeting', 'c.only_en': 'Proposal' },
    'coordination/fr': { 'c.word': 'Réunion' },
  });
  assert.equal(await i18n.setLanguage('fr'), 'fr');
  const w = recordWarnings();
  try {
    // A register page: its words, not the coordination pages' (those are never fetched).
    await i18n.loadRegisterMessages();
    assert.equal(i18n.t('r.word'), 'Registre');
    assert.equal(i18n.t('c.word'), '…');
    // A coordination page: its part in French and in English (the fallback).
    await i18n.loadRegisterMessages(['coordination']);
  } finally {
    w.restore();
  }
  assert.equal(i18n.t('c.word'), 'Réunion');
  assert.equal(i18n.t('c.only_en'), 'Proposal');
});
