// The signed-in user's work list as the shell shows it: a count beside "Endorsement queue"
// (the reports waiting in the endorser's missions) and beside "My reports" (the user's reports
// returned to them), asked again on every navigation with one small request (GET
// /api/v1/me/work); and, after signing in, a notice when a report of the user's was returned or
// endorsed since they last looked. The server keeps when that was (POST /api/v1/me/work/seen,
// sent when My reports opens or the notice is dismissed), so the notice is the same on every
// device and does not come back for what was read.
import { api } from './api.js';
import { h } from './dom.js';
import { num, t } from './i18n.js';
import { can } from './state.js';

// Which navigation entry shows which count of the work list.
const NAV_COUNTS = {
  '/queue': (w) => w.queue || 0,
  '/reports': (w) => (w.mine && w.mine.returned) || 0,
};

// Whether the user has a work list at all: reporters and endorsers.
export function hasWork() {
  return can('record.read') && (can('record.write') || can('record.endorse'));
}

// One request at a time: a navigation while one is on its way shares its answer.
let asking = null;
export function fetchWork() {
  if (!asking)
    asking = api('GET', '/api/v1/me/work').finally(() => {
      asking = null;
    });
  return asking;
}

// "3" beside the entry, read by a screen reader as "3 waiting"; nothing when none waits.
function setCount(link, n) {
  let badge = link.querySelector('.nav-count');
  if (!n) {
    if (badge) badge.remove();
    return;
  }
  if (!badge) {
    badge = h('span', { class: 'nav-count' });
    link.append(badge);
  }
  badge.replaceChildren(
    h('span', { 'aria-hidden': 'true' }, num(n)),
    h('span', { class: 'visually-hidden' }, t('work.nav_waiting', { n })),
  );
}

// Asks for the work list and sets the counts in `nav`. A failure leaves the counts as they
// were: they are a convenience, and the pages themselves say what went wrong.
export async function refreshNavCounts(nav) {
  if (!hasWork()) return;
  let w;
  try {
    w = await fetchWork();
  } catch (e) {
    return;
  }
  if (!w || !nav.isConnected) return;
  for (const path of Object.keys(NAV_COUNTS)) {
    const link = nav.querySelector(`a[data-path="${path}"]`);
    if (link) setCount(link, NAV_COUNTS[path](w));
  }
}

export function markSeen() {
  return api('POST', '/api/v1/me/work/seen').catch(() => null);
}

// One change as a line: "Returned: IED, Bria." with the reason, or "Endorsed: …".
export function changeLine(c, typeLabel) {
  const title = t('work.change_title', {
    type: typeLabel(c.threat_type),
    place: c.place_name || c.mission,
  });
  return c.action === 'return'
    ? t('work.change_returned', { title, reason: c.reason || '' })
    : t('work.change_endorsed', { title });
}

// The taxonomy's words for threat types, for the notice (the incident pages keep their own
// copy, with their script); a code when they cannot be had.
async function typeLabels() {
  try {
    const tx = await api('GET', '/api/v1/taxonomy');
    const types = (tx && tx.threat_types) || [];
    return (code) => (types.find((x) => x.code === code) || { label: code }).label;
  } catch (e) {
    return (code) => code;
  }
}

// The notice shown after sign-in, put before `before` (the page's layout), when something of
// the user's changed since they last looked; nothing otherwise.
export async function showWorkNotice(before) {
  if (!hasWork() || !can('record.write')) return;
  let w, typeLabel;
  try {
    w = await fetchWork();
  } catch (e) {
    return;
  }
  if (w && w.changes_total) typeLabel = await typeLabels();
  if (!w || !w.changes_total || !before.isConnected) return;
  const notice = h(
    'div',
    { class: 'alert alert-info work-notice', role: 'status' },
    h('p', null, t('work.notice', { n: w.changes_total })),
    h(
      'ul',
      null,
      w.changes.slice(0, 5).map((c) => h('li', null, changeLine(c, typeLabel))),
    ),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '#/reports', class: 'button small primary' }, t('work.notice_open')),
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          onclick: () => {
            notice.remove();
            markSeen();
          },
        },
        t('work.notice_dismiss'),
      ),
    ),
  );
  // Opening My reports reads the news: the notice goes with it.
  notice.querySelector('a').addEventListener('click', () => notice.remove());
  before.before(notice);
}
