// Matches (issue 17): the proposed assignment (GET /api/v1/capacity/proposal, filtered by the
// category, capability and mission in the address), each pair with "Confirm" for a coordinator
// whose organization is not a party; the needs the proposal leaves unmet; the confirmed matches
// with "Cancel" (a reason asked for); and the duplicated-support warnings. Nothing is confirmed
// without a person pressing the button: the proposal is computed afresh on every visit.
import { api, newIdempotencyKey } from '../api.js';
import { fill, h } from '../dom.js';
import { field, formAlert, onSubmit, select, statusLine, validateWith } from '../forms.js';
import { date, dateTime, num, t } from '../i18n.js';
import { getMissions, query, setFlash, takeFlash } from '../incidents/common.js';
import { session, can } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import {
  amountText,
  capabilityLabel,
  CATEGORIES,
  categoryLabel,
  codesOf,
  getCapacityVocabulary,
  needHref,
  offerHref,
  orgText,
  priorityBadge,
  VOCAB,
  hashParams,
  orgCode,
  stackOnPhone,
} from './capacity_common.js';

// ---- the page ----

const myOrg = () => (session.user && session.user.org) || '';

// Whether the signed-in user may confirm or cancel a match between `need` and `offer`: a
// coordinator of a third organization (the server refuses the parties too, and says why).
function mayCoordinate(need, offer) {
  if (!can('capacity.coordinate')) return false;
  const mine = myOrg();
  return mine !== orgCode(need.org) && mine !== orgCode(offer.org);
}

function needCell(n) {
  return h(
    'span',
    { class: 'match-side' },
    h('a', { href: needHref(n.id), dir: 'auto' }, n.title || n.id),
    h(
      'span',
      { class: 'muted block' },
      h('bdi', { dir: 'ltr' }, orgCode(n.org)),
      n.mission ? [' · ', h('bdi', { dir: 'ltr' }, n.mission)] : null,
    ),
  );
}

function offerCell(o) {
  return h(
    'span',
    { class: 'match-side' },
    h('a', { href: offerHref(o.id), dir: 'auto' }, o.title || o.id),
    h('span', { class: 'muted block' }, h('bdi', { dir: 'ltr' }, orgCode(o.org))),
  );
}

// The "Confirm" button of a proposed pair; the server's refusal is shown beside it.
function confirmButton(a, reload) {
  const problem = h('span', { class: 'field-error', role: 'alert', hidden: true });
  const key = newIdempotencyKey();
  const button = h(
    'button',
    {
      type: 'button',
      class: 'primary match-confirm',
      'aria-label': t('capacity.match_confirm_pair', { need: a.need.title, offer: a.offer.title }),
      onclick: async () => {
        button.disabled = true;
        problem.hidden = true;
        try {
          await api(
            'POST',
            '/api/v1/capacity/matches',
            { need: a.need.id, offer: a.offer.id, quantity: a.quantity },
            { idempotencyKey: key },
          );
          setFlash(t('capacity.match_confirmed', { need: a.need.title }));
          reload();
        } catch (e) {
          problem.textContent = e.detail || e.message;
          problem.hidden = false;
          button.disabled = false;
        }
      },
    },
    t('capacity.match_confirm'),
  );
  return h('span', { class: 'match-act' }, button, problem);
}

function headline(p) {
  const covered = new Set((p.assignments || []).map((a) => a.need.id)).size;
  return h(
    'div',
    { class: 'card match-headline' },
    h(
      'p',
      { class: 'match-headline-text' },
      t('capacity.match_headline', {
        n: covered,
        weighted: Number(p.weighted || 0),
        greedy: Number(p.greedy_weighted || 0),
      }),
    ),
    h('p', { class: 'as-of muted' }, t('capacity.match_as_of', { time: dateTime(p.as_of) })),
  );
}

function assignmentsTable(p, reload) {
  return stackOnPhone(
    table(
      t('capacity.match_proposed'),
      [
        t('capacity.match_col_need'),
        t('capacity.match_col_offer'),
        t('capacity.match_col_quantity'),
        t('capacity.match_col_score'),
        t('capacity.match_col_priority'),
        t('capacity.match_col_action'),
      ],
      (p.assignments || []).map((a) => ({
        class: 'match-assignment',
        cells: [
          needCell(a.need),
          offerCell(a.offer),
          h('span', { class: 'nowrap' }, amountText(a.quantity, a.need.unit || a.offer.unit)),
          num(Number(a.score || 0)),
          priorityBadge(a.need.priority),
          mayCoordinate(a.need, a.offer) ? confirmButton(a, reload) : '—',
        ],
      })),
      t('capacity.match_none_proposed'),
    ),
  );
}

