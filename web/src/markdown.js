// A small Markdown reader for the app's own documents (the user guide, docs/guide.md, bundled
// as text): headings, paragraphs, lists, `code`, **strong** and [links](#/page). It builds DOM
// nodes with h(), never HTML, so no text of a document can become markup; a link that is not
// the app's own (#/…) or https:// is shown as its words only. Not a general Markdown parser:
// the guide is written within this subset (tests/web/markdown.test.mjs).
import { h } from './dom.js';

const SAFE_LINK = /^(#\/|https:\/\/)/;

// Inline spans of one line of text → an array of strings and elements.
export function inline(text) {
  const out = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(h('code', null, m[1]));
    else if (m[2] !== undefined) out.push(h('strong', null, m[2]));
    else if (SAFE_LINK.test(m[4])) out.push(h('a', { href: m[4] }, m[3]));
    else out.push(m[3]);
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

// The whole document → an array of block elements. Headings get ids from their words, so a
// link #/help?at=ID can point into the guide.
export function blocks(source) {
  const out = [];
  let para = [];
  let list = null; // { ordered, el, item: [lines of the open item] }
  const flushItem = () => {
    if (list && list.item) list.el.append(h('li', null, inline(list.item.join(' '))));
    if (list) list.item = null;
  };
  const flush = () => {
    flushItem();
    if (para.length) out.push(h('p', null, inline(para.join(' '))));
    para = [];
  };
  for (const raw of source.split('\n')) {
    const line = raw.trimEnd();
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      list = null;
      const level = Math.min(4, heading[1].length + 1); // the page's own h1 comes first
      const id = heading[2]
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, '-')
        .replace(/^-|-$/g, '');
      out.push(h(`h${level}`, { id }, inline(heading[2])));
    } else if (item) {
      flush();
      const ordered = /^\s*\d+\./.test(line);
      if (!list || list.ordered !== ordered) {
        list = { ordered, el: h(ordered ? 'ol' : 'ul', null), item: null };
        out.push(list.el);
      }
      list.item = [item[1]];
    } else if (line === '') {
      flush();
      list = null;
    } else if (list && list.item && /^\s+/.test(raw)) {
      // A list item's continuation line: spans may cross it (**My\n reports**).
      list.item.push(line.trim());
    } else {
      flushItem();
      list = null;
      para.push(line);
    }
  }
  flush();
  return out;
}
