// The user guide (docs/guide.md, bundled as text by esbuild and read by markdown.js): roles,
// report → endorse → release, the map, downloads. A page of its own script, so the shell does
// not carry the guide. The guide is written in English; the page says so in the reader's
// language when that is another.
import { h } from '../dom.js';
import { language, t } from '../i18n.js';
import { blocks } from '../markdown.js';
import { pageHeader } from '../ui.js';
import guide from '../../../docs/guide.md';

export function renderHelp(view) {
  // The document's own title line is the page's heading, in the reader's language.
  const body = guide.replace(/^# .*\n/, '');
  view.append(
    pageHeader(t('help.title')),
    language() === 'en' ? null : h('p', { class: 'alert alert-info' }, t('help.english_only')),
    h('div', { class: 'guide', lang: 'en', dir: 'ltr' }, blocks(body)),
  );
}
