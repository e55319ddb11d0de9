// The casualties dashboard: fatalities per year stacked by incident type, the year-to-date
// figure, tables by mission and by nationality, all under one set of filters (years, mission,
// incident type, type of casualty) kept in the address (#/casualties?mission=UNIFIL) so a view
// can be bookmarked and shared; and the casualty records themselves with their embargo state
// and a Release action for those allowed. Every figure comes from the server's statistics,
// which count only what the reader may see (anonymous readers get the published figures).
// The words are the catalog's (casualties.*), the UN fatalities vocabulary included: the
// records carry its codes ("Malicious Act"), which the API's filters take as they are.
import { api } from '../api.js';
import { stackedBars } from '../chart.js';
import { fill, h, newId } from '../dom.js';
import { date, has, intlLocale, month, num, t } from '../i18n.js';
import { can } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import { embargoState, mayRelease, releaseRecord } from '../incidents/casualty_actions.js';

// The UN fatalities dataset's vocabularies (codes); the chart stacks incident types in this
// order.
const INCIDENT_TYPES = [
  'Malicious Act',
  'Accident',
  'Illness',
  'Self-Inflicted',
  'To Be Determined',
  'Unknown',
];
const CASUALTY_TYPES = ['Fatality', 'Injury', 'Missing', 'Abducted'];
const FILTERS = ['from', 'to', 'mission', 'type', 'ct'];
const TOP = 10;
const PAGE = 25;

const fmt = (n) => num(Number(n || 0));

// "Self-Inflicted" → "self_inflicted": the code's part of its message id.
const slug = (code) =>
  String(code)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');

// The words for a vocabulary code; a code the catalog does not know (one the server added) is
// shown as it is.
function incidentType(code) {
  const s = slug(code);
  return has(`casualties.type.${s}`) ? t(`casualties.type.${s}`) : code;
}

function casualtyType(code) {
  const s = slug(code);
  return has(`casualties.casualty_type.${s}`) ? t(`casualties.casualty_type.${s}`) : code;
}

function personnelType(code) {
  const s = slug(code);
  return has(`casualties.personnel_type.${s}`) ? t(`casualties.personnel_type.${s}`) : code;
}

// The type of casualty as the messages' {ct, select, …} knows it: 'fatality' … or 'all'.
const ctKey = (ct) => (CASUALTY_TYPES.includes(ct) ? slug(ct) : 'all');

// The type of casualty's choice in the filter: "Fatalities", "People missing".
function ctChoice(ct) {
  if (ct === 'Fatality') return t('casualties.ct_choice.fatality');
  if (ct === 'Injury') return t('casualties.ct_choice.injury');
  if (ct === 'Missing') return t('casualties.ct_choice.missing');
  return t('casualties.ct_choice.abducted');
}

function pad(n) {
  return String(n).padStart(2, '0');
}

// Today in the reader's own calendar, as the API's dates are written. The browser's clock is
// the page's only clock (the browser tests set it, to see the page in a year past the data).
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// The filters from the address: #/casualties?from=2000&mission=UNIFIL. The type of casualty
// is Fatality unless the address says otherwise (ct= for all).
function readFilters() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const f = { ct: 'Fatality' };
  for (const k of FILTERS) if (q.has(k)) f[k] = q.get(k);
  return f;
}

function writeFilters(f) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (f[k] && !(k === 'ct' && f[k] === 'Fatality')) q.set(k, f[k]);
  if (f.ct === '') q.set('ct', '');
  const s = q.toString();
  history.replaceState(null, '', `#/casualties${s ? `?${s}` : ''}`);
}

function query(params) {
  const q = new URLSearchParams();
  for (const k of Object.keys(params)) if (params[k]) q.set(k, params[k]);
  return q.toString();
}

// The API's filters for the choices made (the server counts; the page only draws).
function scope(f) {
  return {
    from: f.from ? `${f.from}-01-01` : '',
    to: f.to ? `${f.to}-12-31` : '',
    mission: f.mission || '',
    incident_type: f.type || '',
    casualty_type: f.ct || '',
  };
}

