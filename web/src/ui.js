// Pieces every page uses: headings, tables, loading and error notes, the organization table.
import { h } from './dom.js';
import { sentence } from './forms.js';
import { KINDS, label, ORG_ROLES, STANDINGS } from './labels.js';

export function pageHeader(title, intro) {
  return h(
    'div',
    { class: 'page-head' },
    h('h1', { tabindex: '-1' }, title),
    intro ? h('p', { class: 'lead' }, intro) : null,
  );
}

export function loading(what) {
  return h('p', { class: 'loading', role: 'status' }, `Loading ${what}…`);
}

export function errorNote(err) {
  return h(
    'p',
    { class: 'alert alert-error', role: 'alert' },
    sentence(err.detail || err.message || String(err)),
  );
}

// table('Organizations', ['Code', 'Name'], [[cell, cell], ...]); a row may be {cells, class}.
export function table(caption, headers, rows, emptyText) {
  if (!rows.length) return h('p', { class: 'empty' }, emptyText || 'Nothing here yet.');
  return h(
    'div',
    { class: 'table-wrap' },
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
          headers.map((t) => h('th', { scope: 'col' }, t)),
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
    return h('span', { class: 'muted', title: 'Not in the group' }, '—');
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
    h('span', { class: 'code' }, o.code),
    o.name,
    label(KINDS, o.kind),
    standingBadge(o.standing),
    orgRoleTags(o.roles),
    o.joined ? h('span', { class: 'nowrap' }, o.joined) : '—',
  ]);
}

export const ORG_HEADERS = ['Code', 'Name', 'Kind', 'Standing', 'Contributor roles', 'Joined'];
