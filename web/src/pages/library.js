// The knowledge library's search (issue 16, #/library): a search box, the results as cards
// (title, kind, owner, year, marking, status, endorsements and the snippet with the words
// found marked), the facets with their counts as filters, "Show more" following the reply's
// "next", and a switch between published documents, those in review and the drafts of the
// reader's organization. The query and the filters are kept after "?" in the address, so a
// search can be shared and survives a reload. The snippet comes as segments
// [{text, hit}] and is built from text nodes and <mark> elements: never HTML. On a phone the
// facets fold into a <details> above the results.
import { api } from '../api.js';
import { append, clear, fill, h } from '../dom.js';
import { dateTime, num, t } from '../i18n.js';
import { getTaxonomy, query, tlpBadge, word } from '../incidents/common.js';
import { can } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

export const documentHref = (id) => `#/library/${encodeURIComponent(id)}`;

// The filters the address and the API share, in the order the facets are shown.
export const FACETS = ['kind', 'threat', 'mission', 'activity', 'a4p', 'year'];
const STATUSES = ['published', 'in_review', 'draft'];

// The words of the API's codes. Literal ids (not built from the code), so that the catalog
// check sees each one used; a code this app does not know is shown as itself, made a word.
const pick = (words, code) => words[code] || word(code);

// A kind's word ("Lesson learned").
export function kindLabel(k) {
  return pick(
    {
      case_study: t('library.kind_case_study'),
      lesson: t('library.kind_lesson'),
      best_practice: t('library.kind_best_practice'),
      aar: t('library.kind_aar'),
    },
    k,
  );
}

export function statusLabel(s) {
  return pick(
    {
      draft: t('library.status_draft'),
      in_review: t('library.status_in_review'),
      published: t('library.status_published'),
    },
    s,
  );
}

export function statusBadge(s) {
  return h('span', { class: `badge library-status library-status-${s}` }, statusLabel(s));
}

// Action for Peacekeeping's areas.
export function a4pLabel(c) {
  return pick(
    {
      politics: t('library.a4p_politics'),
      wps: t('library.a4p_wps'),
      protection: t('library.a4p_protection'),
      safety_security: t('library.a4p_safety_security'),
      performance: t('library.a4p_performance'),
      peacebuilding: t('library.a4p_peacebuilding'),
      partnerships: t('library.a4p_partnerships'),
      conduct: t('library.a4p_conduct'),
    },
    c,
  );
}

// The library's activities (src/library/tags.c); one it does not list is the taxonomy's.
function activityWords() {
  return {
    patrol: t('library.activity_patrol'),
    convoy: t('library.activity_convoy'),
    escort: t('library.activity_escort'),
    checkpoint: t('library.activity_checkpoint'),
    camp_security: t('library.activity_camp_security'),
    demining: t('library.activity_demining'),
    medical_evacuation: t('library.activity_medical_evacuation'),
    engagement: t('library.activity_engagement'),
    training: t('library.activity_training'),
    logistics: t('library.activity_logistics'),
    liaison: t('library.activity_liaison'),
    other: t('library.activity_other'),
  };
}

// A function giving a facet value's words, with the taxonomy when it has arrived.
export function tagLabeller(tax) {
  return (facet, v) => {
    if (facet === 'kind') return kindLabel(v);
    if (facet === 'a4p') return a4pLabel(v);
    if (facet === 'threat') return tax ? tax.typeLabel(v) : word(v);
    if (facet === 'activity') {
      const words = activityWords();
      if (words[v]) return words[v];
      const a = tax && tax.activities.find(([c]) => c === v);
      return a ? a[1] : word(v);
    }
    if (facet === 'year') return String(v);
    return v; // missions and keywords are shown as written
  };
}

function facetTitle(f) {
  return {
    kind: t('library.search_facet_kind'),
    threat: t('library.search_facet_threat'),
    mission: t('library.search_facet_mission'),
    activity: t('library.search_facet_activity'),
    a4p: t('library.search_facet_a4p'),
    year: t('library.search_facet_year'),
  }[f];
}

// The snippet's segments as a paragraph: the words found in <mark>, the rest as text.
export function snippetNode(segments) {
  const list = Array.isArray(segments) ? segments : [];
  if (!list.length) return null;
  return h(
    'p',
    { class: 'library-snippet', dir: 'auto' },
    list.map((s) => (s.hit ? h('mark', null, String(s.text || '')) : String(s.text || ''))),
  );
}

