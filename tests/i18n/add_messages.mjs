// scripts/add-messages' worker: merges {"en": {...}, "fr": {...}, ...} into the catalogs and
// moves each message to its part with check_catalogs.mjs --fix-parts. A new message is added
// to the registers part first, one already in a part (core, registers, coordination, library, capacity) is
// replaced where it is (a copy elsewhere would be two messages with one id); --fix-parts then
// moves it, with its "@@machine_assisted" mark, where the code that uses it lives.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const LANGS = ['en', 'fr', 'ar', 'zh', 'ru', 'es'];
const PARTS = ['core', 'registers', 'coordination', 'library', 'capacity'];
const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const machine = input.machine_assisted !== false;
const missing = [];
for (const id of Object.keys(input.en || {}))
  for (const lang of LANGS) if (!input[lang] || !(id in input[lang])) missing.push(`${lang}:${id}`);
if (missing.length) {
  console.error(`add-messages: missing translations: ${missing.join(', ')}`);
  process.exit(1);
}
for (const lang of LANGS) {
  const files = {};
  const cats = {};
  for (const part of PARTS) {
    files[part] = path.join(root, 'web/src/i18n', part, `${lang}.json`);
    cats[part] = fs.existsSync(files[part]) ? JSON.parse(fs.readFileSync(files[part], 'utf8')) : {};
  }
  for (const [id, msg] of Object.entries(input[lang] || {})) {
    const cat = cats[PARTS.find((p) => id in cats[p]) || 'registers'];
    cat[id] = msg;
    if (lang !== 'en' && machine) {
      const list = cat['@@machine_assisted'] || (cat['@@machine_assisted'] = []);
      if (!list.includes(id)) list.push(id);
    }
  }
  for (const part of PARTS)
    if (fs.existsSync(files[part]) || Object.keys(cats[part]).length)
      fs.writeFileSync(files[part], `${JSON.stringify(cats[part], null, 2)}\n`);
}
execFileSync('node', [path.join(root, 'tests/i18n/check_catalogs.mjs'), '--fix-parts'], {
  stdio: 'inherit',
});
console.log(`add-messages: ${Object.keys(input.en || {}).length} messages added`);
