// Admin: users. The list, a form to add one (organization, role, first password) and
// disable / enable (PATCH /api/v1/users/{username}); disabling also ends their sessions and
// tokens on the server.
import { api, listAll } from '../api.js';
import { byName, getOrgs } from '../data.js';
import { fill, h } from '../dom.js';
import { field, formAlert, input, onSubmit, select, statusLine } from '../forms.js';
import { label, ROLE_WHO, ROLES, when } from '../labels.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

export function renderAdminUsers(view) {
  const listBox = h('div', null, loading('users'));
  const formBox = h('div', null, loading('organizations'));
  const status = statusLine();
  view.append(
    pageHeader('Users', 'Every user belongs to one organization and has one role.'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'user-add' },
      h('h2', { id: 'user-add' }, 'Add a user'),
      formBox,
    ),
    status,
    h(
      'section',
      { 'aria-labelledby': 'user-list' },
      h('h2', { id: 'user-list' }, 'All users'),
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
        'Users',
        ['Username', 'Name', 'Organization', 'Role', 'Status', 'Created', ''],
        users.map((u) => ({
          class: u.disabled ? 'row-disabled' : null,
          cells: [
            h('span', { class: 'code' }, u.username),
            u.display_name || '—',
            u.org,
            label(ROLES, u.role),
            u.disabled
              ? h('span', { class: 'badge badge-off' }, 'Disabled')
              : h('span', { class: 'badge badge-on' }, 'Active'),
            when(u.created_at),
            session.user && u.username === session.user.username
              ? h('span', { class: 'muted' }, 'you')
              : h(
                  'button',
                  {
                    type: 'button',
                    class: u.disabled ? 'small' : 'small danger',
                    onclick: () => toggle(u, status, listBox, reload),
                  },
                  u.disabled ? 'Enable' : 'Disable',
                ),
          ],
        })),
        'No users yet.',
      ),
    );
  } catch (err) {
    fill(listBox, errorNote(err));
  }
}

async function toggle(u, status, listBox, reload) {
  const disable = !u.disabled;
  if (
    disable &&
    !window.confirm(`Disable ${u.username}? Their sessions and API tokens end at once.`)
  )
    return;
  try {
    await api('PATCH', `/api/v1/users/${encodeURIComponent(u.username)}`, { disabled: disable });
    await reload();
    status.textContent = `${u.username} ${disable ? 'disabled' : 'enabled'}.`;
  } catch (err) {
    fill(listBox, errorNote(err));
  }
}

// Who the chosen role is for, kept in step with the choice.
function roleHint(role) {
  const text = () => `For the ${ROLE_WHO[role.value] || role.value}.`;
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
  });
  const displayName = input('display_name', { maxlength: 127, autocomplete: 'off' });
  const org = select(
    'org',
    [['', 'Choose…']].concat(orgs.map((o) => [o.code, `${o.code} — ${o.name}`])),
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
      field('Username', username, 'Lowercase letters, digits, dot, dash, underscore.'),
      field('Full name', displayName),
      field('Organization', org),
      field('Role', role, roleHint(role)),
      field(
        'First password',
        password,
        'At least 12 characters, not a common one. Give it to the user by a separate channel.',
      ),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Add user'),
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
      status.textContent = `Added ${(created && created.username) || body.username}.`;
    },
    status,
  );
  return form;
}
