// Proposals under the silence procedure (issue 15, docs/proposals.md): the list (#/proposals),
// the form (#/proposals/new) and the page of one (#/proposals/ID) with its text, versions,
// positions, a live countdown to the deadline and, once closed, the outcome with links to the
// decision and the actions it created. The countdown runs on the server's clock (the "now" of
// the reply), so a device whose clock is wrong still shows when silence ends; at the deadline
// and on every live event that concerns the reader the page asks for the proposal again.
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { field, input, onSubmit, select, statusLine } from '../forms.js';
import { countdown, instant, num, t } from '../i18n.js';
import { facts, query, tlpBadge, TLPS } from '../incidents/common.js';
import { blocks } from '../markdown.js';
import { markingFields } from '../marking.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

const href = (id) => `#/proposals/${encodeURIComponent(id)}`;

// Whether the live stream is open (live.js writes it on <html>).
const liveUp = () => document.documentElement.dataset.live === 'open';

function onLive(fn) {
  const on = (ev) => fn(ev.detail.kind, ev.detail.data || {});
  window.addEventListener('bh-live', on);
  return () => window.removeEventListener('bh-live', on);
}

// "America/New_York" → "New York".
const place = (zone) =>
  String(zone || '')
    .split('/')
    .pop()
    .replace(/_/g, ' ');

const STATUS = () => ({
  open: t('proposals.status_open'),
  adopted: t('proposals.status_adopted'),
  not_adopted: t('proposals.status_not_adopted'),
  withdrawn: t('proposals.status_withdrawn'),
});

const POSITION = () => ({
  support: t('proposals.position_support'),
  break_silence: t('proposals.position_break_silence'),
  abstain: t('proposals.position_abstain'),
  comment: t('proposals.position_comment'),
});

const EVENT = () => ({
  opened: t('proposals.event_opened'),
  amended: t('proposals.event_amended'),
  extended: t('proposals.event_extended'),
  withdrawn: t('proposals.event_withdrawn'),
  adopted: t('proposals.event_adopted'),
  not_adopted: t('proposals.event_not_adopted'),
});

function statusBadge(status) {
  const cls =
    status === 'adopted' ? 'badge badge-on' : status === 'open' ? 'badge' : 'badge badge-off';
  return h('span', { class: cls, 'data-status': status }, STATUS()[status] || status);
}

function countsText(c) {
  const n = c || {};
  return t('proposals.counts', {
    support: num(n.support || 0),
    break_silence: num(n.break_silence || 0),
    abstain: num(n.abstain || 0),
    comment: num(n.comment || 0),
  });
}

function may(perm) {
  const u = session.user;
  return !!(u && Array.isArray(u.permissions) && u.permissions.includes(perm));
}

// The server's clock minus this device's, from a reply's "now".
function skewOf(now) {
  const server = Date.parse(now || '');
  return Number.isNaN(server) ? 0 : server - Date.now();
}

// ---- the list ----

export function renderProposals(view) {
  const out = h('div', null, loading(t('proposals.loading')));
  view.append(
    pageHeader(t('proposals.title'), t('proposals.intro')),
    may('proposal.write')
      ? h(
          'p',
          { class: 'actions' },
          h('a', { href: '#/proposals/new', class: 'button' }, t('proposals.new')),
        )
      : null,
    out,
  );
  let timer = null;
  let items = [];
  let skew = 0;
  const cells = [];
  const tick = () => {
    const now = Date.now() + skew;
    for (const [el, p] of cells) {
      const left = Date.parse(p.deadline) - now;
      el.textContent = left > 0 ? countdown(left) : t('proposals.deadline_passed');
    }
  };
  async function load(cursor) {
    let r;
    try {
      r = await api('GET', `/api/v1/proposals?${query({ cursor, limit: 50 })}`);
    } catch (e) {
      if (view.isConnected) fill(out, errorNote(e));
      return;
    }
    if (!view.isConnected) return;
    skew = skewOf(r && r.now);
    items = cursor ? items.concat((r && r.items) || []) : (r && r.items) || [];
    cells.length = 0;
    const next = r && (r.next || r.next_cursor);
    fill(
      out,
      table(
        t('proposals.title'),
        [
          t('proposals.col_title'),
          t('proposals.col_status'),
          t('proposals.col_deadline'),
          t('proposals.col_counts'),
          t('proposals.col_marking'),
        ],
        items.map((p) => {
          let left = null;
          if (p.status === 'open') {
            left = h('span', { class: 'muted countdown', dir: 'ltr' });
            cells.push([left, p]);
          }
          return [
            h('a', { href: href(p.id), dir: 'auto' }, p.title || p.id),
            statusBadge(p.status),
            h('span', null, deadlineText(p), left ? h('br') : null, left),
            countsText(p.counts),
            tlpBadge(p.tlp),
          ];
        }),
        t('proposals.none'),
      ),
      next
        ? h(
            'p',
            { class: 'actions' },
            h('button', { type: 'button', onclick: () => load(next) }, t('proposals.show_more')),
          )
        : null,
    );
    tick();
  }
  load();
  timer = setInterval(tick, 1000);
  const stop = onLive((kind) => {
    if (kind === 'notification' || kind === 'proposal') load();
  });
  view.bhLeave = () => {
    clearInterval(timer);
    stop();
  };
}

