// web/src/i18n.js itself (parseMessage, messageParams, the date formats), loaded in node for the
// catalog check and the browser tests. It imports a JSON catalog, which node does not import
// without an assertion, so a copy without the catalogs' imports is loaded through a data: URL.
import fs from 'node:fs';
import path from 'node:path';

const loaded = new Map();

// `sourceDir` is the checkout (the folder holding web/).
export function appI18n(sourceDir) {
  if (!loaded.has(sourceDir)) {
    globalThis.document ||= { documentElement: {} };
    const src = fs
      .readFileSync(path.join(sourceDir, 'web', 'src', 'i18n.js'), 'utf8')
      .replace(/^import enCore from .*$/m, 'const enCore = {};')
      .replace(/import\('\.\/i18n\/[a-z]+\/[a-z]+\.json'\)/g, 'Promise.resolve({})');
    loaded.set(
      sourceDir,
      import(`data:text/javascript;base64,${Buffer.from(src).toString('base64')}`),
    );
  }
  return loaded.get(sourceDir);
}
