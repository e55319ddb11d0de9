// #/reports: "My reports", the signed-in reporter's work list. Four tabs, each with its count
// (GET /api/v1/me/work): drafts, submitted (waiting for an endorser), returned (with the
// endorser's reason and a link to correct and submit again) and endorsed. The rows are the
// incident list's own, filtered to the user's reports (GET /api/v1/incidents?mine=1&status=…),
// so a count and its tab always agree. Opening the page reads the news: what was returned or
// endorsed since the last visit is shown once at the top, then noted as seen on the server.
import { listAll } from '../api.js';
import { fill, h } from '../dom.js';
import {
  casualtyText,
  getTaxonomy,
  incidentHref,
  placeNode,
  query,
  syntheticBadge,
  utc,
  word,
} from '../incidents/common.js';
import { num, t } from '../i18n.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import { changeLine, fetchWork, markSeen } from '../worklist.js';

const TABS = ['draft', 'submitted', 'returned', 'endorsed'];

// Each tab's words: its name, its table's caption, what it says when empty, and the heading
// of its last column.
const WORDS = {
  draft: () => ({
    tab: t('reports.tab_draft'),
    caption: t('reports.caption_draft'),
    empty: t('reports.empty_draft'),
    last: t('reports.col_edit'),
  }),
  submitted: () => ({
    tab: t('reports.tab_submitted'),
    caption: t('reports.caption_submitted'),
    empty: t('reports.empty_submitted'),
    last: t('reports.col_submitted'),
  }),
  returned: () => ({
    tab: t('reports.tab_returned'),
    caption: t('reports.caption_returned'),
    empty: t('reports.empty_returned'),
    last: t('reports.col_reason'),
  }),
  endorsed: () => ({
    tab: t('reports.tab_endorsed'),
    caption: t('reports.caption_endorsed'),
    empty: t('reports.empty_endorsed'),
    last: t('reports.col_endorsed'),
  }),
};

// The tab named in the address (#/reports?tab=returned), else the first with something in it
// that needs the user (returned, then drafts), else submitted.
function tabFromAddress() {
  const m = /[?&]tab=([a-z]+)/.exec(location.hash);
  return m && TABS.includes(m[1]) ? m[1] : '';
}

export function renderMyReports(view) {
  const news = h('div', null);
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('reports.tabs') });
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: '0' });
  view.append(pageHeader(t('reports.title'), t('reports.intro')), news, tabs, panel);
  fill(panel, loading(t('reports.loading')));

  let work = null;
  let tax = null;
  let current = tabFromAddress();
  const buttons = {};

  function typeLabel(code) {
    return tax ? tax.typeLabel(code) : word(code);
  }

  function drawTabs() {
    fill(
      tabs,
      TABS.map((k) => {
        const n = (work && work.mine && work.mine[k]) || 0;
        const b = h(
          'button',
          {
            type: 'button',
            role: 'tab',
            id: `reports-tab-${k}`,
            class: `tab${k === 'returned' && n ? ' tab-attention' : ''}`,
            'aria-selected': k === current ? 'true' : 'false',
            'aria-controls': 'reports-panel',
            tabindex: k === current ? '0' : '-1',
            onclick: () => choose(k),
            onkeydown: (ev) => {
              const step = { ArrowRight: 1, ArrowLeft: -1, Home: -99, End: 99 }[ev.key];
              if (!step) return;
              ev.preventDefault();
              // Arabic runs right to left: the arrow moves the way the tabs are laid out.
              const dir = document.dir === 'rtl' && Math.abs(step) === 1 ? -step : step;
              const i = Math.max(0, Math.min(TABS.length - 1, TABS.indexOf(k) + dir));
              choose(TABS[i]);
              buttons[TABS[i]].focus();
            },
          },
          WORDS[k]().tab,
          ' ',
          h('span', { class: 'tab-count' }, num(n)),
        );
        buttons[k] = b;
        return b;
      }),
    );
  }

  function choose(k) {
    current = k;
    // The tab goes into the address, so Back and a shared link come back to it.
    history.replaceState(null, '', `#/reports?tab=${k}`);
    drawTabs();
    loadTab(k);
  }

  function rowFor(i, k) {
    const title = h(
      'span',
      null,
      h('a', { href: incidentHref(i.id) }, typeLabel(i.threat_type)),
      syntheticBadge(i) ? ' ' : null,
      syntheticBadge(i),
    );
    const cells = [
      title,
      i.mission,
      h('span', { class: 'nowrap' }, utc(i.occurred_at, i.occurred_precision)),
      placeNode(i),
      casualtyText(i),
    ];
    if (k === 'returned')
      cells.push(
        h(
          'div',
          { class: 'return-reason' },
          h('p', null, h('bdi', null, i.return_reason || t('reports.no_reason'))),
          h(
            'a',
            { href: `${incidentHref(i.id)}/edit`, class: 'button small primary' },
            t('reports.edit_resubmit'),
          ),
        ),
      );
    else if (k === 'draft')
      cells.push(h('a', { href: `${incidentHref(i.id)}/edit` }, t('reports.edit_draft')));
    else if (k === 'endorsed')
      cells.push(
        i.endorsed_at
          ? t('reports.endorsed_on', { when: utc(i.endorsed_at), by: i.endorsed_by || '—' })
          : '—',
      );
    else cells.push(h('span', { class: 'nowrap' }, utc(i.reported_at)));
    return { class: 'report-row', cells };
  }

  let asked = 0;
  async function loadTab(k) {
    const mine = ++asked;
    panel.id = 'reports-panel';
    panel.setAttribute('aria-labelledby', `reports-tab-${k}`);
    fill(panel, loading(t('reports.loading')));
    try {
      const items = await listAll(`/api/v1/incidents?${query({ mine: 1, status: k })}`, 100);
      if (mine !== asked || !view.isConnected) return;
      const words = WORDS[k]();
      fill(
        panel,
        table(
          words.caption,
          [
            t('reports.col_report'),
            t('reports.col_mission'),
            t('reports.col_occurred'),
            t('reports.col_where'),
            t('reports.col_casualties'),
            words.last,
          ],
          items.map((i) => rowFor(i, k)),
          words.empty,
        ),
      );
    } catch (err) {
      if (mine === asked) fill(panel, errorNote(err));
    }
  }

  async function load() {
    try {
      [work, tax] = await Promise.all([fetchWork(), getTaxonomy().catch(() => null)]);
    } catch (err) {
      fill(panel, errorNote(err));
      return;
    }
    if (!view.isConnected) return;
    if (!current)
      current = work.mine.returned ? 'returned' : work.mine.draft ? 'draft' : 'submitted';
    if (work.changes_total) {
      fill(
        news,
        h(
          'div',
          { class: 'alert alert-info', role: 'status' },
          h('p', null, t('work.notice', { n: work.changes_total })),
          h(
            'ul',
            null,
            work.changes.map((c) =>
              h('li', null, h('a', { href: incidentHref(c.id) }, changeLine(c, typeLabel))),
            ),
          ),
        ),
      );
      // Read: the notice at the next sign-in shows only what changes after now.
      markSeen();
    }
    drawTabs();
    loadTab(current);
  }

  load();
}
