// The signed-in user's profile (what the server says about them and what they may do) and
// their API tokens: list, create (the token text is shown once, here), revoke.
import { api, listAll } from '../api.js';
import { fill, h } from '../dom.js';
import { field, formAlert, input, onSubmit, statusLine } from '../forms.js';
import { label, PERMISSIONS, ROLES, when } from '../labels.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

export function renderProfile(view) {
  const u = session.user;
  const perms = (u.permissions || []).slice().sort();
  const row = (term, value) => [h('dt', null, term), h('dd', null, value)];
  view.append(
    pageHeader('My profile'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'profile-details' },
      h('h2', { id: 'profile-details' }, 'Details'),
      h(
        'dl',
        { class: 'details' },
        row('Username', u.username),
        row('Name', u.display_name || '—'),
        row('Organization', u.org),
        row('Role', label(ROLES, u.role)),
        row('Account created', when(u.created_at)),
        row('Session ends', when(session.expiresAt)),
      ),
      h('h3', null, 'What you may do'),
      perms.length
        ? h(
            'ul',
            { class: 'perm-list' },
            perms.map((p) =>
              h('li', null, PERMISSIONS[p] || p, ' ', h('span', { class: 'code muted' }, p)),
            ),
          )
        : h('p', { class: 'muted' }, 'No permissions.'),
    ),
  );
  if ((u.permissions || []).indexOf('token.own') >= 0) view.append(tokensSection());
}

function tokensSection() {
  const listBox = h('div', null, loading('your tokens'));
  const status = statusLine();
  const shown = h('div', null);
  const name = input('name', { required: true, maxlength: 100, autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    formAlert(),
    field('Token name', name, 'What the token is for, e.g. "QGIS on the JOC laptop".'),
    h('button', { type: 'submit', class: 'primary' }, 'Create token'),
  );

  async function reload() {
    try {
      const tokens = await listAll('/api/v1/tokens');
      fill(
        listBox,
        table(
          'Your API tokens',
          ['Name', 'Starts with', 'Created', 'Last used', ''],
          tokens.map((t) => ({
            class: t.revoked_at ? 'row-disabled' : null,
            cells: [
              t.name || '—',
              t.prefix ? h('span', { class: 'code' }, `${t.prefix}…`) : '—',
              when(t.created_at),
              t.last_used_at ? when(t.last_used_at) : h('span', { class: 'muted' }, 'never'),
              t.revoked_at
                ? h('span', { class: 'badge badge-off' }, `Revoked ${when(t.revoked_at)}`)
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger small',
                      'aria-label': `Revoke token ${t.name || t.id}`,
                      onclick: () => revoke(t),
                    },
                    'Revoke',
                  ),
            ],
          })),
          'You have no API tokens.',
        ),
      );
    } catch (err) {
      fill(listBox, errorNote(err));
    }
  }

  async function revoke(t) {
    if (
      !window.confirm(
        `Revoke the token "${t.name || t.id}"? Scripts using it stop working at once.`,
      )
    )
      return;
    try {
      await api('DELETE', `/api/v1/tokens/${encodeURIComponent(t.id)}`);
      await reload();
      status.textContent = `Token "${t.name || t.id}" revoked.`;
    } catch (err) {
      status.textContent = '';
      fill(listBox, errorNote(err));
    }
  }

  onSubmit(
    form,
    async (key) => {
      const created = await api(
        'POST',
        '/api/v1/tokens',
        { name: name.value.trim() },
        { idempotencyKey: key },
      );
      name.value = '';
      const text = created && (created.token || created.secret);
      const box = h('input', {
        type: 'text',
        readonly: true,
        value: text || '',
        class: 'secret',
        'aria-label': 'New API token',
        onfocus: (ev) => ev.target.select(),
      });
      const copy = h(
        'button',
        { type: 'button', class: 'small', onclick: () => copyText(box, copy) },
        'Copy',
      );
      fill(
        shown,
        h(
          'div',
          { class: 'alert alert-success token-once', role: 'status' },
          h(
            'p',
            null,
            h('strong', null, `Token "${created.name || ''}" created. `),
            'Copy it now: it is shown only this once and cannot be shown again.',
          ),
          h('div', { class: 'secret-row' }, box, copy),
          h(
            'p',
            { class: 'hint' },
            'Send it as the header ',
            h('code', null, 'Authorization: Bearer TOKEN'),
            '. Keep it in a password manager; anyone holding it acts as you.',
          ),
        ),
      );
      box.focus();
      await reload();
    },
    status,
  );

  reload();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tokens-title' },
    h('h2', { id: 'tokens-title' }, 'API tokens'),
    h(
      'p',
      { class: 'muted' },
      'Tokens let scripts and tools (QGIS, R, pandas) use the API as you.',
    ),
    form,
    shown,
    status,
    listBox,
  );
}

async function copyText(box, button) {
  box.select();
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(box.value);
      ok = true;
    } else {
      ok = document.execCommand('copy');
    }
  } catch (e) {
    ok = false;
  }
  button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
}