function stats(by, params) {
  return api('GET', `/api/v1/stats/casualties?${query(Object.assign({ by }, params))}`);
}

// A statistic's rows by key (`key(row)`), with the count per incident type (rows without an
// incident type are of the one the filter names): [{ key, label, total, t: [per type] }],
// largest first.
function tally(rows, key, label, f) {
  const m = new Map();
  for (const r of rows || []) {
    const k = key(r);
    let e = m.get(k);
    if (!e) m.set(k, (e = { key: k, label: label(r), total: 0, t: INCIDENT_TYPES.map(() => 0) }));
    const i = INCIDENT_TYPES.indexOf(r.incident_type || f.type);
    e.total += r.count;
    if (i >= 0) e.t[i] += r.count;
  }
  return [...m.values()].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
}

function swatch(i) {
  return h('span', { class: `swatch seg-${i}`, 'aria-hidden': 'true' });
}

// "2025-02-28" → "February 2025", in the reader's words.
function monthOf(d) {
  return month(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1);
}

// Hands `blob` to the browser as a file named `name`. The object URL is a download, not an
// image or a script, so the Content-Security-Policy has nothing to say about it.
function save(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, and a text
// a spreadsheet would take for a formula (=, +, -, @ first) led by an apostrophe, as the
// server's own CSV does.
function csvField(v) {
  let s = String(v ?? '');
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvText(rows) {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

// A table's figures as CSV: the header row as shown, then one row per entry (all of them, also
// those past the first ten), the counts as plain numbers.
function tableCsv(keyHead, entries, f) {
  const types = f.type ? [] : INCIDENT_TYPES;
  const head = [keyHead].concat(types.map(incidentType)).concat(t('casualties.total'));
  return csvText(
    [head].concat(
      entries.map((e) =>
        [e.label].concat(
          types.map((_, i) => e.t[i]),
          e.total,
        ),
      ),
    ),
  );
}

// The SVG properties the stylesheet gives the chart, copied onto a copy of it so that the file
// looks the same without app.css.
const STYLED = ['fill', 'stroke', 'stroke-width', 'font-family', 'font-size', 'font-weight'];

function chartSvg(svg) {
  const copy = svg.cloneNode(true);
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const cs = getComputedStyle(el);
    for (const p of STYLED) to[i].setAttribute(p, cs.getPropertyValue(p));
    // The transparent columns that widen a bar's tooltip are of no use on paper.
    if (el.classList.contains('hit')) to[i].remove();
    else to[i].removeAttribute('class');
  });
  copy.setAttribute('font-family', getComputedStyle(svg).fontFamily);
  return new XMLSerializer().serializeToString(copy);
}

// The chart as a PNG, at twice its size. The SVG is painted shape by shape (its lines,
// rectangles and texts, with their computed colours) rather than loaded as an image: an image
// from a blob: or data: URL is what the Content-Security-Policy's img-src 'self' refuses, and
// a drawing needs no exception to it.
function chartPng(svg) {
  const vb = svg.viewBox.baseVal;
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = vb.width * scale;
  canvas.height = vb.height * scale;
  const g = canvas.getContext('2d');
  g.scale(scale, scale);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, vb.width, vb.height);
  const n = (el, a) => Number(el.getAttribute(a)) || 0;
  for (const el of svg.querySelectorAll('line, rect, text')) {
    const cs = getComputedStyle(el);
    if (el.tagName === 'line') {
      g.strokeStyle = cs.stroke;
      g.lineWidth = parseFloat(cs.strokeWidth) || 1;
      g.beginPath();
      g.moveTo(n(el, 'x1'), n(el, 'y1'));
      g.lineTo(n(el, 'x2'), n(el, 'y2'));
      g.stroke();
    } else if (el.tagName === 'rect') {
      if (cs.fill === 'none' || /rgba\(.*, 0\)$/.test(cs.fill) || cs.fill === 'transparent')
        continue;
      g.fillStyle = cs.fill;
      g.fillRect(n(el, 'x'), n(el, 'y'), n(el, 'width'), n(el, 'height'));
    } else {
      g.fillStyle = cs.fill;
      g.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const anchor = el.getAttribute('text-anchor');
      g.textAlign = anchor === 'middle' ? 'center' : anchor === 'end' ? 'right' : 'left';
      g.direction = 'ltr';
      g.fillText(el.textContent, n(el, 'x'), n(el, 'y'));
    }
  }
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

export function renderCasualties(view) {
  const f = readFilters();
  const thisYear = Number(today().slice(0, 4));
  // The first year with a record in `rows` (by year), or this year.
  const firstOf = (rows) => Math.min(thisYear, ...(rows || []).map((r) => Number(r.year)));
  let gen = 0;
  let chartData = null;
  // The entries of each table as last drawn, for its CSV.
  const shown = { year: [], mission: [], nationality: [] };

  const sel = (label, first, options) => {
    const el = h('select', { id: newId('f') }, options(first));
    return { el, first, box: h('div', { class: 'filter' }, h('label', { for: el.id }, label), el) };
  };
  const opts = (list) => (first) =>
    [h('option', { value: '' }, first)].concat(
      list.map(([v, text]) => h('option', { value: v }, text)),
    );
  const sels = {
    from: sel(t('casualties.from'), t('casualties.first_year'), opts([])),
    to: sel(t('casualties.to'), t('casualties.this_year'), opts([])),
    mission: sel(t('casualties.mission'), t('casualties.all_missions'), opts([])),
    type: sel(
      t('casualties.incident_type'),
      t('casualties.all_incident_types'),
      opts(INCIDENT_TYPES.map((code) => [code, incidentType(code)])),
    ),
    ct: sel(
      t('casualties.type_of_casualty'),
      t('casualties.all_casualties'),
      opts(CASUALTY_TYPES.map((code) => [code, ctChoice(code)])),
    ),
  };
  const reset = h('button', { type: 'button', class: 'ghost' }, t('casualties.reset'));

  const summary = h('div', { class: 'stat-cards', 'aria-live': 'polite' });
  const chartHead = h('h2', { id: newId('chart') });
  const chartBox = h('div', { class: 'chart-box' }, loading(t('casualties.loading_figures')));
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': t('casualties.incident_types') },
    INCIDENT_TYPES.map((code, i) => h('li', { 'data-type': code }, swatch(i), incidentType(code))),
  );
  const figures = h('div', null);
  const missions = h('div', null);
  const nations = h('div', null);
  // How current the figures are: the UN file's last record and its last import.
  const asOf = h('p', { class: 'stat-note as-of' });
  // A table's figures as a CSV file, made here from what the page shows.
  const tableButton = (name, keyHead, which) =>
    h(
      'button',
      {
        type: 'button',
        class: 'small ghost',
        onclick: () =>
          save(
            `casualties-${name}.csv`,
            new Blob([tableCsv(keyHead, shown[which], f)], { type: 'text/csv' }),
          ),
      },
      t('casualties.download_table'),
    );
  const chartSvgEl = () => chartBox.querySelector('svg.chart');
  const chartButtons = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': t('casualties.downloads') },
    h(
      'button',
      {
        type: 'button',
        class: 'small ghost',
        onclick: () => {
          const svg = chartSvgEl();
          if (svg)
            save('casualties-chart.svg', new Blob([chartSvg(svg)], { type: 'image/svg+xml' }));
        },
      },
      t('casualties.download_chart_svg'),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'small ghost',
        onclick: async () => {
          const svg = chartSvgEl();
          if (svg) save('casualties-chart.png', await chartPng(svg));
        },
      },
      t('casualties.download_chart_png'),
    ),
  );
  // The records themselves, under the dashboard's filters, as the server exports them: for
  // those who may export records (the server checks again).
  const recordLink = (format, label) =>
    h('a', { class: 'download', 'data-format': format, download: '' }, label);
  const recordLinks = can('record.export')
    ? [
        recordLink('un', t('casualties.download_records_csv')),
        recordLink('hxl', t('casualties.download_records_hxl')),
      ]
    : [];
  const setRecordLinks = () => {
    for (const a of recordLinks)
      a.href = `/api/v1/casualties.csv?${query(Object.assign({ format: a.dataset.format }, scope(f)))}`;
  };
  setRecordLinks();

  const dash = h(
    'div',
    { class: 'dashboard' },
    asOf,
    summary,
    recordLinks.length
      ? h(
          'p',
          {
            class: 'actions records-download',
            role: 'group',
            'aria-label': t('casualties.downloads'),
          },
          recordLinks,
        )
      : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': chartHead.id },
      chartHead,
      legend,
      chartBox,
      chartButtons,
      h(
        'details',
        { class: 'figures' },
        h('summary', null, t('casualties.figures_by_year')),
        figures,
        tableButton('by-year', t('casualties.year'), 'year'),
      ),
    ),
    h(
      'div',
      { class: 'split' },
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('casualties.by_mission')),
        missions,
        tableButton('by-mission', t('casualties.mission'), 'mission'),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('casualties.by_nationality')),
        nations,
        tableButton('by-nationality', t('casualties.nationality'), 'nationality'),
      ),
    ),
  );
  view.append(
    pageHeader(t('casualties.title'), t('casualties.intro')),
    h(
      'form',
      { class: 'filters casualty-filters', role: 'search', 'aria-label': t('casualties.filters') },
      FILTERS.map((k) => sels[k].box),
      reset,
    ),
    dash,
  );
  const list = can('record.read') ? recordsSection(f) : null;
  if (list) view.append(list.section);

  function setOptions(k, list) {
    const s = sels[k];
    fill(s.el, opts(list.map((v) => [v, v]))(s.first));
    s.el.value = f[k] || '';
  }

  // The choices: the years from the first with a record to this one, and the missions with
  // records (one small request each, once per page).
  Promise.all([stats('year', {}), stats('mission', {})]).then(
    ([years, ms]) => {
      const firstYear = firstOf(years.rows);
      const ys = [];
      for (let y = firstYear; y <= thisYear; y++) ys.push(String(y));
      setOptions('from', ys);
      setOptions('to', ys.reverse());
      const names = (ms.rows || []).map((r) => r.mission);
      if (f.mission && names.indexOf(f.mission) < 0) names.push(f.mission);
      setOptions('mission', names.sort());
    },
    () => {},
  );

  for (const k of FILTERS) {
    const el = sels[k].el;
    el.value = f[k] || '';
    el.addEventListener('change', () => {
      f[k] = el.value;
      // A range the wrong way round becomes the one year chosen last.
      const other = { from: 'to', to: 'from' }[k];
      if (other && f.from && f.to && f.from > f.to) sels[other].el.value = f[other] = f[k];
      changed();
    });
  }
  reset.addEventListener('click', () => {
    for (const k of FILTERS) sels[k].el.value = f[k] = k === 'ct' ? 'Fatality' : '';
    changed();
  });

  function changed() {
    writeFilters(f);
    setRecordLinks();
    load();
    if (list) list.reload();
  }

  function drawChart() {
    const { rows } = chartData;
    const byYear = new Map(
      tally(
        rows,
        (r) => r.year,
        (r) => r.year,
        f,
      ).map((e) => [e.key, e]),
    );
    // From the chosen year, else from the selection's first year with a record.
    const from = Number(f.from) || firstOf(rows);
    let to = Number(f.to) || thisYear;
    if (to < from) to = from;
    const keys = [];
    for (let y = from; y <= to; y++) keys.push(String(y));
    const ct = ctKey(f.ct);
    chartHead.textContent = t('casualties.chart_heading', { ct });
    for (const li of legend.children)
      li.classList.toggle('off', !!f.type && li.getAttribute('data-type') !== f.type);
    chartButtons.hidden = !byYear.size;
    shown.year = [...byYear.values()].sort((a, b) => a.key.localeCompare(b.key));
    if (!byYear.size) {
      fill(chartBox, h('p', { class: 'empty' }, t('casualties.chart_empty', { ct })));
      fill(figures, '');
      return;
    }
    const svg = stackedBars({
      keys,
      series: INCIDENT_TYPES,
      value: (k, i) => (byYear.has(k) ? byYear.get(k).t[i] : 0),
      width: chartBox.clientWidth || 900,
      height: 280,
      format: fmt,
      // Years are strings: a number would be written "2,010".
      title:
        from === to
          ? t('casualties.chart_title_year', { ct, year: String(from) })
          : t('casualties.chart_title', { ct, from: String(from), to: String(to) }),
      barTitle: (k, total) => {
        const e = byYear.get(k);
        const parts = e
          ? INCIDENT_TYPES.map((code, i) =>
              e.t[i] ? t('casualties.bar_type', { type: incidentType(code), n: e.t[i] }) : '',
            ).filter(Boolean)
          : [];
        return [t('casualties.bar_total', { ct, year: k, n: total })].concat(parts).join('\n');
      },
    });
    fill(chartBox, svg);
    fill(
      figures,
      crossTable(
        t('casualties.by_year_caption', { ct }),
        t('casualties.year'),
        shown.year,
        f,
        null,
      ),
    );
  }

  function onResize() {
    if (!view.isConnected) {
      window.removeEventListener('resize', onResize);
      return;
    }
    if (chartData) drawChart();
  }
  window.addEventListener('resize', onResize);

  function card(label, value, cls, ...notes) {
    return h(
      'div',
      { class: `stat-card ${cls}` },
      h('p', { class: 'stat-label' }, label),
      h('p', { class: 'stat-value' }, value),
      notes.map((n) => h('p', { class: 'stat-note' }, n)),
    );
  }

  async function load() {
    const mine = ++gen;
    const sc = scope(f);
    // Grouped by incident type too unless the filter names one.
    const by = (d) => (f.type ? d : `${d},incident_type`);
    const now = today();
    const lastYear = `${thisYear - 1}${now.slice(4)}`.replace(/-02-29$/, '-02-28');
    const ytdScope = (ytd) => Object.assign({}, sc, { from: '', to: '', ytd });
    dash.classList.add('busy');
    dash.setAttribute('aria-busy', 'true');
    try {
      const [years, ms, ns, ytd, ytdLast] = await Promise.all([
        stats(by('year'), Object.assign({ distinct: 1 }, sc)),
        stats(by('mission'), sc),
        stats(by('nationality'), sc),
        stats('', ytdScope(now)),
        stats('', ytdScope(lastYear)),
      ]);
      if (mine !== gen) return;
      chartData = years;
      const ct = ctKey(f.ct);
      const mt = (shown.mission = tally(
        ms.rows,
        (r) => r.mission,
        (r) => r.mission,
        f,
      ));
      // Records without a country code are told apart by the name the source gave.
      const nt = (shown.nationality = tally(
        ns.rows,
        (r) => r.nationality || `?${r.nationality_name}`,
        (r) => r.nationality_name || r.nationality || t('casualties.not_recorded'),
        f,
      ));
      // Years go into the messages as strings: a number would be written "2,010".
      const first = String(f.from || firstOf(years.rows));
      const total =
        f.to && f.to === first
          ? t('casualties.total_year', { ct, year: first })
          : f.to
            ? t('casualties.total_range', { ct, from: first, to: f.to })
            : t('casualties.total_since', { ct, from: first });
      // The incident type in running text: "UNIFIL, malicious act".
      const type = f.type ? incidentType(f.type).toLocaleLowerCase(intlLocale()) : '';
      let where = f.mission || t('casualties.where_all');
      if (type)
        where = f.mission
          ? t('casualties.where_mission_type', { mission: f.mission, type })
          : t('casualties.where_all_type', { type });
      const d = years.distinct || {};
      // The UN's file is published months after the events: a year it has not reached yet is
      // said to be without data, never shown as a large 0, and a count of this year that only
      // the records entered here make up says so. Last year's same period is compared only when
      // the file covers it.
      const last = (years.as_of && years.as_of.last_record) || '';
      const imported = (years.as_of && years.as_of.imported_at) || '';
      asOf.textContent = !last
        ? ''
        : imported
          ? t('casualties.as_of', {
              last: date(last, { day: 'numeric', month: 'long', year: 'numeric' }),
              imported: date(imported, { day: 'numeric', month: 'long', year: 'numeric' }),
            })
          : t('casualties.as_of_file', {
              last: date(last, { day: 'numeric', month: 'long', year: 'numeric' }),
            });
      const behind = last && last < `${thisYear}-01-01`;
      const ytdCard = h(
        'div',
        { class: 'stat-card stat-ytd' },
        h('p', { class: 'stat-label' }, t('casualties.ytd_label', { year: String(thisYear) })),
        behind && !ytd.total
          ? h(
              'p',
              { class: 'stat-note stat-none' },
              t('casualties.ytd_none', { year: String(thisYear), end: monthOf(last) }),
            )
          : [
              h('p', { class: 'stat-value' }, fmt(ytd.total)),
              h(
                'p',
                { class: 'stat-note' },
                t('casualties.ytd_note', {
                  ct,
                  start: date(`${thisYear}-01-01`, { day: 'numeric', month: 'short' }),
                  end: date(now),
                  where,
                }),
              ),
              behind
                ? h(
                    'p',
                    { class: 'stat-note' },
                    t('casualties.ytd_entered_only', { end: monthOf(last) }),
                  )
                : null,
            ],
        !last || last >= lastYear
          ? h(
              'p',
              { class: 'stat-note' },
              t('casualties.ytd_last', {
                year: String(thisYear - 1),
                n: Number(ytdLast.total || 0),
              }),
            )
          : null,
      );
      fill(
        summary,
        ytdCard,
        card(total, fmt(years.total), 'stat-total', where),
        card(
          t('casualties.nationalities'),
          fmt(d.nationalities),
          'stat-nat',
          t('casualties.nationalities_note'),
        ),
        card(
          t('casualties.missions'),
          fmt(d.missions),
          'stat-missions',
          t('casualties.missions_note'),
        ),
      );
      drawChart();
      fill(
        missions,
        topTable(t('casualties.by_mission_caption', { ct }), t('casualties.mission'), mt, f, (e) =>
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              title: t('casualties.show_only', { mission: e.key }),
              onclick: () => {
                sels.mission.el.value = e.key;
                sels.mission.el.dispatchEvent(new Event('change'));
              },
            },
            e.key,
          ),
        ),
      );
      fill(
        nations,
        topTable(
          t('casualties.by_nationality_caption', { ct }),
          t('casualties.nationality'),
          nt,
          f,
          null,
        ),
      );
    } catch (err) {
      if (mine !== gen) return;
      asOf.textContent = '';
      fill(summary, '');
      fill(chartBox, errorNote(err));
      fill(missions, '');
      fill(nations, '');
    } finally {
      if (mine === gen) {
        dash.classList.remove('busy');
        dash.removeAttribute('aria-busy');
      }
    }
  }

  load();
}