// ---- the form ----

function zones() {
  let list = [];
  try {
    list = Intl.supportedValuesOf('timeZone');
  } catch (e) {
    list = [];
  }
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  if (!list.includes(mine)) list = [mine].concat(list);
  if (!list.includes('UTC')) list = list.concat(['UTC']);
  return { list, mine };
}

// The eight areas of Action for Peacekeeping, named as the commitments page names them.
const A4P = () => [
  ['politics', t('commitments.a4p.politics')],
  ['wps', t('commitments.a4p.wps')],
  ['protection', t('commitments.a4p.protection')],
  ['safety_security', t('commitments.a4p.safety_security')],
  ['performance', t('commitments.a4p.performance')],
  ['peacebuilding', t('commitments.a4p.peacebuilding')],
  ['partnerships', t('commitments.a4p.partnerships')],
  ['conduct', t('commitments.a4p.conduct')],
];

function actionRow(i) {
  const box = h(
    'fieldset',
    { class: 'card proposal-action', 'data-action': String(i) },
    h('legend', null, t('proposals.action_n', { n: num(i + 1) })),
    field(t('proposals.action_title'), input(`action_title_${i}`, { maxlength: 200 })),
    field(
      t('proposals.action_mission'),
      input(`action_mission_${i}`, { dir: 'ltr', maxlength: 31 }),
    ),
    field(
      t('proposals.action_org'),
      input(`action_org_${i}`, { dir: 'ltr', maxlength: 16 }),
      t('proposals.action_org_hint'),
    ),
    field(t('proposals.action_due'), input(`action_due_${i}`, { type: 'date' })),
  );
  return box;
}

