// The gap reports (issue 17): what is still missing, by mission or by contributing country
// (GET /api/v1/capacity/gaps?by=mission|org), with the totals, the "as of" time and the same
// report as CSV and JSON to download. The table scrolls inside its own box on a phone (the
// page itself never scrolls sideways); the share covered is a bar and its percentage.
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { dateTime, num, pct, t } from '../i18n.js';
import { query } from '../incidents/common.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import { hashParams, stackOnPhone } from './capacity_common.js';

// A share (0..1) as a bar with its percentage beside it: a <progress> (no style attribute,
// which the Content-Security-Policy forbids), whose value a screen reader reads.
function shareBar(share) {
  const f = Math.max(0, Math.min(1, Number(share) || 0));
  return h(
    'span',
    { class: 'progress-line gaps-share' },
    h('progress', { max: '1', value: String(f), 'aria-label': t('capacity.gaps_col_share') }),
    h('span', { class: 'progress-pct' }, pct(f)),
  );
}

const BYS = ['mission', 'org'];

function byLabel(by) {
  return by === 'org' ? t('capacity.gaps_by_org') : t('capacity.gaps_by_mission');
}

function keyLabel(by) {
  return by === 'org' ? t('capacity.gaps_col_country') : t('capacity.gaps_col_mission');
}

const count = (n) => num(Number(n || 0));

function days(v) {
  return v === null || v === undefined
    ? h('span', { class: 'muted' }, '—')
    : t('capacity.gaps_days', { n: Number(v) });
}

function cells(r, key, name) {
  return [
    key,
    name,
    count(r.needs),
    count(r.unmet),
    shareBar(r.covered_share),
    count(r.fully_covered),
    count(r.critical_unmet),
    days(r.median_days_to_match),
  ];
}

function reportTable(report) {
  const by = report.by || 'mission';
  const rows = (report.rows || []).map((r) => ({
    class: 'gaps-row',
    cells: cells(
      r,
      r.key ? h('bdi', { dir: 'ltr', class: 'code' }, r.key) : '—',
      r.key ? h('bdi', null, r.name || r.key) : t('capacity.gaps_no_mission'),
    ),
  }));
  if (rows.length && report.totals)
    rows.push({
      class: 'gaps-total',
      cells: cells(report.totals, h('strong', null, t('capacity.gaps_total')), null),
    });
  const el = table(
    t('capacity.gaps_caption', { by: byLabel(by) }),
    [
      keyLabel(by),
      t('capacity.gaps_col_name'),
      t('capacity.gaps_col_needs'),
      t('capacity.gaps_col_unmet'),
      t('capacity.gaps_col_share'),
      t('capacity.gaps_col_fully'),
      t('capacity.gaps_col_critical'),
      t('capacity.gaps_col_median'),
    ],
    rows,
    t('capacity.gaps_none'),
  );
  el.classList.add('gaps-table');
  stackOnPhone(el);
  // Each row names its key, for the browser test and for a reader's own stylesheet.
  const trs = el.querySelectorAll('tr.gaps-row');
  (report.rows || []).forEach((r, i) => trs[i] && trs[i].setAttribute('data-key', r.key || ''));
  return el;
}

function downloads(by) {
  const link = (format, text) =>
    h(
      'a',
      {
        class: 'button download',
        'data-format': format,
        href: `/api/v1/capacity/gaps?${query({ by, format })}`,
        download: '',
      },
      text,
    );
  return h(
    'p',
    { class: 'actions', role: 'group', 'aria-label': t('capacity.gaps_downloads') },
    link('csv', t('capacity.gaps_download_csv')),
    link('json', t('capacity.gaps_download_json')),
  );
}

export function renderGaps(view) {
  const asked = hashParams().get('by');
  const by = BYS.includes(asked) ? asked : 'mission';
  const out = h('div', { class: 'capacity-gaps' }, loading(t('capacity.gaps_loading')));
  const switcher = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': t('capacity.gaps_switch') },
    BYS.map((b) =>
      h(
        'a',
        {
          class: b === by ? 'button primary' : 'button',
          href: `#/capacity/gaps?by=${b}`,
          'aria-current': b === by ? 'page' : null,
        },
        byLabel(b),
      ),
    ),
  );
  view.append(pageHeader(t('capacity.gaps_title'), t('capacity.gaps_intro')), switcher, out);
  load();

  async function load() {
    let report;
    try {
      report = await api('GET', `/api/v1/capacity/gaps?${query({ by })}`);
    } catch (e) {
      if (view.isConnected) fill(out, errorNote(e));
      return;
    }
    if (!view.isConnected) return;
    fill(
      out,
      h('p', { class: 'as-of muted' }, t('capacity.gaps_as_of', { time: dateTime(report.as_of) })),
      reportTable(report),
      downloads(by),
    );
  }
}
