// Alerts (issue 14, CAP 1.2): the feed (#/alerts) and one alert (#/alerts/ID) with its info
// blocks, its area on the map, the CAP XML link and, for the sender's organization, the
// acknowledgement board. The feed and the board follow the live stream (live.js): a new or
// updated alert is fetched and put in place without reloading; an acknowledgement redraws the
// board. The map's script (Leaflet) is fetched only when an alert with an area is opened.
import { api, ApiError } from '../api.js';
import { append, clear, fill, h } from '../dom.js';
import { dateTime, has, num, t } from '../i18n.js';
import { facts, query, takeFlash, tlpBadge } from '../incidents/common.js';
import { can, session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

// The live stream's events while the page listens (live.js sends them on window); returns the
// function that stops listening. `bell()` asks the header's bell to count again.
function onLive(fn) {
  const on = (ev) => fn(ev.detail.kind, ev.detail.data || {});
  window.addEventListener('bh-live', on);
  return () => window.removeEventListener('bh-live', on);
}
const refreshBell = () => window.dispatchEvent(new Event('bh-bell'));

// CAP 1.2's code lists, in the standard's order. Their words are `alerts.<list>.<code>`.
export const CAP = {
  status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
  msg_type: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
  category: [
    'Security',
    'Safety',
    'Health',
    'Transport',
    'Infra',
    'Rescue',
    'Fire',
    'Geo',
    'Met',
    'Env',
    'CBRNE',
    'Other',
  ],
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
  response_type: [
    'Shelter',
    'Evacuate',
    'Prepare',
    'Execute',
    'Avoid',
    'Monitor',
    'Assess',
    'AllClear',
    'None',
  ],
};

// The words for a CAP code; a code the app has no words for is shown as it is.
const WORDS = {
  status: (c) => t(`alerts.status.${c}`),
  msg_type: (c) => t(`alerts.msg_type.${c}`),
  category: (c) => t(`alerts.category.${c}`),
  urgency: (c) => t(`alerts.urgency.${c}`),
  severity: (c) => t(`alerts.severity.${c}`),
  certainty: (c) => t(`alerts.certainty.${c}`),
  response_type: (c) => t(`alerts.response_type.${c}`),
};
export function capWord(list, code) {
  if (!code) return '—';
  return has(`alerts.${list}.${code}`) ? WORDS[list](code) : code;
}

// The severity as a coloured badge that also says it in words (colour is never alone).
export function severityBadge(code) {
  const c = String(code || 'Unknown');
  return h('span', { class: `badge sev sev-${c.toLowerCase()}` }, capWord('severity', c));
}

const FIRST = (a) => (a && a.info && a.info[0]) || a || {};
const expiresOf = (a) => a.expires || FIRST(a).expires;
const expired = (a) =>
  a.active === false || (expiresOf(a) && Date.parse(expiresOf(a)) < Date.now());
export const alertHref = (id) => `#/alerts/${encodeURIComponent(id)}`;

// The reader's state of an alert as a badge: acknowledged (when), new (arrived while the page
// was open, or not yet read), expired or cancelled.
function stateBadges(a, fresh) {
  const out = [];
  if (a.state === 'cancelled' || a.msg_type === 'Cancel')
    out.push(h('span', { class: 'badge badge-off' }, t('alerts.state_cancelled')));
  else if (expired(a)) out.push(h('span', { class: 'badge badge-off' }, t('alerts.state_expired')));
  else if (a.state === 'updated')
    out.push(h('span', { class: 'badge' }, t('alerts.state_updated')));
  if (a.acknowledged_at)
    out.push(
      h(
        'span',
        { class: 'badge badge-on', title: dateTime(a.acknowledged_at) },
        t('alerts.state_acknowledged', { time: dateTime(a.acknowledged_at) }),
      ),
    );
  else if (fresh) out.push(h('span', { class: 'badge badge-new' }, t('alerts.state_new')));
  return out;
}

// "Acknowledge" for an alert that asks for it and that the reader's organization has not
// acknowledged yet; `done(acknowledged_at)` after the server agreed.
function ackButton(a, done) {
  if (!a.ack_required || a.acknowledged_at) return null;
  const note = h('span', { class: 'field-error', role: 'alert', hidden: true });
  const b = h(
    'button',
    {
      type: 'button',
      class: 'small primary',
      onclick: async () => {
        b.disabled = true;
        try {
          const r = await api('POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/ack`);
          a.acknowledged_at = (r && r.acknowledged_at) || new Date().toISOString();
          refreshBell();
          done(a.acknowledged_at);
        } catch (e) {
          b.disabled = false;
          note.textContent = e.message;
          note.hidden = false;
        }
      },
    },
    t('alerts.acknowledge'),
  );
  return h('span', { class: 'ack' }, b, note);
}

// One alert in the feed.
function feedItem(a, fresh) {
  const i = FIRST(a);
  const li = h('li', {
    class: `alert-item${fresh ? ' alert-fresh' : ''}${expired(a) ? ' alert-expired' : ''}`,
    'data-id': a.id,
  });
  const draw = () =>
    fill(
      li,
      h(
        'div',
        { class: 'alert-item-head' },
        severityBadge(i.severity || a.severity),
        h(
          'a',
          { href: alertHref(a.id), class: 'alert-headline', dir: 'auto' },
          i.headline || a.headline || i.event || a.event || a.identifier,
        ),
      ),
      h(
        'p',
        { class: 'alert-meta' },
        t('alerts.meta', {
          event: i.event || a.event || '—',
          org: a.sender_org || '—',
          sent: a.sent ? dateTime(a.sent) : '—',
        }),
      ),
      h(
        'p',
        { class: 'alert-meta' },
        t('alerts.urgency_certainty', {
          urgency: capWord('urgency', i.urgency || a.urgency),
          certainty: capWord('certainty', i.certainty || a.certainty),
        }),
        ' ',
        i.expires || a.expires
          ? t('alerts.expires_at', { time: dateTime(i.expires || a.expires) })
          : null,
      ),
      h(
        'div',
        { class: 'badges' },
        tlpBadge(a.tlp),
        a.status && a.status !== 'Actual'
          ? h('span', { class: 'badge' }, capWord('status', a.status))
          : null,
        stateBadges(a, fresh),
        ackButton(a, () => {
          li.classList.remove('alert-fresh');
          draw();
        }),
      ),
    );
  draw();
  return li;
}

export function renderAlerts(view) {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const search = h('input', {
    type: 'search',
    name: 'q',
    value: params.get('q') || '',
    autocomplete: 'off',
  });
  const expiredBox = h('input', {
    type: 'checkbox',
    name: 'expired',
    checked: params.get('expired') === '1',
  });
  const asOf = h('p', { class: 'muted as-of' });
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'alert-list' });
  const more = h('p', { class: 'actions' });
  const out = h('div', null);
  const flash = takeFlash();
  append(view, [
    pageHeader(t('alerts.title'), t('alerts.intro')),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    h(
      'p',
      { class: 'actions' },
      can('alert.send')
        ? h('a', { href: '#/alerts/new', class: 'button primary' }, t('alerts.new'))
        : null,
      h('a', { href: '#/bulletins', class: 'button' }, t('alerts.to_bulletins')),
      h(
        'a',
        { href: '/api/v1/alerts.atom', class: 'button', type: 'application/atom+xml' },
        t('alerts.atom'),
      ),
    ),
    h(
      'form',
      {
        class: 'filters',
        role: 'search',
        onsubmit: (ev) => {
          ev.preventDefault();
          load();
        },
      },
      h(
        'div',
        { class: 'filter' },
        h('label', { for: 'alert-q' }, t('alerts.search')),
        Object.assign(search, { id: 'alert-q' }),
      ),
      h(
        'div',
        { class: 'filter check' },
        Object.assign(expiredBox, { id: 'alert-expired' }),
        h('label', { for: 'alert-expired' }, t('alerts.show_expired')),
      ),
      h('button', { type: 'submit' }, t('alerts.search_button')),
    ),
    asOf,
    count,
    out,
  ]);
  expiredBox.addEventListener('change', () => load());

  let seq = 0;
  let total = 0;
  async function load(cursor) {
    const my = ++seq;
    const q = search.value.trim();
    const state = { q, expired: expiredBox.checked ? '1' : '' };
    history.replaceState(null, '', `#/alerts${query(state) ? `?${query(state)}` : ''}`);
    if (!cursor) fill(out, loading(t('alerts.loading')));
    let r;
    try {
      r = await api(
        'GET',
        `/api/v1/alerts?${query({ active: expiredBox.checked ? '0' : '1', q, cursor, limit: 50 })}`,
      );
    } catch (e) {
      if (my === seq) fill(out, errorNote(e));
      return;
    }
    if (my !== seq || !view.isConnected) return;
    const items = (r && r.items) || [];
    total = Number((r && r.total) || items.length);
    asOf.textContent = t('alerts.as_of', { time: dateTime(new Date().toISOString()) });
    if (!cursor) {
      clear(list);
      fill(out, list, more);
    }
    for (const a of items) list.append(feedItem(a, false));
    count.textContent = t('alerts.count', { n: total });
    if (!list.children.length) fill(out, h('p', { class: 'empty' }, t('alerts.none')));
    const next = r && (r.next || r.next_cursor);
    fill(
      more,
      next
        ? h('button', { type: 'button', onclick: () => load(next) }, t('alerts.show_more'))
        : null,
    );
  }
  load();

  // A new or changed alert from the stream: fetched and put at the top, or in its place.
  const stop = onLive(async (kind, data) => {
    if (kind !== 'alert' || !data.record_id) return;
    let a;
    try {
      a = await api('GET', `/api/v1/alerts/${encodeURIComponent(data.record_id)}`);
    } catch (e) {
      return; // not the reader's to see (any more)
    }
    if (!view.isConnected || !a) return;
    if (!expiredBox.checked && expired(a)) return;
    const item = feedItem(a, !a.acknowledged_at);
    const old = list.querySelector(`[data-id="${CSS.escape(a.id)}"]`);
    if (old) old.replaceWith(item);
    else {
      if (!list.isConnected) fill(out, list, more);
      list.prepend(item);
      total += 1;
      count.textContent = t('alerts.count', { n: total });
    }
    asOf.textContent = t('alerts.as_of', { time: dateTime(new Date().toISOString()) });
  });
  view.bhLeave = stop;
}