export function renderProposalForm(view) {
  const { list, mine } = zones();
  const c = {
    tlp: select(
      'tlp',
      TLPS.map((v) => [v, `TLP:${v}`]),
      'GREEN',
    ),
    sharing_group: input('sharing_group', { inputmode: 'numeric', dir: 'ltr' }),
    recipients: input('recipients', { dir: 'ltr' }),
  };
  const marking = markingFields(c);
  const planBox = h('div', { class: 'proposal-plan', hidden: true });
  const actions = h('div', null, actionRow(0));
  let nActions = 1;
  const withPlan = h('input', { type: 'checkbox', name: 'with_plan', id: 'proposal-with-plan' });
  withPlan.addEventListener('change', () => {
    planBox.hidden = !withPlan.checked;
  });
  planBox.append(
    field(t('proposals.commitment_title'), input('commitment_title', { maxlength: 200 })),
    field(
      t('proposals.commitment_area'),
      select('commitment_area', [['', t('proposals.area_none')]].concat(A4P()), ''),
    ),
    actions,
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            actions.append(actionRow(nActions));
            nActions += 1;
          },
        },
        t('proposals.add_action'),
      ),
    ),
  );
  const status = statusLine();
  const form = h(
    'form',
    { class: 'card proposal-form', novalidate: true },
    h('p', { class: 'alert alert-error form-alert', role: 'alert', hidden: true }),
    field(t('proposals.field_title'), input('title', { required: true, maxlength: 200 })),
    field(
      t('proposals.field_text'),
      h('textarea', { name: 'text', rows: 8, required: true, dir: 'auto' }),
      t('proposals.field_text_hint'),
    ),
    field(
      t('proposals.field_deadline'),
      input('deadline', { type: 'datetime-local', required: true }),
    ),
    field(
      t('proposals.field_time_zone'),
      select(
        'time_zone',
        list.map((z) => [z, z]),
        mine,
        { dir: 'ltr' },
      ),
      t('proposals.field_time_zone_hint'),
    ),
    field(
      t('proposals.field_sponsors'),
      input('sponsors', { dir: 'ltr' }),
      t('proposals.field_sponsors_hint'),
    ),
    marking.tlp,
    marking.group,
    marking.recipients,
    h(
      'p',
      null,
      withPlan,
      ' ',
      h('label', { for: 'proposal-with-plan' }, t('proposals.with_plan')),
    ),
    planBox,
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('proposals.submit')),
    ),
    status,
  );
  const val = (name) => (form.elements[name] ? String(form.elements[name].value || '').trim() : '');
  const codes = (text) =>
    text
      .split(/[\s,;]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
  onSubmit(
    form,
    async (idem) => {
      const body = {
        title: val('title'),
        text: val('text'),
        deadline: val('deadline').replace(' ', 'T'),
        time_zone: val('time_zone'),
        sponsors: codes(val('sponsors')),
        tlp: val('tlp'),
      };
      if (body.tlp === 'AMBER' && val('sharing_group'))
        body.sharing_group = Number(val('sharing_group'));
      if (body.tlp === 'RED')
        body.recipients = val('recipients')
          .split(/[\s,;]+/)
          .filter(Boolean);
      if (withPlan.checked) {
        const commitment = { title: val('commitment_title'), source: 'group' };
        if (val('commitment_area')) commitment.a4p_area = val('commitment_area');
        const acts = [];
        for (let i = 0; i < nActions; i += 1) {
          if (!val(`action_title_${i}`) && !val(`action_mission_${i}`)) continue;
          acts.push({
            title: val(`action_title_${i}`),
            mission: val(`action_mission_${i}`).toUpperCase(),
            responsible_org: val(`action_org_${i}`).toUpperCase(),
            due_date: val(`action_due_${i}`),
          });
        }
        body.plan = { commitment, actions: acts };
      }
      const p = await api('POST', '/api/v1/proposals', body, { idempotencyKey: idem });
      location.hash = href(p.id);
    },
    status,
  );
  view.append(pageHeader(t('proposals.new_title'), t('proposals.new_intro')), form);
}

// ---- one proposal ----

function deadlineText(p) {
  return h(
    'span',
    { class: 'deadline' },
    h('span', { class: 'deadline-reader', dir: 'auto' }, instant(p.deadline)),
    p.time_zone ? ' ' : null,
    p.time_zone
      ? h(
          'span',
          { class: 'muted deadline-set', dir: 'auto' },
          t('proposals.deadline_as_set', {
            time: instant(p.deadline, p.time_zone),
            place: place(p.time_zone),
          }),
        )
      : null,
  );
}

function outcome(p) {
  if (p.status === 'open') return null;
  const links = [];
  if (p.decision)
    links.push(
      h(
        'li',
        null,
        h(
          'a',
          { href: `#/decisions/${encodeURIComponent(p.decision)}`, class: 'decision-link' },
          t('proposals.decision_link'),
        ),
      ),
    );
  for (const a of p.actions || [])
    links.push(
      h(
        'li',
        null,
        h(
          'a',
          { href: `#/actions/${encodeURIComponent(a.id)}`, class: 'action-link', dir: 'auto' },
          a.title || a.id,
        ),
      ),
    );
  const closing = (p.events || [])
    .filter((e) => e.kind === p.status || e.kind === 'withdrawn')
    .pop();
  const cls = p.status === 'adopted' ? 'alert alert-success' : 'alert';
  return h(
    'section',
    { class: `${cls} proposal-outcome`, role: 'status', 'data-status': p.status },
    h('h2', null, STATUS()[p.status] || p.status),
    closing && closing.note ? h('p', { dir: 'auto' }, closing.note) : null,
    links.length ? h('ul', null, links) : null,
  );
}

function positionsTable(p) {
  const names = POSITION();
  return table(
    t('proposals.positions'),
    [t('proposals.col_org'), t('proposals.col_position'), t('proposals.col_reasons')],
    (p.positions || []).map((x) => [
      h('span', { dir: 'auto' }, x.org_name || x.org),
      names[x.position] || x.position,
      x.reasons ? h('span', { dir: 'auto' }, x.reasons) : '—',
    ]),
    t('proposals.no_positions'),
  );
}

