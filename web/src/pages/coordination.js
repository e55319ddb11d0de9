// Action tracking (#/coordination, issue 15 item 5): the coordination dashboards. The summary
// figures with the instant they describe, the implementation table grouped by commitment,
// mission or organization (kept in the address: #/coordination?by=mission) with a done-share
// bar per row, the overdue actions, and the timeline by month. Every figure comes from
// GET /api/v1/coordination/..., which counts only what the reader may see; the page adds
// nothing up itself. The JSON replies are the JSON export, so the download links are the very
// addresses the page reads (and their .csv variants).
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { date, instant, month, num, pct, readerZone, t } from '../i18n.js';
import { query } from '../incidents/common.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

const BYS = ['commitment', 'mission', 'org'];
const API = '/api/v1/coordination';

// The page's own state after the "?" of the hash.
function readBy() {
  const q = new URLSearchParams((location.hash.split('?')[1] || '').replace(/^\?/, ''));
  const by = q.get('by');
  return BYS.includes(by) ? by : 'commitment';
}

function section(id, title, ...children) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    ...children,
  );
}

// Links to a reply as a file: `path` (JSON) and, when `csv`, its .csv twin.
function downloads(path, csvPath) {
  return h(
    'p',
    { class: 'downloads' },
    h('span', { class: 'downloads-label' }, t('coordination.download')),
    csvPath
      ? h('a', { class: 'button download', href: csvPath, download: '' }, t('coordination.csv'))
      : null,
    h('a', { class: 'button download', href: path, download: '' }, t('coordination.json')),
  );
}

function stat(label, value, note) {
  return h(
    'div',
    { class: 'stat-card' },
    h('p', { class: 'stat-label' }, label),
    h('p', { class: 'stat-value' }, value),
    note ? h('p', { class: 'stat-note' }, note) : null,
  );
}

function asOf(text) {
  return h('p', { class: 'as-of muted' }, t('coordination.as_of', { time: instant(text) }));
}

function renderSummary(box, s) {
  const a = s.actions || {};
  const next = s.next_deadline;
  fill(
    box,
    asOf(s.as_of),
    h(
      'div',
      { class: 'stat-cards' },
      stat(t('coordination.stat_proposals_open'), num(s.proposals.open)),
      stat(t('coordination.stat_commitments'), num(s.commitments)),
      stat(t('coordination.stat_actions'), num(a.total)),
      stat(t('coordination.stat_done'), num(a.done)),
      stat(t('coordination.stat_overdue'), num(a.overdue)),
      stat(t('coordination.stat_meetings'), num(s.meetings_upcoming)),
    ),
    next
      ? h(
          'p',
          null,
          t('coordination.next_deadline'),
          ' ',
          h('a', { href: `#/proposals/${encodeURIComponent(next.id)}`, dir: 'auto' }, next.title),
          ' ',
          h('span', { class: 'muted' }, instant(next.deadline)),
        )
      : h('p', { class: 'muted' }, t('coordination.no_deadline')),
  );
}

function labelCell(by, row) {
  if (row.key === null) return h('span', { class: 'muted' }, t('coordination.hidden_commitment'));
  if (by === 'commitment')
    return h('a', { href: `#/commitments/${encodeURIComponent(row.key)}`, dir: 'auto' }, row.label);
  if (by === 'mission')
    return h(
      'span',
      null,
      h('bdi', { dir: 'ltr' }, row.key),
      ' ',
      h('span', { dir: 'auto' }, row.label),
    );
  return h('span', { dir: 'auto' }, row.label);
}

function shareCell(share) {
  if (share === null || share === undefined) return '—';
  return h(
    'span',
    { class: 'progress-line' },
    h('progress', { max: '1', value: String(share), 'aria-label': t('coordination.col_share') }),
    h('span', { class: 'progress-pct' }, pct(share)),
  );
}

function renderImplementation(box, by, r) {
  const first = {
    commitment: t('coordination.col_commitment'),
    mission: t('coordination.col_mission'),
    org: t('coordination.col_org'),
  }[by];
  fill(
    box,
    asOf(r.as_of),
    table(
      t('coordination.impl_title'),
      [
        first,
        t('coordination.col_total'),
        t('coordination.col_planned'),
        t('coordination.col_in_progress'),
        t('coordination.col_done'),
        t('coordination.col_blocked'),
        t('coordination.col_dropped'),
        t('coordination.col_overdue'),
        t('coordination.col_share'),
      ],
      r.rows.map((row) => ({
        class: row.overdue > 0 ? 'row-overdue' : null,
        cells: [
          labelCell(by, row),
          num(row.total),
          num(row.planned),
          num(row.in_progress),
          num(row.done),
          num(row.blocked),
          num(row.dropped),
          num(row.overdue),
          shareCell(row.done_share),
        ],
      })),
      t('coordination.impl_empty'),
    ),
    downloads(
      `${API}/implementation?${query({ by })}`,
      `${API}/implementation.csv?${query({ by })}`,
    ),
  );
}