// ---- one alert ----

function infoBlock(i, n, many) {
  const list = (name, codes) =>
    (codes || []).length
      ? (codes || []).map((c) => capWord(name, c)).join(t('alerts.list_sep'))
      : '';
  return h(
    'section',
    { class: 'card alert-info-block', lang: i.language || null },
    many ? h('h2', null, t('alerts.info_n', { n, language: i.language || '—' })) : null,
    i.headline ? h('p', { class: 'lead', dir: 'auto' }, i.headline) : null,
    facts([
      [t('alerts.f_event'), i.event],
      [t('alerts.f_category'), list('category', i.category)],
      [t('alerts.f_urgency'), capWord('urgency', i.urgency)],
      [t('alerts.f_severity'), severityBadge(i.severity)],
      [t('alerts.f_certainty'), capWord('certainty', i.certainty)],
      [t('alerts.f_response'), list('response_type', i.response_type)],
      [t('alerts.f_effective'), i.effective ? dateTime(i.effective) : ''],
      [t('alerts.f_onset'), i.onset ? dateTime(i.onset) : ''],
      [t('alerts.f_expires'), i.expires ? dateTime(i.expires) : ''],
      [
        t('alerts.f_areas'),
        (i.areas || [])
          .map((x) => x.area_desc)
          .filter(Boolean)
          .join(t('alerts.list_sep')),
      ],
    ]),
    i.description
      ? h(
          'div',
          null,
          h('h3', null, t('alerts.f_description')),
          h('p', { class: 'prose', dir: 'auto' }, i.description),
        )
      : null,
    i.instruction
      ? h(
          'div',
          null,
          h('h3', null, t('alerts.f_instruction')),
          h('p', { class: 'prose', dir: 'auto' }, i.instruction),
        )
      : null,
  );
}