function statementsList(p) {
  const names = POSITION();
  const items = p.statements || [];
  if (!items.length) return null;
  return h(
    'section',
    { class: 'proposal-statements' },
    h('h2', null, t('proposals.statements')),
    h(
      'ul',
      null,
      items.map((s) =>
        h(
          'li',
          null,
          h('strong', { dir: 'auto' }, s.org_name || s.org),
          ' ',
          t('proposals.statement_meta', {
            position: names[s.position] || s.position,
            version: num(s.version),
            at: instant(s.at),
          }),
          s.reasons ? h('p', { dir: 'auto' }, s.reasons) : null,
        ),
      ),
    ),
  );
}

function versionsList(p) {
  const vs = (p.versions || []).slice().reverse();
  if (vs.length < 2) return null;
  return h(
    'section',
    { class: 'proposal-versions' },
    h('h2', null, t('proposals.versions')),
    vs.map((v) =>
      h(
        'details',
        null,
        h(
          'summary',
          null,
          t('proposals.version_meta', { version: num(v.version), at: instant(v.created_at) }),
        ),
        v.note ? h('p', { class: 'muted', dir: 'auto' }, v.note) : null,
        h('div', { class: 'prose', dir: 'auto' }, blocks(v.text || '')),
      ),
    ),
  );
}

function eventsList(p) {
  const names = EVENT();
  return h(
    'section',
    { class: 'proposal-events' },
    h('h2', null, t('proposals.events')),
    h(
      'ol',
      null,
      (p.events || []).map((e) =>
        h(
          'li',
          null,
          t('proposals.event_line', {
            event: names[e.kind] || e.kind,
            at: instant(e.at),
            by: e.by || t('proposals.by_server'),
          }),
          e.note ? h('span', { class: 'muted', dir: 'auto' }, ` — ${e.note}`) : null,
        ),
      ),
    ),
  );
}

function planSummary(p) {
  if (!p.plan || !p.plan.commitment) return null;
  const acts = p.plan.actions || [];
  return h(
    'section',
    { class: 'proposal-plan-summary' },
    h('h2', null, t('proposals.plan')),
    h('p', { dir: 'auto' }, p.plan.commitment.title || ''),
    acts.length
      ? h(
          'ul',
          null,
          acts.map((a) =>
            h(
              'li',
              { dir: 'auto' },
              t('proposals.plan_action', {
                title: a.title || '',
                mission: a.mission || '',
                org: a.responsible_org || '',
                due: a.due_date || '',
              }),
            ),
          ),
        )
      : null,
  );
}

function positionForm(p, reload) {
  const names = POSITION();
  const choices = ['support', 'break_silence', 'abstain', 'comment'];
  const form = h(
    'form',
    { class: 'card position-form', novalidate: true },
    h('h2', null, t('proposals.state_position', { org: (session.user && session.user.org) || '' })),
    h('p', { class: 'alert alert-error form-alert', role: 'alert', hidden: true }),
    field(
      t('proposals.col_position'),
      select(
        'position',
        choices.map((c) => [c, names[c]]),
        'support',
      ),
    ),
    field(
      t('proposals.col_reasons'),
      h('textarea', { name: 'reasons', rows: 3, dir: 'auto' }),
      t('proposals.reasons_hint'),
    ),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('proposals.send_position')),
    ),
  );
  onSubmit(form, async () => {
    const body = { position: form.elements.position.value };
    const reasons = form.elements.reasons.value.trim();
    if (reasons) body.reasons = reasons;
    await api('POST', `/api/v1/proposals/${encodeURIComponent(p.id)}/positions`, body);
    reload();
  });
  return form;
}

