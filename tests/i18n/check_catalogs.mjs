// The browser app's catalogs, checked against the code (CTest: i18n/catalogs; docs/i18n.md).
// Fails, naming file and line or language and id, on:
//   - a message id the code uses that English lacks, or one any other language lacks (all six
//     are complete);
//   - an id in a catalog that no code uses (unused ids rot: translators translate them forever);
//   - a message that does not parse (web/src/i18n.js's own parser), or a translation that uses a
//     parameter its English does not have;
//   - a string with letters that the code hands to the page without the catalog: a text child
//     of h(), a title/aria-label/placeholder/alt attribute, textContent, document.title, or an
//     argument of the helpers that show text (loading, pageHeader, errorNote, field, ...). A line
//     that must show a fixed word (the brand, a language's own name) says `// i18n-exempt: why`.
//   - a message in the wrong part: a catalog is web/src/i18n/core/<lang>.json (the words of
//     the code app.js holds: main.js and what it imports statically),
//     web/src/i18n/coordination/<lang>.json (the words used only by the coordination pages,
//     COORDINATION_PAGES below) and web/src/i18n/registers/<lang>.json (the words of the other
//     pages fetched as scripts of their own); `--fix-parts` moves each message where it
//     belongs, in every language, its "@@machine_assisted" mark with it;
//   - a "@@machine_assisted" list naming an id that does not exist, or one its own file does
//     not hold (each part's list names that part's ids);
//   - a note in web/src/i18n/notes.json (for translators) about an id that does not exist.
// Usage: node tests/i18n/check_catalogs.mjs [--fix-parts] [SOURCE_DIR]
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'acorn';
import { simple as walk } from 'acorn-walk';
import { appI18n } from './app_i18n.mjs';

const args = process.argv.slice(2);
const fixParts = args.includes('--fix-parts');
const root = path.resolve(
  args.find((a) => !a.startsWith('--')) ||
    path.join(path.dirname(new URL(import.meta.url).pathname), '../..'),
);
const web = path.join(root, 'web/src');
const LANGS = ['en', 'fr', 'ar', 'zh', 'ru', 'es'];

const { parseMessage, messageParams } = await appI18n(root);

const problems = [];
const fail = (where, text) => problems.push(`${where}: ${text}`);

function jsFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(p));
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out.sort();
}

// ---- what the code uses, and what it shows without the catalog ----
const used = new Map(); // id → first place
const prefixes = new Map(); // 'incident.status.' → first place
const usedBy = new Map(); // id or prefix → Set of files using it
const staticImports = new Map(); // file → files it imports statically
const useIn = (key, file) => {
  if (!usedBy.has(key)) usedBy.set(key, new Set());
  usedBy.get(key).add(file);
};
const LETTERS = /\p{L}/u;
// Functions of the app that put string arguments on the page, with the positions of those
// arguments (an array argument is checked item by item: table headers).
const SHOWS_TEXT = {
  loading: [0],
  pageHeader: [0, 1],
  field: [0, 2],
  fieldset: [0, 3],
  showAlert: [1],
  table: [0, 1, 3],
  confirm: [0],
  alert: [0],
  prompt: [0],
};
const TEXT_ATTRS = new Set([
  'title',
  'aria-label',
  'placeholder',
  'alt',
  'aria-description',
  'label',
]);
const TEXT_PROPS = new Set([
  'textContent',
  'innerText',
  'title',
  'placeholder',
  'ariaLabel',
  'innerHTML',
]);

function literalText(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked).join('');
  return null;
}

