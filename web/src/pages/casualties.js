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
import { date, dateTime, has, intlLocale, num, t } from '../i18n.js';
import { can, session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

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

// Today in the reader's own calendar, as the API's dates are written.
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

export function renderCasualties(view) {
  const f = readFilters();
  const thisYear = Number(today().slice(0, 4));
  // The first year with a record in `rows` (by year), or this year.
  const firstOf = (rows) => Math.min(thisYear, ...(rows || []).map((r) => Number(r.year)));
  let gen = 0;
  let chartData = null;

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

  const dash = h(
    'div',
    { class: 'dashboard' },
    summary,
    h(
      'section',
      { class: 'card', 'aria-labelledby': chartHead.id },
      chartHead,
      legend,
      chartBox,
      h(
        'details',
        { class: 'figures' },
        h('summary', null, t('casualties.figures_by_year')),
        figures,
      ),
    ),
    h(
      'div',
      { class: 'split' },
      h('section', { class: 'card' }, h('h2', null, t('casualties.by_mission')), missions),
      h('section', { class: 'card' }, h('h2', null, t('casualties.by_nationality')), nations),
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
      title: t('casualties.chart_title', { ct, from: String(from), to: String(to) }),
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
        [...byYear.values()].sort((a, b) => a.key.localeCompare(b.key)),
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
      const mt = tally(
        ms.rows,
        (r) => r.mission,
        (r) => r.mission,
        f,
      );
      // Records without a country code are told apart by the name the source gave.
      const nt = tally(
        ns.rows,
        (r) => r.nationality || `?${r.nationality_name}`,
        (r) => r.nationality_name || r.nationality || t('casualties.not_recorded'),
        f,
      );
      // Years go into the messages as strings: a number would be written "2,010".
      const first = String(f.from || firstOf(years.rows));
      const total = f.to
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
      fill(
        summary,
        card(
          t('casualties.ytd_label', { year: String(thisYear) }),
          fmt(ytd.total),
          'stat-ytd',
          t('casualties.ytd_note', {
            ct,
            start: date(`${thisYear}-01-01`, { day: 'numeric', month: 'short' }),
            end: date(now),
            where,
          }),
          t('casualties.ytd_last', { year: String(thisYear - 1), n: Number(ytdLast.total || 0) }),
        ),
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

  // As the server decides: an admin, or the owner's focal points and coordinators.
  function mayRelease(c) {
    const u = session.user || {};
    return (
      c.embargoed &&
      (u.role === 'admin' ||
        ((u.role === 'focal_point' || u.role === 'coordinator') && c.owner === u.org))
    );
  }

  // "TLP:AMBER" (the API's form) or "AMBER" → "AMBER".
  const tlpOf = (c) => String(c.tlp || '').replace(/^TLP:/, '');
  const two = (a, b) => [h('span', { class: 'nowrap' }, a), h('span', { class: 'sub' }, b)];

  // The marking and the embargo state: the embargo stands out, a release is a quiet word.
  function state(c) {
    const tlp = tlpOf(c);
    return h(
      'span',
      { class: 'state' },
      h(
        'span',
        { class: `tlp tlp-${tlp.toLowerCase().replace('+', '-')}`, dir: 'ltr' },
        // i18n-exempt: TLP markings are FIRST's codes, written the same in every language
        `TLP:${tlp}`,
      ),
      c.embargoed
        ? h('span', { class: 'badge badge-embargo' }, t('casualties.embargoed'))
        : h(
            'span',
            {
              class: 'released',
              title: c.released_at
                ? t('casualties.released_by', {
                    when: dateTime(c.released_at),
                    who: c.released_by || '?',
                  })
                : null,
            },
            t('casualties.released'),
          ),
    );
  }

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
            state(c),
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
    if (!window.confirm(t('casualties.release_confirm', { id: c.casualty_id, tlp: tlpOf(c) })))
      return;
    button.disabled = true;
    status.textContent = '';
    fill(problem);
    try {
      const rec = await api('POST', `/api/v1/casualties/${encodeURIComponent(c.id)}/release`);
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