// One result as a card.
export function resultCard(d) {
  const owner = d.owner || {};
  const count = Number(
    d.endorsements && typeof d.endorsements === 'object'
      ? d.endorsements.count
      : d.endorsements || 0,
  );
  return h(
    'li',
    { class: 'card library-result' },
    h('h3', null, h('a', { href: documentHref(d.id), dir: 'auto' }, d.title || d.id)),
    h(
      'p',
      { class: 'library-meta' },
      h('span', { class: 'badge library-kind' }, kindLabel(d.kind)),
      ' ',
      owner.name || owner.code
        ? h('span', { class: 'library-owner', dir: 'auto' }, owner.name || owner.code)
        : null,
      d.year ? [' · ', h('span', { class: 'library-year' }, String(d.year))] : null,
      ' ',
      tlpBadge(d.tlp),
      d.status && d.status !== 'published' ? [' ', statusBadge(d.status)] : null,
      ' ',
      h(
        'span',
        { class: 'library-endorsements muted' },
        t('library.search_endorsements', { n: count }),
      ),
    ),
    snippetNode(d.snippet) ||
      (d.summary ? h('p', { class: 'library-summary', dir: 'auto' }, d.summary) : null),
    d.reason && d.reason.length
      ? h('p', { class: 'muted' }, d.reason.map((r) => reasonLabel(r)).join(' · '))
      : null,
  );
}

// Why a related document is shown: "Linked to this incident", "Same threat", ...
export function reasonLabel(r) {
  return pick(
    {
      linked: t('library.related_reason_linked'),
      threat: t('library.related_reason_threat'),
      mission: t('library.related_reason_mission'),
      activity: t('library.related_reason_activity'),
      a4p: t('library.related_reason_a4p'),
      keyword: t('library.related_reason_keyword'),
    },
    r,
  );
}

// The search's state from the address: {q, status, kind, threat, ...}.
function stateFromAddress() {
  const p = new URLSearchParams(location.hash.split('?')[1] || '');
  const s = { q: p.get('q') || '', status: p.get('status') || '' };
  for (const f of FACETS.concat(['keyword', 'org'])) s[f] = p.get(f) || '';
  if (!STATUSES.includes(s.status)) s.status = '';
  return s;
}

