// The audit log (#/audit) for auditors and administrators (audit.read): every write of the
// platform, oldest first, filtered by user, organization, action, record and time (UTC),
// 50 entries at a time; and "Verify the chain", which asks the server to recompute every
// entry's hash (GET /api/v1/audit/verify) and says the result in words. The server decides
// what an auditor may see (docs/audit.md); the page draws and never filters. The filters stay
// in the address (#/audit?user=...), so a view can be bookmarked and shared.
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { field, input, onSubmit, statusLine } from '../forms.js';
import { dateTime, LTR, num, t } from '../i18n.js';
import { errorNote, loading, pageHeader, slot, table, withElements } from '../ui.js';
import { checkAll } from './account_forms.js';

const PAGE = 50;
// A date, or a date and time in UTC with or without seconds (what the API takes, RFC 3339).
const WHEN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?Z)?$/;
// The query parameters of GET /api/v1/audit the filters fill, in the order of the form.
const FILTERS = ['user', 'org', 'action', 'record_type', 'record_id', 'from', 'to'];

// A bound as the API takes it ("2024-06-01", "2024-06-01T08:30:00Z"), or null when `text`
// is not a real date or time.
function whenValue(text) {
  const m = WHEN.exec(text);
  if (!m) return null;
  const [y, mo, d, hh, mm, ss] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const ms = Date.UTC(y, mo - 1, d, hh, mm, ss);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return null;
  if (hh > 23 || mm > 59 || ss > 59) return null;
  if (!m[4]) return text;
  return m[6] ? text : text.replace(/Z$/, ':00Z');
}

// The first and last instant a bound covers (a date alone is the whole day), for comparing.
function whenRange(value, upper) {
  const m = WHEN.exec(value);
  const [y, mo, d, hh, mm, ss] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const ms = Date.UTC(y, mo - 1, d, hh, mm, ss);
  return !m[4] && upper ? ms + 86400000 - 1 : ms;
}

function queryOf(hash) {
  const i = hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : '');
}

export function renderAudit(view) {
  const start = queryOf(window.location.hash);
  const controls = {};
  const attrs = { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none', dir: 'ltr' };
  for (const name of FILTERS)
    controls[name] = input(name, Object.assign({ value: start.get(name) || '' }, attrs));
  const labels = {
    user: t('audit.filter_user'),
    org: t('audit.filter_org'),
    action: t('audit.filter_action'),
    record_type: t('audit.filter_record_type'),
    record_id: t('audit.filter_record_id'),
    from: t('audit.filter_from'),
    to: t('audit.filter_to'),
  };
  const hints = {
    action: t('audit.filter_action_hint'),
    record_type: t('audit.filter_record_type_hint'),
    from: t('audit.filter_time_hint'),
    to: t('audit.filter_time_hint'),
  };
  const form = h(
    'form',
    { class: 'audit-filters', novalidate: true, role: 'search' },
    h('div', {
      class: 'alert alert-error error-summary',
      role: 'alert',
      tabindex: '-1',
      hidden: true,
    }),
    h('p', { class: 'alert alert-error form-alert', role: 'alert', hidden: true }),
    h(
      'div',
      { class: 'grid' },
      FILTERS.map((name) => field(labels[name], controls[name], hints[name])),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('audit.apply')),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            for (const name of FILTERS) controls[name].value = '';
            form.requestSubmit();
          },
        },
        t('audit.reset'),
      ),
    ),
  );
  const timeCheck = (name) => () => {
    const v = controls[name].value.trim();
    if (!v || whenValue(v)) return null;
    return t('audit.problem_time', { field: labels[name], value: v });
  };
  const checks = [
    { control: controls.from, problem: timeCheck('from') },
    {
      control: controls.to,
      problem: () => {
        const own = timeCheck('to')();
        if (own) return own;
        const from = whenValue(controls.from.value.trim());
        const to = whenValue(controls.to.value.trim());
        if (from && to && whenRange(from, false) > whenRange(to, true))
          return t('audit.problem_range');
        return null;
      },
    },
  ];

  const summary = h('p', { class: 'count', 'aria-live': 'polite' });
  const listBox = h('div', null);
  const more = h('div', null);
  const verifyResult = h('div', { class: 'verify-result', 'aria-live': 'polite' });
  const verifyButton = h(
    'button',
    { type: 'button', onclick: () => verify(verifyButton, verifyResult) },
    t('audit.verify'),
  );
  const status = statusLine();
  view.append(
    pageHeader(t('audit.title'), t('audit.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'audit-verify' },
      h('h2', { id: 'audit-verify' }, t('audit.verify_heading')),
      h('p', { class: 'muted' }, t('audit.verify_intro')),
      verifyButton,
      verifyResult,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'audit-filters' },
      h('h2', { id: 'audit-filters' }, t('audit.filters_heading')),
      form,
    ),
    status,
    h(
      'section',
      { 'aria-labelledby': 'audit-entries' },
      h('h2', { id: 'audit-entries' }, t('audit.entries_heading')),
      summary,
      listBox,
      more,
    ),
  );

  // Each search replaces the last; a reply to an older one is dropped.
  let generation = 0;
  async function search() {
    const mine = ++generation;
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const v = controls[name].value.trim();
      if (v) q.set(name, name === 'from' || name === 'to' ? whenValue(v) : v);
    }
    const shown = q.toString();
    history.replaceState(null, '', `#/audit${shown ? `?${shown}` : ''}`);
    fill(listBox, loading(t('audit.loading')));
    fill(more);
    summary.textContent = '';
    const rows = [];
    const page = async (cursor) => {
      const p = new URLSearchParams(q);
      p.set('limit', String(PAGE));
      if (cursor) p.set('cursor', cursor);
      const data = await api('GET', `/api/v1/audit?${p}`);
      if (mine !== generation) return;
      rows.push(...(data.items || []));
      summary.textContent = t('audit.count', { count: data.total || 0 });
      fill(listBox, entriesTable(rows));
      fill(
        more,
        data.next
          ? h(
              'button',
              {
                type: 'button',
                onclick: (ev) => {
                  ev.target.disabled = true;
                  page(data.next).catch((err) => fill(more, errorNote(err)));
                },
              },
              t('audit.show_more', { shown: rows.length, total: data.total || 0 }),
            )
          : null,
      );
    };
    await page(null);
  }

  onSubmit(
    form,
    async () => {
      if (!checkAll(form, checks)) return;
      await search();
    },
    status,
  );
  if (checks.every((c) => !c.problem())) search().catch((err) => fill(listBox, errorNote(err)));
  else form.requestSubmit();
}

