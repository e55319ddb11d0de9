// The signed-in user's profile (what the server says about them and what they may do), the
// change of their own password (its form is in account_forms.js, a script of its own fetched
// with the register words when the page opens) and their API tokens: list, create (the token
// text is shown once, here), revoke.
import { api, listAll } from '../api.js';
import { fill, h } from '../dom.js';
import { field, formAlert, input, onSubmit, statusLine } from '../forms.js';
import { browserZone, dateTime, instant, loadRegisterMessages, setReaderZone, t } from '../i18n.js';
import { label, PERMISSIONS, ROLES } from '../labels.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, slot, table, withElements } from '../ui.js';

export function renderProfile(view) {
  const u = session.user;
  const perms = (u.permissions || []).slice().sort();
  const row = (term, value) => [h('dt', null, term), h('dd', null, value)];
  view.append(
    pageHeader(t('profile.title')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'profile-details' },
      h('h2', { id: 'profile-details' }, t('profile.details')),
      h(
        'dl',
        { class: 'details' },
        row(t('profile.username'), h('span', { dir: 'ltr' }, u.username)),
        row(t('profile.name'), u.display_name || '—'),
        row(t('profile.organization'), h('span', { dir: 'ltr' }, u.org)),
        row(t('profile.role'), label(ROLES, u.role)),
        row(t('profile.account_created'), dateTime(u.created_at)),
        row(t('profile.session_ends'), dateTime(session.expiresAt)),
      ),
      h('h3', null, t('profile.permissions')),
      perms.length
        ? h(
            'ul',
            { class: 'perm-list' },
            perms.map((p) =>
              h(
                'li',
                null,
                PERMISSIONS[p] || p,
                ' ',
                h('span', { class: 'code muted', dir: 'ltr' }, p),
              ),
            ),
          )
        : h('p', { class: 'muted' }, t('profile.no_permissions')),
    ),
  );
  view.append(timeZoneSection(u));
  const passwordBox = h('div', null, loading(t('profile.loading_password')));
  view.append(passwordBox);
  Promise.all([import('./account_forms.js'), loadRegisterMessages()]).then(
    ([m]) => fill(passwordBox, m.myPasswordSection()),
    (err) => fill(passwordBox, errorNote(err)),
  );
  if ((u.permissions || []).indexOf('token.own') >= 0) view.append(tokensSection());
}

// The reader's time zone (PATCH /api/v1/me time_zone): instants are shown in it; empty
// follows the browser's. Saved as soon as it is chosen.
function timeZoneSection(u) {
  const status = statusLine();
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const current = u.time_zone || '';
  if (current && zones.indexOf(current) < 0) zones.unshift(current);
  const select = h(
    'select',
    { name: 'time_zone' },
    h(
      'option',
      { value: '', selected: !current },
      t('profile.time_zone_browser', { zone: browserZone() }),
    ),
    zones.map((z) => h('option', { value: z, dir: 'ltr', selected: z === current }, z)),
  );
  const example = h('p', { class: 'muted', 'data-role': 'time-zone-example' });
  const showExample = () => {
    example.textContent = t('profile.time_zone_now', { time: instant(new Date().toISOString()) });
  };
  showExample();
  select.addEventListener('change', async () => {
    const zone = select.value;
    select.disabled = true;
    status.textContent = t('profile.time_zone_saving');
    try {
      const reply = await api('PATCH', '/api/v1/me', { time_zone: zone || null });
      u.time_zone = reply.time_zone || null;
      setReaderZone(u.time_zone);
      showExample();
      status.textContent = t('profile.time_zone_saved');
    } catch (e) {
      status.textContent = t('profile.time_zone_failed', { reason: e.message });
    } finally {
      select.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'profile-time-zone' },
    h('h2', { id: 'profile-time-zone' }, t('profile.time_zone_title')),
    field(t('profile.time_zone'), select, t('profile.time_zone_hint')),
    example,
    status,
  );
}

function tokensSection() {
  const listBox = h('div', null, loading(t('profile.loading_tokens')));
  const status = statusLine();
  const shown = h('div', null);
  const name = input('name', { required: true, maxlength: 100, autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    formAlert(),
    field(t('profile.token_name'), name, t('profile.token_name_hint')),
    h('button', { type: 'submit', class: 'primary' }, t('profile.create_token')),
  );

  async function reload() {
    try {
      const tokens = await listAll('/api/v1/tokens');
      fill(
        listBox,
        table(
          t('profile.tokens_caption'),
          [
            t('profile.token_col_name'),
            t('profile.token_col_prefix'),
            t('profile.token_col_created'),
            t('profile.token_col_used'),
            '', // the revoke buttons' column: they say what they do
          ],
          tokens.map((tok) => ({
            class: tok.revoked_at ? 'row-disabled' : null,
            cells: [
              tok.name || '—',
              tok.prefix ? h('span', { class: 'code', dir: 'ltr' }, `${tok.prefix}…`) : '—',
              dateTime(tok.created_at),
              tok.last_used_at
                ? dateTime(tok.last_used_at)
                : h('span', { class: 'muted' }, t('profile.never_used')),
              tok.revoked_at
                ? h(
                    'span',
                    { class: 'badge badge-off' },
                    t('profile.revoked_on', { time: dateTime(tok.revoked_at) }),
                  )
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger small',
                      'aria-label': t('profile.revoke_named', { name: tok.name || tok.id }),
                      onclick: () => revoke(tok),
                    },
                    t('profile.revoke'),
                  ),
            ],
          })),
          t('profile.no_tokens'),
        ),
      );
    } catch (err) {
      fill(listBox, errorNote(err));
    }
  }

  async function revoke(tok) {
    const tokenName = tok.name || tok.id;
    if (!window.confirm(t('profile.revoke_confirm', { name: tokenName }))) return;
    try {
      await api('DELETE', `/api/v1/tokens/${encodeURIComponent(tok.id)}`);
      await reload();
      status.textContent = t('profile.revoked', { name: tokenName });
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
        dir: 'ltr',
        'aria-label': t('profile.new_token'),
        onfocus: (ev) => ev.target.select(),
      });
      const copy = h(
        'button',
        { type: 'button', class: 'small', onclick: () => copyText(box, copy) },
        t('profile.copy'),
      );
      fill(
        shown,
        h(
          'div',
          { class: 'alert alert-success token-once', role: 'status' },
          // The token's name in bold, then the warning, one message around it.
          h(
            'p',
            null,
            withElements(
              t('profile.created_once', { created: slot(0) }),
              h('strong', null, t('profile.token_created', { name: created.name || '' })),
            ),
          ),
          h('div', { class: 'secret-row' }, box, copy),
          // The header is HTTP, written as it is sent: not words to translate.
          h(
            'p',
            { class: 'hint' },
            withElements(
              t('profile.header_hint', { header: slot(0) }),
              // i18n-exempt: an HTTP header, typed as shown
              h('code', { dir: 'ltr' }, 'Authorization: Bearer TOKEN'),
            ),
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
    h('h2', { id: 'tokens-title' }, t('profile.tokens_title')),
    h('p', { class: 'muted' }, t('profile.tokens_intro')),
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
  button.textContent = ok ? t('profile.copied') : t('profile.press_ctrl_c');
}
