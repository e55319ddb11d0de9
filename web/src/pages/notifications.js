// The reader's notifications (#/notifications, from the bell in the header): newest first,
// unread ones marked, each a sentence in the reader's language (`notify.<kind>` with the
// notification's parameters) linking to what it is about; "Mark read" and "Mark all read".
// A notification arriving on the live stream puts the list up to date.
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { dateTime, has, t } from '../i18n.js';
import { query } from '../incidents/common.js';
import { errorNote, loading, pageHeader } from '../ui.js';

// The live stream's events while the page listens (live.js sends them on window); returns the
// function that stops listening. `bell()` asks the header's bell to count again.
function onLive(fn) {
  const on = (ev) => fn(ev.detail.kind, ev.detail.data || {});
  window.addEventListener('bh-live', on);
  return () => window.removeEventListener('bh-live', on);
}
const refreshBell = () => window.dispatchEvent(new Event('bh-bell'));

// The sentence of a notification; a kind this version has no words for says so plainly.
export function notificationText(n) {
  const given = n.params && typeof n.params === 'object' ? n.params : {};
  // A parameter the server did not send reads as a dash, not as a broken sentence.
  const params = new Proxy(given, {
    get: (o, k) => (typeof k === 'string' && o[k] != null ? String(o[k]) : '—'),
    has: () => true,
  });
  return has(`notify.${n.kind}`) ? t(`notify.${n.kind}`, params) : t('notifications.other');
}

export function renderNotifications(view) {
  const unreadOnly = h('input', { type: 'checkbox', id: 'notif-unread' });
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const allBtn = h('button', { type: 'button' }, t('notifications.read_all'));
  const list = h('div', null, loading(t('notifications.loading')));
  view.append(
    pageHeader(t('notifications.title')),
    h(
      'div',
      { class: 'filters' },
      h(
        'div',
        { class: 'filter check' },
        unreadOnly,
        h('label', { for: 'notif-unread' }, t('notifications.unread_only')),
      ),
      allBtn,
    ),
    status,
    list,
  );
  const mark = async (n, btn) => {
    btn.disabled = true;
    try {
      await api('POST', `/api/v1/notifications/${encodeURIComponent(n.id)}/read`);
      n.read_at = new Date().toISOString();
      refreshBell();
      draw();
    } catch (e) {
      btn.disabled = false;
      status.textContent = e.message;
    }
  };
  let items = [];
  const draw = () => {
    const shown = unreadOnly.checked ? items.filter((n) => !n.read_at) : items;
    if (!shown.length) {
      fill(list, h('p', { class: 'empty' }, t('notifications.none')));
      return;
    }
    fill(
      list,
      h(
        'ul',
        { class: 'notif-list' },
        shown.map((n) => {
          const text = notificationText(n);
          const btn = n.read_at
            ? null
            : h('button', { type: 'button', class: 'small' }, t('notifications.mark_read'));
          if (btn) btn.addEventListener('click', () => mark(n, btn));
          return h(
            'li',
            { class: `notif${n.read_at ? '' : ' notif-unread'}`, 'data-id': n.id },
            n.read_at ? null : h('span', { class: 'badge badge-new' }, t('notifications.unread')),
            h(
              'span',
              { class: 'notif-text' },
              n.link
                ? h(
                    'a',
                    {
                      href: `#${n.link}`,
                      onclick: () => {
                        if (!n.read_at)
                          api(
                            'POST',
                            `/api/v1/notifications/${encodeURIComponent(n.id)}/read`,
                          ).then(refreshBell, () => {});
                      },
                    },
                    text,
                  )
                : text,
            ),
            h('span', { class: 'muted notif-time' }, dateTime(n.created_at)),
            btn,
          );
        }),
      ),
    );
  };
  async function load() {
    let r;
    try {
      r = await api('GET', `/api/v1/notifications?${query({ limit: 100 })}`);
    } catch (e) {
      if (view.isConnected) fill(list, errorNote(e));
      return;
    }
    if (!view.isConnected) return;
    items = (r && r.items) || [];
    draw();
  }
  unreadOnly.addEventListener('change', draw);
  allBtn.addEventListener('click', async () => {
    allBtn.disabled = true;
    try {
      await api('POST', '/api/v1/notifications/read-all');
      const now = new Date().toISOString();
      for (const n of items) if (!n.read_at) n.read_at = now;
      refreshBell();
      status.textContent = t('notifications.all_read');
      draw();
    } catch (e) {
      status.textContent = e.message;
    } finally {
      allBtn.disabled = false;
    }
  });
  load();
  view.bhLeave = onLive((kind) => {
    if (kind === 'notification') load();
  });
}