// What the entry says, as "key: value" pairs: the summary is the platform's own record of the
// change (never a secret), so it is shown as stored.
function details(summary) {
  const keys = Object.keys(summary || {});
  if (!keys.length) return h('span', { class: 'muted' }, '—');
  return h(
    'ul',
    { class: 'audit-summary' },
    keys.map((k) => {
      const v = summary[k];
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return h('li', null, h('span', { class: 'code' }, k), ': ', h('bdi', LTR, text));
    }),
  );
}

function recordCell(e) {
  if (!e.record_type) return h('span', { class: 'muted' }, '—');
  const id = e.record_id;
  const idEl =
    id && e.record_type === 'incident'
      ? h('a', { href: `#/incidents/${encodeURIComponent(id)}` }, id)
      : id || t('audit.no_record_id');
  return h('span', null, h('span', { class: 'code' }, e.record_type), ' ', h('bdi', LTR, idEl));
}

function entriesTable(rows) {
  return table(
    t('audit.entries_heading'),
    [
      t('audit.col_seq'),
      t('audit.col_when'),
      t('audit.col_who'),
      t('audit.col_action'),
      t('audit.col_record'),
      t('audit.col_details'),
    ],
    rows.map((e) => ({
      class: 'audit-entry',
      cells: [
        h('span', { class: 'nowrap' }, num(e.seq)),
        h('time', { datetime: e.at, title: e.at, class: 'nowrap' }, dateTime(e.at)),
        h(
          'span',
          null,
          h('bdi', LTR, e.user),
          e.org ? [' ', h('span', { class: 'tag' }, h('bdi', LTR, e.org))] : null,
        ),
        h('span', { class: 'code' }, e.action),
        recordCell(e),
        details(e.summary),
      ],
    })),
    t('audit.empty'),
  );
}

async function verify(button, box) {
  button.disabled = true;
  box.setAttribute('aria-busy', 'true');
  fill(box, loading(t('audit.verifying')));
  try {
    const v = await api('GET', '/api/v1/audit/verify');
    box.dataset.ok = v.ok ? 'true' : 'false';
    box.dataset.entries = String(v.entries);
    fill(
      box,
      v.ok
        ? h(
            'p',
            { class: 'alert alert-success' },
            t('audit.verify_ok', { count: v.entries }),
            h('br'),
            h(
              'span',
              { class: 'hint' },
              withElements(
                t('audit.verify_last_hash', { hash: slot(0) }),
                // In groups of eight, so that it wraps on a phone.
                h(
                  'code',
                  { class: 'code hash', dir: 'ltr' },
                  v.last_hash.replace(/(.{8})(?=.)/g, '$1 '),
                ),
              ),
            ),
          )
        : h(
            'p',
            { class: 'alert alert-error' },
            t('audit.verify_broken', {
              seq: v.first_bad_seq,
              reason: v.reason,
              count: v.entries,
            }),
          ),
    );
  } catch (err) {
    fill(box, errorNote(err));
  } finally {
    button.disabled = false;
    box.removeAttribute('aria-busy');
  }
}
