// The account forms of the admin users page and the profile: add a user, manage one (role,
// disable / enable, reset the password, an endorser's missions) and change one's own password.
// A script of its own, fetched when one of those forms is first drawn, so the shell stays
// small. Every form checks what it can before asking the server and shows ALL its problems at
// once: a summary at the top (each item a link to its field) and each field's own message;
// a message goes as soon as its field is fixed. What only the server can judge (a taken
// username, a common password, the last admin) lands at the field the problem names.
import { api } from '../api.js';
import { byName, getOrgs } from '../data.js';
import { fill, h, newId } from '../dom.js';
import { field, formAlert, input, onSubmit, select, statusLine } from '../forms.js';
import { t } from '../i18n.js';
import { label, ROLE_WHO, ROLES } from '../labels.js';
import { session } from '../state.js';

// The password policy as far as a browser can check it (account_password_check on the server
// has the list of common passwords too).
const PASSWORD_MIN = 12;
const PASSWORD_DISTINCT = 5;
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function passwordProblem(value, username, fieldName) {
  const chars = [...value];
  if (!chars.length) return t('account.problem_password_empty', { field: fieldName });
  if (chars.length < PASSWORD_MIN)
    return t('account.problem_password_short', {
      field: fieldName,
      min: PASSWORD_MIN,
      count: chars.length,
    });
  if (new Set(chars).size < PASSWORD_DISTINCT)
    return t('account.problem_password_distinct', { field: fieldName, min: PASSWORD_DISTINCT });
  if (username && value.toLowerCase() === username.toLowerCase())
    return t('account.problem_password_username', { field: fieldName });
  return null;
}

// The summary of a form's problems: hidden until a check fails.
function summaryBox() {
  return h('div', {
    class: 'alert alert-error error-summary',
    role: 'alert',
    tabindex: '-1',
    hidden: true,
  });
}