for (const file of jsFiles(web)) {
  const rel = path.relative(root, file);
  const src = fs.readFileSync(file, 'utf8');
  const lines = src.split('\n');
  const exempt = (node) =>
    /i18n-exempt/.test(lines[node.loc.start.line - 1] || '') ||
    /i18n-exempt/.test(lines[node.loc.start.line - 2] || '');
  let ast;
  try {
    ast = parse(src, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  } catch (e) {
    fail(rel, `does not parse: ${e.message}`);
    continue;
  }
  const at = (node) => `${rel}:${node.loc.start.line}`;
  staticImports.set(
    file,
    ast.body
      .filter((n) => n.type === 'ImportDeclaration' && n.source.value.endsWith('.js'))
      .map((n) => path.resolve(path.dirname(file), n.source.value)),
  );
  const shown = (node, what) => {
    const text = literalText(node);
    if (text !== null && LETTERS.test(text) && !exempt(node))
      fail(at(node), `${what} shows ${JSON.stringify(text.slice(0, 60))} without the catalog`);
  };
  walk(ast, {
    CallExpression(node) {
      const c = node.callee;
      const name =
        c.type === 'Identifier'
          ? c.name
          : c.type === 'MemberExpression' && !c.computed
            ? c.property.name
            : '';
      if (name === 't' && c.type === 'Identifier') {
        const a = node.arguments[0];
        if (a && a.type === 'Literal' && typeof a.value === 'string') {
          if (!used.has(a.value)) used.set(a.value, at(node));
          useIn(a.value, file);
        } else if (a && a.type === 'TemplateLiteral' && /\.$/.test(a.quasis[0].value.cooked)) {
          prefixes.set(a.quasis[0].value.cooked, at(node));
          useIn(a.quasis[0].value.cooked, file);
        } else if (!exempt(node)) {
          fail(
            at(node),
            't() needs a literal id, or a template literal whose fixed start ends with "."',
          );
        }
        return;
      }
      if (name === 'h' && c.type === 'Identifier') {
        const attrs = node.arguments[1];
        if (attrs && attrs.type === 'ObjectExpression')
          for (const p of attrs.properties) {
            const key = p.key && (p.key.name || p.key.value);
            if (TEXT_ATTRS.has(key)) shown(p.value, `attribute ${key}`);
          }
        for (const child of node.arguments.slice(2)) shown(child, 'h()');
        return;
      }
      if (name === 'setAttribute' && TEXT_ATTRS.has(literalText(node.arguments[0])))
        shown(node.arguments[1], `setAttribute(${literalText(node.arguments[0])})`);
      for (const i of Object.hasOwn(SHOWS_TEXT, name) ? SHOWS_TEXT[name] : []) {
        const a = node.arguments[i];
        if (a && a.type === 'ArrayExpression') for (const e of a.elements) shown(e, `${name}()`);
        else shown(a, `${name}()`);
      }
      if (name === 'createTextNode' || name === 'append' || name === 'prepend')
        for (const a of node.arguments) shown(a, `${name}()`);
    },
    AssignmentExpression(node) {
      const l = node.left;
      if (l.type === 'MemberExpression' && !l.computed && TEXT_PROPS.has(l.property.name))
        shown(node.right, `.${l.property.name} =`);
    },
    Property(node) {
      // Objects handed to errorNote({ message }) and the like.
      const key = node.key && (node.key.name || node.key.value);
      if (key === 'message' || key === 'detail') shown(node.value, `${key}:`);
    },
  });
}

// ---- the catalogs ----
// The code app.js holds: main.js and every module it imports statically, transitively.
const core = new Set();
(function visit(file) {
  if (core.has(file)) return;
  core.add(file);
  for (const f of staticImports.get(file) || []) visit(f);
})(path.join(web, 'main.js'));
// The coordination pages (issue 15), whose words are a part of their own, fetched only when
// one of them opens (main.js passes ['coordination'] to lazy()): the registers' part had
// grown past its budget (tests/api/test_assets.c) and a part past it is split, not enlarged.
const COORDINATION_PAGES = new Set(
  ['meetings', 'proposals', 'commitments', 'actions', 'coordination'].map((p) =>
    path.join(web, 'pages', `${p}.js`),
  ),
);
// The library's pages (issue 16), a part of their own for the same reason.
const LIBRARY_PAGES = new Set(
  ['library', 'document', 'library_edit', 'library_review'].map((p) =>
    path.join(web, 'pages', `${p}.js`),
  ),
);
// Capacity building's pages (issue 17), a part of their own for the same reason.
const CAPACITY_PAGES = new Set(
  [
    'capacity_common',
    'capacity_needs',
    'capacity_offers',
    'capacity_matches',
    'capacity_training',
    'capacity_gaps',
  ].map((p) => path.join(web, 'pages', `${p}.js`)),
);
// The part a message belongs in: core when any core module uses it (by id or by prefix);
// else coordination (library) when every file that uses it is a coordination (library) page;
// else registers.
function partOf(id) {
  const users = [...(usedBy.get(id) || [])];
  for (const [prefix, files] of usedBy)
    if (prefix.endsWith('.') && id.startsWith(prefix)) users.push(...files);
  if (users.some((f) => core.has(f))) return 'core';
  if (users.length && users.every((f) => COORDINATION_PAGES.has(f))) return 'coordination';
  if (users.length && users.every((f) => LIBRARY_PAGES.has(f))) return 'library';
  if (users.length && users.every((f) => CAPACITY_PAGES.has(f))) return 'capacity';
  return 'registers';
}

const PARTS = ['core', 'registers', 'coordination', 'library', 'capacity'];
const catalogs = {}; // lang → every message of every part
const placed = {}; // lang → part → catalog as read
for (const lang of LANGS) {
  catalogs[lang] = {};
  placed[lang] = {};
  for (const part of PARTS) {
    const file = path.join(web, 'i18n', part, `${lang}.json`);
    let cat = {};
    try {
      cat = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      fail(path.relative(root, file), `is not a JSON catalog: ${e.message}`);
    }
    placed[lang][part] = cat;
    for (const [k, v] of Object.entries(cat)) {
      if (k === '@@machine_assisted') {
        catalogs[lang][k] = (catalogs[lang][k] || []).concat(v);
        continue;
      }
      if (k in catalogs[lang]) fail(path.relative(root, file), `${k} is in two parts`);
      catalogs[lang][k] = v;
    }
  }
}
const ids = (cat) => Object.keys(cat).filter((k) => !k.startsWith('@'));
const en = catalogs.en;
const catalogFile = (lang, id) =>
  `web/src/i18n/${PARTS.find((p) => id in placed[lang][p]) || 'core'}/${lang}.json`;

if (fixParts) {
  // Rewrites every catalog with each message in its part, keeping each part's order.
  for (const lang of LANGS) {
    const cat = catalogs[lang];
    const machine = new Set(cat['@@machine_assisted'] || []);
    for (const part of PARTS) {
      const out = {};
      const mine = ids(cat).filter((id) => partOf(id) === part);
      const inMine = mine.filter((id) => machine.has(id));
      if (lang !== 'en' && inMine.length) out['@@machine_assisted'] = inMine;
      for (const id of mine) out[id] = cat[id];
      fs.writeFileSync(
        path.join(web, 'i18n', part, `${lang}.json`),
        `${JSON.stringify(out, null, 2)}\n`,
      );
    }
  }
  console.log('catalogs: every message moved to its part; run the check again');
  process.exit(0);
}

for (const lang of LANGS)
  for (const part of PARTS) {
    for (const id of ids(placed[lang][part]))
      if (isUsedAtAll(id) && partOf(id) !== part)
        fail(
          `web/src/i18n/${part}/${lang}.json`,
          `${id} belongs in ${partOf(id)}/${lang}.json (run with --fix-parts)`,
        );
    const machine = placed[lang][part]['@@machine_assisted'];
    if (Array.isArray(machine))
      for (const id of machine)
        if (id in catalogs.en && !(id in placed[lang][part]))
          fail(
            `web/src/i18n/${part}/${lang}.json`,
            `@@machine_assisted names ${id}, which is in another part (run with --fix-parts)`,
          );
  }
function isUsedAtAll(id) {
  return used.has(id) || [...prefixes.keys()].some((p) => id.startsWith(p));
}

for (const [id, where] of used)
  if (!(id in en))
    fail(where, `message ${id} is not in English (web/src/i18n/${partOf(id)}/en.json)`);
for (const [prefix, where] of prefixes)
  if (!ids(en).some((k) => k.startsWith(prefix))) fail(where, `no message starts with ${prefix}`);
const isUsed = isUsedAtAll;

try {
  const notes = JSON.parse(fs.readFileSync(path.join(web, 'i18n', 'notes.json'), 'utf8'));
  for (const id of Object.keys(notes))
    if (!(id in en)) fail('web/src/i18n/notes.json', `a note about ${id}, which does not exist`);
} catch (e) {
  fail('web/src/i18n/notes.json', `is not JSON: ${e.message}`);
}

const params = {};
for (const lang of LANGS) {
  const cat = catalogs[lang];
  for (const id of ids(cat)) {
    let parts;
    try {
      parts = parseMessage(cat[id]);
    } catch (e) {
      fail(catalogFile(lang, id), `${id} does not parse: ${e.message}`);
      continue;
    }
    const p = messageParams(parts);
    if (lang === 'en') params[id] = p;
    else if (params[id])
      for (const name of p)
        if (!params[id].has(name))
          fail(catalogFile(lang, id), `${id} uses {${name}}, which English does not have`);
    if (lang === 'en' && !isUsed(id)) fail(catalogFile('en', id), `${id} is used by no code`);
    if (lang !== 'en' && !(id in en))
      fail(catalogFile(lang, id), `${id} is not in English (unused)`);
    if (typeof cat[id] !== 'string' || !cat[id].trim())
      fail(catalogFile(lang, id), `${id} is empty`);
  }
  if (lang !== 'en') {
    for (const id of ids(en))
      if (!(id in cat)) fail(`web/src/i18n/${partOf(id)}/${lang}.json`, `${id} is missing`);
    const machine = cat['@@machine_assisted'];
    if (machine !== undefined && !Array.isArray(machine))
      fail(`web/src/i18n/*/${lang}.json`, '@@machine_assisted must be a list of ids');
    for (const id of machine || [])
      if (!(id in en))
        fail(`web/src/i18n/*/${lang}.json`, `@@machine_assisted names ${id}, which does not exist`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(
    `\n${problems.length} problem(s) with the browser app's catalogs (docs/i18n.md says how to fix them).`,
  );
  // Not process.exit(): it may cut the report short when stderr is a pipe.
  process.exitCode = 1;
} else {
  console.log(
    `catalogs: ${ids(en).length} messages in ${LANGS.length} languages, ${used.size} ids and ${prefixes.size} prefixes used by the code`,
  );
}
