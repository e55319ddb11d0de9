// web/src/i18n.js itself (parseMessage, messageParams, the date formats), loaded in node for the
// catalog check and the browser tests. It imports a JSON catalog, which node does not import
// without an assertion, so a copy without the catalogs' imports is loaded through a data: URL.
import fs from 'node:fs';
import path from 'node:path';

const loaded = new Map();

// `sourceDir` is the checkout (the folder holding web/). `catalogs` (optional, for tests of the
// module itself) stands in for the catalog files: { 'core/en': {...}, 'registers/fr': {...} };
// a part it does not name is empty. Each distinct `catalogs` gets a fresh copy of the module.
export function appI18n(sourceDir, catalogs) {
  const key = catalogs ? `${sourceDir}\u0000${JSON.stringify(catalogs)}` : sourceDir;
  if (!loaded.has(key)) {
    globalThis.document ||= { documentElement: {} };
    const part = (name) => JSON.stringify((catalogs && catalogs[name]) || {});
    const src = fs
      .readFileSync(path.join(sourceDir, 'web', 'src', 'i18n.js'), 'utf8')
      .replace(/^import enCore from .*$/m, () => `const enCore = ${part('core/en')};`)
      .replace(
        /import\('\.\/i18n\/([a-z]+)\/([a-z]+)\.json'\)/g,
        (m, kind, lang) => `Promise.resolve({ default: ${part(`${kind}/${lang}`)} })`,
      );
    loaded.set(key, import(`data:text/javascript;base64,${Buffer.from(src).toString('base64')}`));
  }
  return loaded.get(key);
}