// Every area of every info block as [{polygon: [[lat, lon], ...]} | {circle}].
function areasOf(a) {
  const out = [];
  for (const i of a.info || [])
    for (const x of i.areas || []) {
      for (const p of x.polygons || (x.polygon ? [x.polygon] : [])) out.push({ polygon: p });
      for (const c of x.circles || (x.circle ? [x.circle] : [])) out.push({ circle: c });
    }
  return out;
}

// The acknowledgement board: per recipient organization, acknowledged or not, when and who.
async function board(box, id) {
  let r;
  try {
    r = await api('GET', `/api/v1/alerts/${encodeURIComponent(id)}/acks`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) box.hidden = true;
    else fill(box, errorNote(e));
    return;
  }
  const items = (r && r.items) || [];
  const acked = items.filter((x) => x.acknowledged_at).length;
  box.hidden = false;
  fill(
    box,
    h('h2', null, t('alerts.board')),
    h(
      'p',
      { class: 'count board-count' },
      t('alerts.board_count', { n: acked, total: num(items.length) }),
    ),
    table(
      t('alerts.board'),
      [
        t('alerts.board_org'),
        t('alerts.board_state'),
        t('alerts.board_when'),
        t('alerts.board_who'),
      ],
      items.map((x) => ({
        class: x.acknowledged_at ? 'row-acked' : null,
        cells: [
          h('span', null, x.name || x.org, ' ', h('span', { class: 'tag', dir: 'ltr' }, x.org)),
          x.acknowledged_at
            ? h('span', { class: 'badge badge-on' }, t('alerts.board_acked'))
            : h('span', { class: 'badge badge-off' }, t('alerts.board_not_yet')),
          x.acknowledged_at ? dateTime(x.acknowledged_at) : '—',
          x.acknowledged_by ? h('bdi', null, x.acknowledged_by) : '—',
        ],
      })),
      t('alerts.board_empty'),
    ),
  );
}