// A table of counts: one row per key with a column per incident type (none when the filter
// names one type) and the total. `keyCell(e)` draws the first cell.
function crossTable(caption, keyHead, entries, f, keyCell) {
  const types = f.type ? [] : INCIDENT_TYPES;
  return table(
    caption,
    [keyHead]
      .concat(
        types.map((code, i) => h('span', { class: 'th-type' }, swatch(i), incidentType(code))),
      )
      .concat(t('casualties.total')),
    entries.map((e) => ({
      class: 'num-row',
      cells: [keyCell ? keyCell(e) : e.label]
        .concat(types.map((_, i) => (e.t[i] ? fmt(e.t[i]) : h('span', { class: 'zero' }, '·'))))
        .concat(h('strong', null, fmt(e.total))),
    })),
    t('casualties.nothing_recorded'),
  );
}

// The first TOP rows, with a button for the rest.
function topTable(caption, keyHead, entries, f, keyCell) {
  const box = h('div', null);
  const show = (all) => {
    const rows = all ? entries : entries.slice(0, TOP);
    fill(
      box,
      crossTable(caption, keyHead, rows, f, keyCell),
      entries.length > TOP
        ? h(
            'button',
            { type: 'button', class: 'small more', onclick: () => show(!all) },
            all
              ? t('casualties.show_first', { n: TOP })
              : t('casualties.show_all', { n: entries.length }),
          )
        : null,
    );
  };
  show(false);
  return box;
}

