// The member directory: every organization with its kind, standing in the group and
// contributor roles, filtered by kind and by a search on code and name (in the browser: the
// list is fetched once).
import { byKindThenName, getOrgs } from '../data.js';
import { fill, h, newId } from '../dom.js';
import { t } from '../i18n.js';
import { KINDS } from '../labels.js';
import { errorNote, loading, orgHeaders, orgRows, pageHeader, table } from '../ui.js';

export function renderDirectory(view) {
  view.append(pageHeader(t('directory.title'), t('directory.intro')));
  const body = h('div', null, loading(t('directory.loading')));
  view.append(body);
  getOrgs().then(
    (orgs) => show(body, orgs.slice().sort(byKindThenName)),
    (err) => fill(body, errorNote(err)),
  );
}

function show(body, orgs) {
  const kindId = newId('kind');
  const searchId = newId('search');
  const counts = {};
  for (const o of orgs) counts[o.kind] = (counts[o.kind] || 0) + 1;
  const kind = h(
    'select',
    { id: kindId, name: 'kind' },
    h('option', { value: '' }, t('directory.all_kinds', { n: orgs.length })),
    Object.keys(KINDS).map((k) =>
      h('option', { value: k }, t('directory.kind_option', { kind: KINDS[k], n: counts[k] || 0 })),
    ),
  );
  const search = h('input', {
    id: searchId,
    type: 'search',
    name: 'q',
    placeholder: t('directory.search_placeholder'),
    autocomplete: 'off',
  });
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const results = h('div', null);

  function update() {
    const q = search.value.trim().toLowerCase();
    const shown = orgs.filter(
      (o) =>
        (!kind.value || o.kind === kind.value) &&
        (!q || o.code.toLowerCase().includes(q) || o.name.toLowerCase().includes(q)),
    );
    count.textContent = t('directory.count', { shown: shown.length, total: orgs.length });
    fill(
      results,
      table(t('directory.caption'), orgHeaders(), orgRows(shown), t('directory.no_match')),
    );
  }
  kind.addEventListener('change', update);
  search.addEventListener('input', update);
  fill(
    body,
    h(
      'div',
      { class: 'filters', role: 'search' },
      h('div', { class: 'filter' }, h('label', { for: kindId }, t('directory.kind')), kind),
      h('div', { class: 'filter' }, h('label', { for: searchId }, t('directory.search')), search),
      count,
    ),
    results,
  );
  update();
}