export function renderLibrary(view) {
  const state = stateFromAddress();
  let labelOf = tagLabeller(null);
  const search = h('input', {
    type: 'search',
    id: 'library-q',
    name: 'q',
    value: state.q,
    autocomplete: 'off',
    dir: 'auto',
  });
  const statusSwitch = h(
    'fieldset',
    { class: 'library-status-switch' },
    h('legend', null, t('library.search_status')),
    STATUSES.filter((s) => s !== 'draft' || can('library.write')).map((s) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'radio',
          name: 'library-status',
          value: s,
          checked: (state.status || 'published') === s,
          onchange: () => {
            state.status = s === 'published' ? '' : s;
            load();
          },
        }),
        ' ',
        {
          published: t('library.search_status_published'),
          in_review: t('library.search_status_in_review'),
          draft: t('library.search_status_drafts'),
        }[s],
      ),
    ),
  );
  const wide = window.matchMedia && window.matchMedia('(min-width: 48em)').matches;
  const facetBox = h('div', { class: 'library-facet-list' });
  const facets = h(
    'details',
    { class: 'library-facets card', open: wide },
    h('summary', null, t('library.search_filters')),
    facetBox,
  );
  const active = h('div', { class: 'library-active' });
  const asOf = h('p', { class: 'muted as-of' });
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'library-results' });
  const more = h('p', { class: 'actions' });
  const out = h('div', { class: 'library-out' });
  append(view, [
    pageHeader(t('library.search_title'), t('library.search_intro')),
    can('library.write')
      ? h(
          'p',
          { class: 'actions' },
          h('a', { href: '#/library/new', class: 'button primary' }, t('library.search_new')),
        )
      : null,
    h(
      'form',
      {
        class: 'filters library-search',
        role: 'search',
        onsubmit: (ev) => {
          ev.preventDefault();
          state.q = search.value.trim();
          load();
        },
      },
      h(
        'div',
        { class: 'filter' },
        h('label', { for: 'library-q' }, t('library.search_label')),
        search,
      ),
      h('button', { type: 'submit' }, t('library.search_button')),
    ),
    statusSwitch,
    h(
      'div',
      { class: 'library-layout' },
      facets,
      h('div', { class: 'library-main' }, active, count, asOf, out),
    ),
  ]);

  // The filters in effect, each with a button that takes it away.
  function drawActive() {
    const on = FACETS.concat(['keyword', 'org']).filter((f) => state[f]);
    fill(
      active,
      on.length
        ? h(
            'ul',
            { class: 'library-chips', 'aria-label': t('library.search_active') },
            on.map((f) =>
              h(
                'li',
                null,
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'chip',
                    'aria-label': t('library.search_remove', { value: labelOf(f, state[f]) }),
                    onclick: () => {
                      state[f] = '';
                      load();
                    },
                  },
                  h('span', { dir: 'auto' }, labelOf(f, state[f])),
                  ' ×',
                ),
              ),
            ),
          )
        : null,
    );
  }

  function drawFacets(r) {
    const fs = (r && r.facets) || {};
    clear(facetBox);
    for (const f of FACETS) {
      const values = fs[f] || [];
      if (!values.length && !state[f]) continue;
      facetBox.append(
        h(
          'section',
          { class: 'library-facet', 'data-facet': f },
          h('h2', null, facetTitle(f)),
          h(
            'ul',
            null,
            values.map((v) => {
              const value = String(v.value);
              const on = state[f] === value;
              return h(
                'li',
                null,
                h(
                  'button',
                  {
                    type: 'button',
                    class: on ? 'facet-value on' : 'facet-value',
                    'aria-pressed': on ? 'true' : 'false',
                    'data-value': value,
                    onclick: () => {
                      state[f] = on ? '' : value;
                      load();
                    },
                  },
                  h('span', { class: 'facet-label', dir: 'auto' }, labelOf(f, value)),
                  ' ',
                  h('span', { class: 'facet-count' }, num(Number(v.count || 0))),
                ),
              );
            }),
          ),
        ),
      );
    }
    if (!facetBox.children.length)
      facetBox.append(h('p', { class: 'empty' }, t('library.search_no_facets')));
  }

  let seq = 0;
  async function load(after) {
    const my = ++seq;
    const shown = {};
    for (const k of Object.keys(state)) shown[k] = state[k];
    const qs = query(shown);
    history.replaceState(null, '', `#/library${qs ? `?${qs}` : ''}`);
    drawActive();
    if (!after) fill(out, loading(t('library.search_loading')));
    let r;
    try {
      r = await api(
        'GET',
        `/api/v1/library?${query({ ...shown, facets: after ? '' : '1', after, limit: 20 })}`,
      );
    } catch (e) {
      if (my === seq && view.isConnected) {
        fill(out, errorNote(e));
        count.textContent = '';
        asOf.textContent = '';
      }
      return;
    }
    if (my !== seq || !view.isConnected) return;
    const items = (r && r.items) || [];
    if (!after) {
      clear(list);
      fill(out, list, more);
      drawFacets(r);
    }
    for (const d of items) list.append(resultCard(d));
    const total = Number(r && r.total != null ? r.total : list.children.length);
    count.textContent = state.q
      ? t('library.search_count_q', { n: total, q: state.q })
      : t('library.search_count', { n: total });
    asOf.textContent = t('library.search_as_of', {
      time: dateTime((r && r.as_of) || new Date().toISOString()),
    });
    if (!list.children.length)
      fill(
        out,
        h(
          'p',
          { class: 'empty' },
          state.q || FACETS.some((f) => state[f])
            ? t('library.search_none_match')
            : t('library.search_none'),
        ),
      );
    fill(
      more,
      r && r.next
        ? h('button', { type: 'button', onclick: () => load(r.next) }, t('library.search_more'))
        : null,
    );
  }
  load();
  // The taxonomy's words for threats and activities, when they arrive.
  getTaxonomy().then(
    (tax) => {
      if (!view.isConnected) return;
      labelOf = tagLabeller(tax);
      for (const b of facetBox.querySelectorAll('button.facet-value')) {
        const f = b.closest('[data-facet]').getAttribute('data-facet');
        b.querySelector('.facet-label').textContent = labelOf(f, b.getAttribute('data-value'));
      }
      drawActive();
    },
    () => {},
  );
}