function unmetTable(p) {
  return stackOnPhone(
    table(
      t('capacity.match_unmet'),
      [
        t('capacity.match_col_need'),
        t('capacity.match_col_priority'),
        t('capacity.match_col_remaining'),
      ],
      (p.unmet || []).map((u) => ({
        class: 'match-unmet',
        cells: [
          needCell(u.need),
          priorityBadge(u.need.priority),
          h('span', { class: 'nowrap' }, amountText(u.remaining, u.need.unit)),
        ],
      })),
      t('capacity.match_none_unmet'),
    ),
  );
}

// "Cancel": a small form asking for the reason, shown under the match's row.
function cancelControl(m, reload) {
  const box = h('div', { class: 'match-cancel' });
  const open = h(
    'button',
    {
      type: 'button',
      'aria-expanded': 'false',
      onclick: () => {
        open.hidden = true;
        open.setAttribute('aria-expanded', 'true');
        fill(
          box,
          cancelForm(m, reload, () => {
            fill(box);
            open.hidden = false;
            open.setAttribute('aria-expanded', 'false');
          }),
        );
        const area = box.querySelector('textarea');
        if (area) area.focus();
      },
    },
    t('capacity.match_cancel'),
  );
  return h('span', null, open, box);
}

function cancelForm(m, reload, close) {
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 500, dir: 'auto' });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'match-cancel-form', novalidate: true },
    formAlert(),
    field(t('capacity.match_cancel_reason'), reason),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'danger' }, t('capacity.match_cancel_confirm')),
      h('button', { type: 'button', onclick: close }, t('capacity.match_cancel_keep')),
    ),
    status,
  );
  validateWith(form, () =>
    reason.value.trim() ? [] : [['reason', t('capacity.match_problem_reason')]],
  );
  onSubmit(
    form,
    async () => {
      await api('POST', `/api/v1/capacity/matches/${encodeURIComponent(m.id)}/cancel`, {
        reason: reason.value.trim(),
      });
      setFlash(t('capacity.match_cancelled'));
      reload();
    },
    status,
  );
  return form;
}

function matchesTable(list, reload) {
  return stackOnPhone(
    table(
      t('capacity.match_confirmed_title'),
      [
        t('capacity.match_col_need'),
        t('capacity.match_col_offer'),
        t('capacity.match_col_quantity'),
        t('capacity.match_col_coordinator'),
        t('capacity.match_col_confirmed_at'),
        t('capacity.match_col_action'),
      ],
      list.map((m) => ({
        class: 'match-row',
        cells: [
          needCell(m.need),
          offerCell(m.offer),
          h('span', { class: 'nowrap' }, amountText(m.quantity, m.need.unit || m.offer.unit)),
          m.coordinator ? h('bdi', null, orgText(m.coordinator)) : '—',
          h('span', { class: 'nowrap' }, dateTime(m.confirmed_at)),
          m.status === 'confirmed' && mayCoordinate(m.need, m.offer)
            ? cancelControl(m, reload)
            : '—',
        ],
      })),
      t('capacity.match_none_confirmed'),
    ),
  );
}

// One warning in words: which need has several providers, or which offers overlap.
function duplicateItem(d) {
  if (d.kind === 'same_need') {
    const providers = (d.providers || [])
      .map((p) =>
        p.via === 'training'
          ? t('capacity.match_dup_provider_training', {
              org: p.name || p.code,
              amount: amountText(p.quantity, d.need.unit),
            })
          : t('capacity.match_dup_provider_match', {
              org: p.name || p.code,
              amount: amountText(p.quantity, d.need.unit),
            }),
      )
      .join('; ');
    return h(
      'li',
      { class: `match-dup${d.over ? ' match-dup-over' : ''}` },
      h(
        'p',
        null,
        h('a', { href: needHref(d.need.id), dir: 'auto' }, d.need.title || d.need.id),
        ' — ',
        t('capacity.match_dup_same_need', {
          org: orgCode(d.need.org),
          n: (d.providers || []).length,
        }),
      ),
      h('p', { class: 'muted' }, providers),
      h(
        'p',
        null,
        d.over
          ? t('capacity.match_dup_over', {
              total: amountText(d.total, d.need.unit),
              quantity: amountText(d.need.quantity, d.need.unit),
            })
          : t('capacity.match_dup_total', {
              total: amountText(d.total, d.need.unit),
              quantity: amountText(d.need.quantity, d.need.unit),
            }),
      ),
    );
  }
  const offers = d.offers || [];
  return h(
    'li',
    { class: 'match-dup' },
    h(
      'p',
      null,
      t('capacity.match_dup_overlap', {
        n: offers.length,
        capability: capabilityLabel(d.capability),
        contributor: (d.contributor && (d.contributor.name || d.contributor.code)) || '—',
      }),
    ),
    h(
      'ul',
      null,
      offers.map((o) =>
        h(
          'li',
          null,
          h('a', { href: offerHref(o.id), dir: 'auto' }, o.title || o.id),
          ' ',
          h(
            'span',
            { class: 'muted' },
            t('capacity.match_dup_offer_line', {
              org: orgCode(o.org),
              amount: amountText(o.capacity, o.unit),
              from: date(o.starts_on),
              to: date(o.ends_on),
            }),
          ),
        ),
      ),
    ),
  );
}