// The casualty records under the same filters, newest first, a page at a time, with the
// marking, the embargo state and Release for those the server would let release them.
function recordsSection(f) {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const embargoedOnly = h('input', { type: 'checkbox', name: 'embargoed', id: newId('emb') });
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const body = h('div', null, loading(t('casualties.loading_records')));
  const more = h(
    'button',
    { type: 'button', class: 'more', hidden: true },
    t('casualties.show_more'),
  );
  const problem = h('div', null);
  let items = [];
  let next = null;
  let total = 0;
  let gen = 0;

  const two = (a, b) => [h('span', { class: 'nowrap' }, a), h('span', { class: 'sub' }, b)];

  function draw() {
    count.textContent = total ? t('casualties.records_count', { shown: items.length, total }) : '';
    more.hidden = !next;
    fill(
      body,
      table(
        t('casualties.records_title'),
        [
          t('casualties.col_casualty'),
          t('casualties.mission'),
          t('casualties.col_what'),
          t('casualties.col_person'),
          t('casualties.col_owner'),
          t('casualties.col_state'),
          '',
        ],
        items.map((c) => ({
          class: c.embargoed ? 'row-embargoed' : null,
          cells: [
            two(h('span', { class: 'code', dir: 'ltr' }, c.casualty_id), date(c.incident_date)),
            c.mission,
            two(casualtyType(c.casualty_type), incidentType(c.incident_type)),
            two(
              personnelType(c.personnel_type),
              c.nationality_name || c.nationality || t('casualties.nationality_not_recorded'),
            ),
            c.owner || '—',
            embargoState(c),
            mayRelease(c)
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'small primary',
                    'aria-label': t('casualties.release_label', { id: c.casualty_id }),
                    onclick: (ev) => release(c, ev.target),
                  },
                  t('casualties.release'),
                )
              : '',
          ],
        })),
        embargoedOnly.checked ? t('casualties.no_embargoed') : t('casualties.no_records'),
      ),
    );
  }

  async function fetchPage(first) {
    const mine = first ? ++gen : gen;
    const sc = scope(f);
    const q = query(
      Object.assign({ limit: PAGE, cursor: first ? '' : next }, sc, {
        embargoed: embargoedOnly.checked ? 'true' : '',
      }),
    );
    more.disabled = true;
    try {
      const data = await api('GET', `/api/v1/casualties?${q}`);
      if (mine !== gen) return;
      items = (first ? [] : items).concat(data.items || []);
      next = data.next || null;
      total = data.total ?? items.length;
      draw();
    } catch (err) {
      if (mine === gen) fill(body, errorNote(err));
    } finally {
      more.disabled = false;
    }
  }

  async function release(c, button) {
    status.textContent = '';
    fill(problem);
    try {
      const rec = await releaseRecord(c);
      if (!rec) return;
      button.disabled = true;
      items = items.map((x) => (x.id === c.id ? Object.assign({}, x, rec) : x));
      draw();
      status.textContent = t('casualties.released_status', { id: c.casualty_id });
    } catch (err) {
      button.disabled = false;
      fill(problem, errorNote(err));
    }
  }

  embargoedOnly.addEventListener('change', () => fetchPage(true));
  more.addEventListener('click', () => fetchPage(false));
  fetchPage(true);

  const section = h(
    'section',
    { class: 'card records', 'aria-labelledby': 'records-title' },
    h('h2', { id: 'records-title' }, t('casualties.records_title')),
    h('p', { class: 'muted' }, t('casualties.records_intro')),
    // The form is its own page (#/casualties/new); the server checks the permission again.
    can('record.write')
      ? h(
          'p',
          { class: 'actions' },
          h('a', { href: '#/casualties/new', class: 'add-record' }, t('casualties.add_record')),
        )
      : null,
    h(
      'div',
      { class: 'records-head' },
      h(
        'label',
        { class: 'check', for: embargoedOnly.id },
        embargoedOnly,
        t('casualties.embargoed_only'),
      ),
      count,
    ),
    status,
    problem,
    body,
    more,
  );
  return {
    section,
    reload: () => {
      status.textContent = '';
      fill(problem);
      fetchPage(true);
    },
  };
}