function renderOverdue(box, r) {
  fill(
    box,
    asOf(r.as_of),
    r.items.length
      ? h(
          'ul',
          { class: 'overdue-list' },
          r.items.map((a) =>
            h(
              'li',
              null,
              h('a', { href: `#/actions/${encodeURIComponent(a.id)}`, dir: 'auto' }, a.title),
              ' ',
              h(
                'span',
                { class: 'muted' },
                t('coordination.overdue_line', {
                  mission: a.mission,
                  org: a.responsible_org,
                  due: date(a.due_date),
                  days: a.days_overdue,
                }),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, t('coordination.overdue_empty')),
    downloads(`${API}/overdue`, `${API}/overdue.csv`),
  );
}

// The words for a timeline item's kind (literal ids, which the catalog check follows).
function kindName(kind) {
  const names = {
    meeting: t('coordination.kind_meeting'),
    proposal_opened: t('coordination.kind_proposal_opened'),
    proposal_adopted: t('coordination.kind_proposal_adopted'),
    proposal_not_adopted: t('coordination.kind_proposal_not_adopted'),
    proposal_withdrawn: t('coordination.kind_proposal_withdrawn'),
    decision: t('coordination.kind_decision'),
    action_due: t('coordination.kind_action_due'),
    action_done: t('coordination.kind_action_done'),
  };
  return names[kind] || kind;
}

// "2026-12": the month an instant falls in, in the reader's zone (where its time is shown).
function monthKey(at) {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return String(at).slice(0, 7);
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en', {
      timeZone: readerZone(),
      year: 'numeric',
      month: '2-digit',
    }).formatToParts(new Date(ms));
  } catch (e) {
    return String(at).slice(0, 7); // a zone this browser does not know: UTC, as instant() does
  }
  const part = (type) => (parts.find((x) => x.type === type) || {}).value;
  return `${part('year')}-${part('month')}`;
}

function renderTimeline(box, r) {
  const months = [];
  for (const it of r.items) {
    const key = monthKey(it.at);
    if (!months.length || months[months.length - 1].key !== key) months.push({ key, items: [] });
    months[months.length - 1].items.push(it);
  }
  fill(
    box,
    asOf(r.as_of),
    r.truncated ? h('p', { class: 'notice' }, t('coordination.timeline_truncated')) : null,
    months.length
      ? months.map((m) =>
          h(
            'div',
            null,
            h('h3', null, month(Number(m.key.slice(0, 4)), Number(m.key.slice(5, 7)) - 1)),
            h(
              'ul',
              { class: 'timeline' },
              m.items.map((it) =>
                h(
                  'li',
                  { class: `timeline-${it.kind}` },
                  h('span', { class: 'muted' }, instant(it.at)),
                  ' ',
                  h('span', { class: 'tag' }, kindName(it.kind)),
                  ' ',
                  h('a', { href: `#${it.link}`, dir: 'auto' }, it.title),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, t('coordination.timeline_empty')),
    downloads(`${API}/timeline`, null),
  );
}

// Fills `box` with what `path` answers, drawn by `draw`; an error says itself in the box.
async function load(view, box, path, draw) {
  fill(box, loading(t('coordination.loading')));
  let r;
  try {
    r = await api('GET', path);
  } catch (e) {
    if (view.isConnected) fill(box, errorNote(e));
    return;
  }
  if (view.isConnected) draw(box, r);
}

export function renderCoordination(view) {
  let by = readBy();
  const summary = h('div');
  const impl = h('div');
  const overdue = h('div');
  const timeline = h('div');
  const tabs = h('div', {
    class: 'tabs',
    role: 'tablist',
    'aria-label': t('coordination.impl_title'),
  });
  const names = {
    commitment: t('coordination.by_commitment'),
    mission: t('coordination.by_mission'),
    org: t('coordination.by_org'),
  };
  function drawTabs() {
    fill(
      tabs,
      BYS.map((b) =>
        h(
          'button',
          {
            type: 'button',
            class: 'tab',
            role: 'tab',
            'aria-selected': String(b === by),
            onclick: () => {
              if (b === by) return;
              by = b;
              // The choice stays in the address, so a reload or a shared link keeps it.
              history.replaceState(null, '', `#/coordination?${query({ by })}`);
              drawTabs();
              loadImpl();
            },
          },
          names[b],
        ),
      ),
    );
  }
  const loadImpl = () =>
    load(view, impl, `${API}/implementation?${query({ by })}`, (box, r) =>
      renderImplementation(box, by, r),
    );
  drawTabs();
  view.append(
    pageHeader(t('shell.title_coordination'), t('coordination.intro')),
    section('coord-summary', t('coordination.summary_title'), summary),
    section('coord-impl', t('coordination.impl_title'), tabs, impl),
    section('coord-overdue', t('coordination.overdue_title'), overdue),
    section('coord-timeline', t('coordination.timeline_title'), timeline),
  );
  // One after another: each is an expensive route, and the server gives such requests
  // threads - 1 running slots, so four at once from one page could refuse its own fourth (503)
  // on a busy server.
  (async () => {
    await load(view, summary, `${API}/summary`, renderSummary);
    await loadImpl();
    await load(view, overdue, `${API}/overdue`, renderOverdue);
    await load(view, timeline, `${API}/timeline`, renderTimeline);
  })();
}
