// Admin: users. The list, a form to add one (organization, role, first password) and
// disable / enable (PATCH /api/v1/users/{username}); disabling also ends their sessions and
// tokens on the server.
import { api, listAll } from '../api.js';
import { byName, getOrgs } from '../data.js';
import { fill, h } from '../dom.js';
import { field, formAlert, input, onSubmit, select, statusLine } from '../forms.js';
import { dateTime, t } from '../i18n.js';
import { label, ROLE_WHO, ROLES } from '../labels.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

export function renderAdminUsers(view) {
  const listBox = h('div', null, loading(t('admin_users.loading')));
  const formBox = h('div', null, loading(t('admin_users.loading_orgs')));
  const status = statusLine();
  view.append(
    pageHeader(t('admin_users.title'), t('admin_users.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'user-add' },
      h('h2', { id: 'user-add' }, t('admin_users.add_heading')),
      formBox,
    ),
    status,
    h(
      'section',
      { 'aria-labelledby': 'user-list' },
      h('h2', { id: 'user-list' }, t('admin_users.list_heading')),
      listBox,
    ),
  );
  const reload = () => loadUsers(listBox, status, reload);
  getOrgs().then(
    (orgs) => fill(formBox, addForm(orgs.slice().sort(byName), status, reload)),
    (err) => fill(formBox, errorNote(err)),
  );
  reload();
}

async function loadUsers(listBox, status, reload) {
  try {
    const users = await listAll('/api/v1/users');
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
          ],
        })),
        t('admin_users.empty'),
      ),
    );
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

// Who the chosen role is for, kept in step with the choice.
function roleHint(role) {
  const text = () => t('admin_users.role_hint', { who: ROLE_WHO[role.value] || role.value });
  const hint = h('span', null, text());
  role.addEventListener('change', () => {
    hint.textContent = text();
  });
  return hint;
}

function addForm(orgs, status, reload) {
  const username = input('username', {
    required: true,
    maxlength: 63,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    dir: 'ltr',
  });
  const displayName = input('display_name', { maxlength: 127, autocomplete: 'off' });
  const org = select(
    'org',
    [['', t('admin_users.choose')]].concat(
      orgs.map((o) => [o.code, t('admin_users.org_option', { code: o.code, name: o.name })]),
    ),
    '',
    { required: true },
  );
  const role = select(
    'role',
    Object.keys(ROLES).map((r) => [r, ROLES[r]]),
    'focal_point',
  );
  const password = input('password', {
    type: 'password',
    required: true,
    autocomplete: 'new-password',
    minlength: 12,
  });
  const form = h(
    'form',
    { novalidate: true },
    formAlert(),
    h(
      'div',
      { class: 'grid' },
      field(t('admin_users.username'), username, t('admin_users.username_hint')),
      field(t('admin_users.full_name'), displayName),
      field(t('admin_users.organization'), org),
      field(t('admin_users.role'), role, roleHint(role)),
      field(t('admin_users.password'), password, t('admin_users.password_hint')),
    ),
    h('button', { type: 'submit', class: 'primary' }, t('admin_users.add')),
  );
  onSubmit(
    form,
    async (key) => {
      const body = {
        username: username.value.trim(),
        display_name: displayName.value.trim(),
        org: org.value,
        role: role.value,
        password: password.value,
      };
      const created = await api('POST', '/api/v1/users', body, { idempotencyKey: key });
      form.reset();
      await reload();
      status.textContent = t('admin_users.added', {
        username: (created && created.username) || body.username,
      });
    },
    status,
  );
  return form;
}
