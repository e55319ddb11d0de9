// Pieces every page uses: headings, tables, loading and error notes, the organization table,
// and elements placed inside a translated sentence (withElements).
import { h } from './dom.js';
import { sentence } from './forms.js';
import { date, t } from './i18n.js';
import { KINDS, label, ORG_ROLES, STANDINGS } from './labels.js';

export function pageHeader(title, intro) {
  return h(
    'div',
    { class: 'page-head' },
    h('h1', { tabindex: '-1' }, title),
    intro ? h('p', { class: 'lead' }, intro) : null,
  );
}

// A loading note; `text` is the whole message ("Loading the queue…"), not a piece of it.
export function loading(text) {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export function errorNote(err) {
  return h(
    'p',
    { class: 'alert alert-error', role: 'alert' },
    sentence(err.detail || err.message || String(err)),
  );
}

// A marker for an element inside a message: slot(0) given as a message's parameter ({link})
// marks where withElements() puts the element. The marker is made of control characters that
// no message or parameter contains.
export function slot(i) {
  return `\u0001${i}\u0001`;
}

// withElements(text with slot(0) in it, linkElement) → the children of a sentence with the
// element where the message puts it, so a translator moves the link (or a piece of code) where
// the language's grammar wants it. The element's own words are a message of their own: that
// split cannot be avoided.
export function withElements(text, ...elements) {
  return String(text)
    .split(/\u0001(\d+)\u0001/)
    .map((part, i) => (i % 2 ? elements[Number(part)] : part))
    .filter((part) => part !== '' && part !== undefined);
}

// table(caption, [header, ...], [[cell, cell], ...]); a row may be {cells, class}. The caption
// and headers are messages; `emptyText` too, else a general "Nothing here yet."
export function table(caption, headers, rows, emptyText) {
  if (!rows.length) return h('p', { class: 'empty' }, emptyText || t('ui.table_empty'));
  return h(
    'div',
    // A region that takes the focus, so a table wider than the screen scrolls by keyboard.
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) => {
          const cells = Array.isArray(r) ? r : r.cells;
          return h(
            'tr',
            { class: Array.isArray(r) ? null : r.class },
            cells.map((c) => h('td', null, c)),
          );
        }),
      ),
    ),
  );
}

export function standingBadge(code) {
  if (!code || code === 'none')
    return h('span', { class: 'muted', title: t('ui.not_in_group') }, '—');
  return h('span', { class: `badge standing-${code}` }, label(STANDINGS, code));
}

export function orgRoleTags(roles) {
  const list = roles || [];
  if (!list.length) return h('span', { class: 'muted' }, '—');
  // A code without words (the vocabulary did not arrive) is shown as it is.
  const words = (r) => ORG_ROLES[r] || [r, r];
  return h(
    'span',
    { class: 'tags' },
    list.map((r) => h('span', { class: 'tag', title: words(r)[1] }, words(r)[0])),
  );
}

export function orgRows(orgs) {
  return orgs.map((o) => [
    h('span', { class: 'code', dir: 'ltr' }, o.code),
    o.name,
    label(KINDS, o.kind),
    standingBadge(o.standing),
    orgRoleTags(o.roles),
    o.joined ? h('span', { class: 'nowrap' }, date(o.joined)) : '—',
  ]);
}

// The headers of orgRows(), in the language chosen when the table is drawn.
export function orgHeaders() {
  return [
    t('ui.org_code'),
    t('ui.org_name'),
    t('ui.org_kind'),
    t('ui.org_standing'),
    t('ui.org_roles'),
    t('ui.org_joined'),
  ];
}