function setFieldError(control, text) {
  const box = control.closest('.field');
  const slot = box && box.querySelector('.field-error');
  if (slot) {
    slot.textContent = text || '';
    slot.hidden = !text;
  }
  if (text) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

// Runs every check of `checks` ([{control, problem: () => message or null}]) and shows what
// fails: each message at its field, and all of them in the form's summary, linked. Returns
// whether all passed. A field that failed is checked again as it is edited, and its message
// leaves both places once it passes.
export function checkAll(form, checks) {
  const summary = form.querySelector('.error-summary');
  const failed = [];
  for (const c of checks) {
    const text = c.problem();
    setFieldError(c.control, text);
    if (text) failed.push([c, text]);
    if (!c.control.dataset.rechecks) {
      c.control.dataset.rechecks = '1';
      const again = () => {
        if (c.control.getAttribute('aria-invalid') !== 'true') return;
        const now = c.problem();
        setFieldError(c.control, now);
        if (!now && summary) {
          const item = summary.querySelector(`[data-for="${c.control.id}"]`);
          if (item) item.remove();
          const left = summary.querySelectorAll('li').length;
          const title = summary.querySelector('.summary-title');
          if (title) title.textContent = t('account.summary_title', { count: left });
          summary.hidden = !left;
        }
      };
      c.control.addEventListener('input', again);
      c.control.addEventListener('change', again);
    }
  }
  if (summary) {
    fill(
      summary,
      failed.length
        ? [
            h(
              'p',
              { class: 'summary-title' },
              t('account.summary_title', { count: failed.length }),
            ),
            h(
              'ul',
              null,
              failed.map(([c, text]) =>
                h(
                  'li',
                  { 'data-for': c.control.id },
                  h(
                    'a',
                    {
                      href: `#${c.control.id}`,
                      onclick: (ev) => {
                        ev.preventDefault();
                        c.control.focus();
                      },
                    },
                    text,
                  ),
                ),
              ),
            ),
          ]
        : null,
    );
    summary.hidden = !failed.length;
    if (failed.length) summary.focus();
  }
  return failed.length === 0;
}

// A form with the summary and the general alert above its content.
function checkedForm(cls, ...content) {
  return h('form', { class: cls, novalidate: true }, summaryBox(), formAlert(), content);
}

export function addUserForm(status, reload) {
  const box = h('div', null);
  getOrgs().then(
    (orgs) => fill(box, buildAddForm(orgs.slice().sort(byName), status, reload)),
    (err) => fill(box, h('p', { class: 'alert alert-error', role: 'alert' }, err.message)),
  );
  return box;
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

function roleSelect(selected) {
  return select(
    'role',
    Object.keys(ROLES).map((r) => [r, ROLES[r]]),
    selected,
  );
}

function buildAddForm(orgs, status, reload) {
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
  const role = roleSelect('focal_point');
  const password = input('password', {
    type: 'password',
    required: true,
    autocomplete: 'new-password',
  });
  const form = checkedForm(
    null,
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
  const checks = [
    {
      control: username,
      problem: () => {
        const v = username.value.trim();
        if (!v) return t('account.problem_username_empty');
        return USERNAME.test(v) ? null : t('account.problem_username_shape');
      },
    },
    { control: org, problem: () => (org.value ? null : t('account.problem_org_empty')) },
    {
      control: password,
      problem: () =>
        passwordProblem(password.value, username.value.trim(), t('admin_users.password')),
    },
  ];
  onSubmit(
    form,
    async (key) => {
      if (!checkAll(form, checks)) return;
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

// 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 115 bits.
function generatedPassword() {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-';
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

// The mission codes to choose from: the directory's missions and those the user has.
async function missionCodes(user) {
  const set = new Set(user.missions || []);
  for (const o of await getOrgs()) if (o.kind === 'mission') set.add(o.mission || o.code);
  return [...set].sort();
}

// The panel of one user: role, access, password reset, missions. `done(message)` redraws the
// list and says what changed.
export function manageUser(u, done) {
  const path = `/api/v1/users/${encodeURIComponent(u.username)}`;
  const self = session.user && session.user.username === u.username;
  const status = statusLine();
  const titleId = newId('manage');

  // Role.
  const role = roleSelect(u.role);
  const roleForm = checkedForm(
    'inline-form',
    field(t('admin_users.role'), role, roleHint(role)),
    h('button', { type: 'submit' }, t('account.change_role')),
  );
  onSubmit(
    roleForm,
    async () => {
      const roleChecks = [
        {
          control: role,
          problem: () =>
            role.value === u.role
              ? t('account.problem_role_same', { role: label(ROLES, u.role) })
              : null,
        },
      ];
      if (!checkAll(roleForm, roleChecks)) return;
      const question = t('account.role_confirm', {
        username: u.username,
        from: label(ROLES, u.role),
        to: label(ROLES, role.value),
      });
      if (!window.confirm(question)) return;
      await api('PATCH', path, { role: role.value });
      done(t('account.role_changed', { username: u.username, role: label(ROLES, role.value) }));
    },
    status,
  );

  // Access: disable or enable.
  const accessForm = h(
    'form',
    { class: 'inline-form', novalidate: true },
    formAlert(),
    u.disabled
      ? h('span', { class: 'badge badge-off' }, t('admin_users.status_disabled'))
      : h('span', { class: 'badge badge-on' }, t('admin_users.status_active')),
    self
      ? h('p', { class: 'muted' }, t('account.cannot_disable_self'))
      : h(
          'button',
          { type: 'submit', class: u.disabled ? null : 'danger' },
          u.disabled ? t('admin_users.enable') : t('admin_users.disable'),
        ),
  );
  onSubmit(
    accessForm,
    async () => {
      const disable = !u.disabled;
      if (disable && !window.confirm(t('admin_users.disable_confirm', { username: u.username })))
        return;
      await api('PATCH', path, { disabled: disable });
      done(
        disable
          ? t('admin_users.disabled', { username: u.username })
          : t('admin_users.enabled', { username: u.username }),
      );
    },
    status,
  );

  // Password reset: typed, or generated and shown here once.
  const password = input('password', {
    type: 'text',
    autocomplete: 'new-password',
    spellcheck: 'false',
    autocapitalize: 'none',
    dir: 'ltr',
    class: 'secret',
  });
  const passwordForm = checkedForm(
    'inline-form',
    field(t('account.reset_password'), password, t('account.reset_password_hint')),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          password.value = generatedPassword();
          password.dispatchEvent(new Event('input'));
          password.focus();
          password.select();
        },
      },
      t('account.generate'),
    ),
    h('button', { type: 'submit', class: 'danger' }, t('account.reset')),
  );
  onSubmit(
    passwordForm,
    async () => {
      const checks = [
        {
          control: password,
          problem: () => passwordProblem(password.value, u.username, t('account.reset_password')),
        },
      ];
      if (!checkAll(passwordForm, checks)) return;
      if (!window.confirm(t('account.reset_confirm', { username: u.username }))) return;
      await api('PATCH', path, { password: password.value });
      status.textContent = t('account.reset_done', { username: u.username });
    },
    status,
  );

  // Missions (what an endorser endorses).
  const missionsBox = h('div', null, h('p', { class: 'loading' }, t('account.loading_missions')));
  const missionsForm = checkedForm(
    null,
    h(
      'fieldset',
      { class: 'field', 'data-field': 'missions' },
      h('legend', null, t('account.missions')),
      h(
        'p',
        { class: 'hint' },
        u.role === 'endorser' ? t('account.missions_hint_endorser') : t('account.missions_hint'),
      ),
      missionsBox,
      h('p', { class: 'field-error', role: 'alert', hidden: true }),
    ),
    h('button', { type: 'submit' }, t('account.save_missions')),
  );
  missionCodes(u).then(
    (codes) =>
      fill(
        missionsBox,
        codes.length
          ? h(
              'div',
              { class: 'checks' },
              codes.map((code) => {
                const id = newId('m');
                return h(
                  'div',
                  { class: 'check' },
                  h('input', {
                    type: 'checkbox',
                    id,
                    name: 'missions',
                    value: code,
                    checked: (u.missions || []).indexOf(code) >= 0,
                  }),
                  h('label', { for: id, dir: 'ltr' }, code),
                );
              }),
            )
          : h('p', { class: 'empty' }, t('account.no_missions')),
      ),
    (err) => fill(missionsBox, h('p', { class: 'alert alert-error' }, err.message)),
  );
  onSubmit(
    missionsForm,
    async () => {
      const chosen = [...missionsForm.querySelectorAll('input[name=missions]:checked')].map(
        (c) => c.value,
      );
      await api('PUT', `${path}/missions`, { missions: chosen });
      done(
        chosen.length
          ? t('account.missions_saved', { username: u.username, missions: chosen.join(', ') })
          : t('account.missions_cleared', { username: u.username }),
      );
    },
    status,
  );

  return h(
    'section',
    { class: 'card manage-user', 'aria-labelledby': titleId, 'data-user': u.username },
    h('h2', { id: titleId, tabindex: '-1' }, t('account.manage_title', { username: u.username })),
    status,
    roleForm,
    h('h3', null, t('account.access_heading')),
    accessForm,
    h('h3', null, t('account.password_heading')),
    passwordForm,
    missionsForm,
  );
}

// The signed-in user's own password: current, new, new again. Success ends their other
// sessions on the server, and says so.
export function myPasswordSection() {
  const status = statusLine();
  const titleId = newId('pw');
  const attrs = (auto) => ({ type: 'password', autocomplete: auto, dir: 'ltr' });
  const current = input('current_password', attrs('current-password'));
  const fresh = input('new_password', attrs('new-password'));
  const repeat = input('repeat_password', attrs('new-password'));
  const form = checkedForm(
    null,
    h(
      'div',
      { class: 'grid' },
      field(t('account.current_password'), current),
      field(t('account.new_password'), fresh, t('account.new_password_hint')),
      field(t('account.repeat_password'), repeat),
    ),
    h('button', { type: 'submit', class: 'primary' }, t('account.change_password')),
  );
  const username = (session.user && session.user.username) || '';
  const checks = [
    {
      control: current,
      problem: () => (current.value ? null : t('account.problem_current_empty')),
    },
    {
      control: fresh,
      problem: () =>
        passwordProblem(fresh.value, username, t('account.new_password')) ||
        (fresh.value && fresh.value === current.value ? t('account.problem_password_same') : null),
    },
    {
      control: repeat,
      problem: () => (repeat.value === fresh.value ? null : t('account.problem_repeat')),
    },
  ];
  onSubmit(
    form,
    async () => {
      if (!checkAll(form, checks)) return;
      let answer;
      try {
        answer = await api('POST', '/api/v1/me/password', {
          current_password: current.value,
          new_password: fresh.value,
        });
      } catch (err) {
        if (err.status === 429)
          err.detail = t('account.throttled', { seconds: err.retryAfter || 1 });
        throw err;
      }
      form.reset();
      const ended = (answer && answer.sessions_ended) || 0;
      status.textContent = t('account.password_changed', { count: ended });
    },
    status,
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, t('account.password_title')),
    h('p', { class: 'muted' }, t('account.password_intro')),
    form,
    status,
  );
}