export async function renderAlert(view, [id]) {
  view.append(loading(t('alerts.loading_one')));
  let a;
  try {
    a = await api('GET', `/api/v1/alerts/${encodeURIComponent(id)}`);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('alerts.title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const i0 = FIRST(a);
  const flash = takeFlash();
  const mine = session.user && a.sender_org === session.user.org;
  const boardBox = h('section', { class: 'board', hidden: true });
  const mapBox = h('div', {
    class: 'alert-map',
    role: 'region',
    'aria-label': t('alerts.map_label'),
  });
  const areas = areasOf(a);
  const head = h('div', { class: 'badges' });
  const drawHead = () =>
    fill(
      head,
      severityBadge(i0.severity),
      tlpBadge(a.tlp),
      h('span', { class: 'badge' }, capWord('status', a.status)),
      h('span', { class: 'badge' }, capWord('msg_type', a.msg_type)),
      stateBadges(a, false),
      ackButton(a, drawHead),
    );
  drawHead();
  fill(
    view,
    pageHeader(i0.headline || i0.event || a.identifier),
    flash ? h('p', { class: 'alert alert-success', role: 'status' }, flash) : null,
    head,
    facts([
      [t('alerts.f_identifier'), h('code', { dir: 'ltr' }, a.identifier)],
      [t('alerts.f_sender'), a.sender_org],
      [t('alerts.f_sent'), a.sent ? dateTime(a.sent) : ''],
    ]),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '#/alerts', class: 'button' }, t('alerts.back')),
      h(
        'a',
        { href: `/api/v1/alerts/${encodeURIComponent(a.id)}.cap`, class: 'button' },
        // i18n-exempt: the standard's name
        'CAP XML',
      ),
    ),
    (a.info || [a]).map((i, n) => infoBlock(i, n + 1, (a.info || []).length > 1)),
    areas.length ? mapBox : null,
    boardBox,
  );
  let map = null;
  let removeMap = null;
  if (areas.length)
    import('./alert_map.js')
      .then((m) => {
        removeMap = m.removeMap;
        return m.areaMap(mapBox, areas);
      })
      .then(
        (m) => (map = m),
        () => fill(mapBox, errorNote({ message: t('shell.page_failed') })),
      );
  if (mine || a.recipients) board(boardBox, a.id);
  // An acknowledgement reaches the sender as a notification, and the alert's own event: the
  // board is asked again.
  const stop = onLive((kind, data) => {
    if (kind === 'notification' || (kind === 'alert' && data.record_id === a.id))
      if (mine || a.recipients) board(boardBox, a.id);
  });
  view.bhLeave = () => {
    stop();
    if (map) removeMap(map);
  };
}