function chairForms(p, reload) {
  const { list } = zones();
  const ext = h(
    'form',
    { class: 'card extend-form', novalidate: true },
    h('h2', null, t('proposals.extend')),
    h('p', { class: 'alert alert-error form-alert', role: 'alert', hidden: true }),
    field(
      t('proposals.field_deadline'),
      input('deadline', { type: 'datetime-local', required: true }),
    ),
    field(
      t('proposals.field_time_zone'),
      select(
        'time_zone',
        list.map((z) => [z, z]),
        p.time_zone,
        { dir: 'ltr' },
      ),
    ),
    field(t('proposals.reason'), input('reason', { maxlength: 500 })),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('proposals.extend'))),
  );
  onSubmit(ext, async () => {
    await api('POST', `/api/v1/proposals/${encodeURIComponent(p.id)}/extend`, {
      deadline: ext.elements.deadline.value.trim().replace(' ', 'T'),
      time_zone: ext.elements.time_zone.value,
      reason: ext.elements.reason.value.trim(),
    });
    reload();
  });
  const wd = h(
    'form',
    { class: 'card withdraw-form', novalidate: true },
    h('h2', null, t('proposals.withdraw')),
    h('p', { class: 'alert alert-error form-alert', role: 'alert', hidden: true }),
    field(t('proposals.reason'), input('reason', { required: true, maxlength: 500 })),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('proposals.withdraw'))),
  );
  onSubmit(wd, async () => {
    await api('POST', `/api/v1/proposals/${encodeURIComponent(p.id)}/withdraw`, {
      reason: wd.elements.reason.value.trim(),
    });
    reload();
  });
  return [ext, wd];
}

function amendForm(p, reload) {
  const form = h(
    'form',
    { class: 'card amend-form', novalidate: true },
    h('h2', null, t('proposals.amend')),
    h('p', { class: 'alert alert-error form-alert', role: 'alert', hidden: true }),
    field(
      t('proposals.field_text'),
      h('textarea', { name: 'text', rows: 6, required: true, dir: 'auto' }, p.text || ''),
    ),
    field(t('proposals.amend_note'), input('note', { maxlength: 500 })),
    h('p', { class: 'hint' }, t('proposals.amend_hint')),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('proposals.amend'))),
  );
  onSubmit(form, async () => {
    await api('POST', `/api/v1/proposals/${encodeURIComponent(p.id)}/amend`, {
      text: form.elements.text.value,
      note: form.elements.note.value.trim(),
    });
    reload();
  });
  return form;
}

export async function renderProposal(view, [id]) {
  view.append(loading(t('proposals.loading_one')));
  let timer = null;
  let stop = null;
  let skew = 0;
  let p = null;
  let asked = 0;
  const clock = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off', dir: 'ltr' });
  const tick = () => {
    if (!p || p.status !== 'open') {
      clock.textContent = '';
      return;
    }
    const left = Date.parse(p.deadline) - (Date.now() + skew);
    if (left > 0) {
      clock.textContent = t('proposals.closes_in', { time: countdown(left) });
      return;
    }
    clock.textContent = t('proposals.deadline_reached');
    // The server closes it at the deadline and says so on the live stream (a "proposal" event,
    // which loads it again below); only while the stream is down does the page ask by itself,
    // every 30 s.
    if (!liveUp() && Date.now() - asked > 30000) load();
  };
  async function load() {
    asked = Date.now();
    let r;
    try {
      r = await api('GET', `/api/v1/proposals/${encodeURIComponent(id)}`);
    } catch (e) {
      if (view.isConnected) fill(view, pageHeader(t('proposals.title')), errorNote(e));
      return;
    }
    if (!view.isConnected) return;
    p = r;
    skew = skewOf(p.now);
    const can = p.can || {};
    fill(
      view,
      pageHeader(p.title || p.id),
      h('div', { class: 'badges' }, statusBadge(p.status), ' ', tlpBadge(p.tlp)),
      clock,
      outcome(p),
      facts([
        [t('proposals.col_deadline'), deadlineText(p)],
        [t('proposals.sponsors'), h('span', { dir: 'ltr' }, (p.sponsors || []).join(', '))],
        [t('proposals.version'), num(p.version)],
        [t('proposals.col_counts'), countsText(p.counts)],
      ]),
      h('article', { class: 'card prose proposal-text', dir: 'auto' }, blocks(p.text || '')),
      planSummary(p),
      positionsTable(p),
      can.state_position ? positionForm(p, load) : null,
      can.amend ? amendForm(p, load) : null,
      can.chair ? chairForms(p, load) : null,
      statementsList(p),
      versionsList(p),
      eventsList(p),
      h(
        'p',
        { class: 'actions' },
        h('a', { href: '#/proposals', class: 'button' }, t('proposals.back')),
      ),
    );
    tick();
  }
  await load();
  timer = setInterval(tick, 1000);
  stop = onLive((kind, data) => {
    if (
      kind === 'notification' ||
      (kind === 'proposal' && (!data.record_id || data.record_id === id))
    )
      load();
  });
  view.bhLeave = () => {
    clearInterval(timer);
    if (stop) stop();
  };
}