function duplicatesPanel(d) {
  const items = (d && d.items) || [];
  if (!items.length) return null;
  return h(
    'section',
    {
      class: 'card match-duplicates',
      role: 'region',
      'aria-labelledby': 'match-dup-title',
    },
    h('h2', { id: 'match-dup-title' }, t('capacity.match_dup_title')),
    h('p', null, t('capacity.match_dup_intro')),
    h(
      'ul',
      { class: 'match-dup-list' },
      items.map((x) => duplicateItem(x)),
    ),
  );
}

export async function renderMatches(view) {
  const params = hashParams();
  view.append(loading(t('capacity.match_loading')));
  // Without the vocabulary the pages show codes: no reason to refuse the page.
  const [, missions] = await Promise.all([
    getCapacityVocabulary().catch(() => VOCAB),
    getMissions().catch(() => []),
  ]);
  if (!view.isConnected) return;
  const any = t('capacity.match_any');
  const f = {
    category: select(
      'category',
      [['', any]].concat(codesOf(VOCAB.categories, CATEGORIES).map((c) => [c, categoryLabel(c)])),
      params.get('category') || '',
    ),
    capability: select(
      'capability',
      [['', any]].concat(codesOf(VOCAB.capabilities).map((c) => [c, capabilityLabel(c)])),
      params.get('capability') || '',
    ),
    mission: select(
      'mission',
      [['', any]].concat(missions.map((m) => [m, m])),
      params.get('mission') || '',
    ),
  };
  const out = h('div', { class: 'match-page' }, loading(t('capacity.match_loading')));
  const flash = takeFlash();
  fill(
    view,
    pageHeader(t('capacity.match_title'), t('capacity.match_intro')),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    h(
      'div',
      { class: 'filters grid' },
      field(t('capacity.match_filter_category'), f.category),
      field(t('capacity.match_filter_capability'), f.capability),
      field(t('capacity.match_filter_mission'), f.mission),
    ),
    out,
  );
  const filter = () => ({
    category: f.category.value,
    capability: f.capability.value,
    mission: f.mission.value,
  });
  const reload = () => {
    if (!view.isConnected) return;
    fill(view);
    renderMatches(view);
  };
  let asked = 0;
  async function load() {
    const mine = ++asked;
    let p, m, d;
    try {
      [p, m, d] = await Promise.all([
        api('GET', `/api/v1/capacity/proposal?${query(filter())}`),
        api('GET', '/api/v1/capacity/matches?limit=100'),
        api('GET', '/api/v1/capacity/duplicates').catch((e) => ({ error: e })),
      ]);
    } catch (e) {
      if (view.isConnected && mine === asked) fill(out, errorNote(e));
      return;
    }
    if (!view.isConnected || mine !== asked) return;
    fill(
      out,
      d && d.error ? errorNote(d.error) : duplicatesPanel(d),
      h('h2', null, t('capacity.match_proposed')),
      headline(p),
      assignmentsTable(p, reload),
      h('h2', null, t('capacity.match_unmet')),
      unmetTable(p),
      h('h2', null, t('capacity.match_confirmed_title')),
      matchesTable((m && m.items) || [], reload),
    );
  }
  const changed = () => {
    const q = query(filter());
    history.replaceState(null, '', `#/capacity/matches${q ? `?${q}` : ''}`);
    load();
  };
  for (const s of Object.values(f)) s.addEventListener('change', changed);
  load();
}
