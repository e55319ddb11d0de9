// Admin: users. The list, with Disable / Enable on each row and Manage, which opens the user's
// panel (role, access, password reset, missions); the add-user form. The forms are a script of
// their own (account_forms.js), fetched with the register words when the page first opens, so
// the shell stays small; they check every field before asking the server and show all the
// problems at once.
import { api, listAll } from '../api.js';
import { clear, fill, h } from '../dom.js';
import { statusLine } from '../forms.js';
import { dateTime, loadRegisterMessages, t } from '../i18n.js';
import { label, ROLES } from '../labels.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

const loadForms = () =>
  Promise.all([import('./account_forms.js'), loadRegisterMessages()]).then(([m]) => m);

export function renderAdminUsers(view) {
  const listBox = h('div', null, loading(t('admin_users.loading')));
  const formBox = h('div', null, loading(t('admin_users.loading_orgs')));
  const status = statusLine();
  const manageBox = h('div', null);
  view.append(
    pageHeader(t('admin_users.title'), t('admin_users.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'user-add' },
      h('h2', { id: 'user-add' }, t('admin_users.add_heading')),
      formBox,
    ),
    status,
    manageBox,
    h(
      'section',
      { 'aria-labelledby': 'user-list' },
      h('h2', { id: 'user-list' }, t('admin_users.list_heading')),
      listBox,
    ),
  );
  const ctx = { listBox, status, manageBox, users: [] };
  ctx.reload = () => loadUsers(ctx);
  loadForms().then(
    (m) => {
      ctx.forms = m;
      fill(formBox, m.addUserForm(status, ctx.reload));
    },
    (err) => fill(formBox, errorNote(err)),
  );
  ctx.reload();
}

// Opens the panel of `username` (from the list as last loaded), or closes it when gone.
function openManage(ctx, username, focus) {
  const u = ctx.users.find((x) => x.username === username);
  ctx.open = u && ctx.forms ? username : null;
  if (!ctx.open) {
    clear(ctx.manageBox);
    return;
  }
  fill(
    ctx.manageBox,
    ctx.forms.manageUser(u, async (message) => {
      await ctx.reload();
      const line = ctx.manageBox.querySelector('.status');
      if (line) line.textContent = message;
    }),
  );
  if (focus) ctx.manageBox.querySelector('h2').focus();
}

async function loadUsers(ctx) {
  const { listBox, status } = ctx;
  const reload = ctx.reload;
  try {
    const users = await listAll('/api/v1/users');
    ctx.users = users;
    fill(
      listBox,
      table(
        t('admin_users.title'),
        [
          t('admin_users.username'),
          t('admin_users.col_name'),
          t('admin_users.organization'),
          t('admin_users.role'),
          t('admin_users.col_status'),
          t('admin_users.col_created'),
          t('admin_users.col_missions'),
          '',
        ],
        users.map((u) => ({
          class: u.disabled ? 'row-disabled' : null,
          cells: [
            h('span', { class: 'code', dir: 'ltr' }, u.username),
            u.display_name || '—',
            h('bdi', { dir: 'ltr' }, u.org),
            label(ROLES, u.role),
            u.disabled
              ? h('span', { class: 'badge badge-off' }, t('admin_users.status_disabled'))
              : h('span', { class: 'badge badge-on' }, t('admin_users.status_active')),
            h('span', { class: 'nowrap' }, dateTime(u.created_at)),
            (u.missions || []).length
              ? h('span', { dir: 'ltr' }, u.missions.join(', '))
              : h('span', { class: 'muted' }, '—'),
            h(
              'span',
              { class: 'actions' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'small',
                  'aria-label': t('admin_users.manage_named', { username: u.username }),
                  onclick: () => openManage(ctx, u.username, true),
                },
                t('admin_users.manage'),
              ),
              session.user && u.username === session.user.username
                ? h('span', { class: 'muted' }, t('admin_users.you'))
                : h(
                    'button',
                    {
                      type: 'button',
                      class: u.disabled ? 'small' : 'small danger',
                      onclick: () => toggle(u, status, listBox, reload),
                    },
                    u.disabled ? t('admin_users.enable') : t('admin_users.disable'),
                  ),
            ),
          ],
        })),
        t('admin_users.empty'),
      ),
    );
    // The open panel shows the user as now stored.
    if (ctx.open) openManage(ctx, ctx.open, false);
  } catch (err) {
    fill(listBox, errorNote(err));
  }
}

async function toggle(u, status, listBox, reload) {
  const disable = !u.disabled;
  if (disable && !window.confirm(t('admin_users.disable_confirm', { username: u.username })))
    return;
  try {
    await api('PATCH', `/api/v1/users/${encodeURIComponent(u.username)}`, { disabled: disable });
    await reload();
    status.textContent = disable
      ? t('admin_users.disabled', { username: u.username })
      : t('admin_users.enabled', { username: u.username });
  } catch (err) {
    fill(listBox, errorNote(err));
  }
}
