// The sign-in form: POST /api/v1/session. A wrong password shows the server's own message; a
// throttled account or address shows how long to wait (Retry-After) and keeps the button off
// until then.
import { api } from '../api.js';
import { h, iconUrl } from '../dom.js';
import { field, formAlert, input, onSubmit, showAlert } from '../forms.js';
import { t } from '../i18n.js';
import { languageSwitch } from '../language.js';

// How long to wait, in seconds under a minute and a half, else in whole minutes.
function waitText(seconds) {
  if (seconds < 90) return t('signin.too_many_seconds', { n: seconds });
  return t('signin.too_many_minutes', { n: Math.ceil(seconds / 60) });
}

// Renders into `root`; `signedIn(data)` gets the session reply. `notice` is an optional
// message shown above the form ("You have signed out.").
export function renderSignIn(root, signedIn, notice) {
  // A username is [a-z0-9._-] (src/account/account.h), typed left to right in any language; the
  // password as well, its dots filling from the same side.
  const username = input('username', {
    dir: 'ltr',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
  });
  const password = input('password', {
    type: 'password',
    dir: 'ltr',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, t('signin.submit'));
  const form = h(
    'form',
    { class: 'signin-form', novalidate: true, 'aria-labelledby': 'signin-title' },
    formAlert(),
    field(t('signin.username'), username),
    field(t('signin.password'), password),
    submit,
  );
  let blockedUntil = 0;

  onSubmit(form, async () => {
    if (!username.value.trim() || !password.value) {
      showAlert(form, t('signin.enter_both'));
      (username.value.trim() ? password : username).focus();
      return;
    }
    if (Date.now() < blockedUntil) return;
    try {
      const data = await api(
        'POST',
        '/api/v1/session',
        { username: username.value.trim(), password: password.value },
        { quiet401: true },
      );
      password.value = '';
      signedIn(data);
    } catch (e) {
      password.value = '';
      if ((e.status === 429 || e.status === 503) && e.retryAfter > 0) {
        // Our own words around the server's number: Retry-After is what the server enforces.
        e.detail = waitText(e.retryAfter);
        e.field = '';
        blockedUntil = Date.now() + e.retryAfter * 1000;
        // The button comes back when the wait is over; the first timer runs after the form
        // has left its busy state (which enables it).
        setTimeout(() => {
          submit.disabled = true;
        }, 0);
        setTimeout(() => {
          submit.disabled = false;
        }, e.retryAfter * 1000);
      } else if (e.status === 401) {
        e.field = '';
        setTimeout(() => password.focus(), 0);
      }
      throw e;
    }
  });

  root.append(
    h(
      'main',
      { class: 'signin', id: 'main' },
      h(
        'div',
        { class: 'signin-card' },
        h(
          'div',
          { class: 'signin-brand' },
          h('img', { src: iconUrl(), alt: '', width: 40, height: 40 }),
          // i18n-exempt: the product's name
          h('span', null, 'Bluehelm'),
          languageSwitch(false),
        ),
        h('h1', { id: 'signin-title' }, t('signin.title')),
        h('p', { class: 'muted' }, t('signin.group_name')),
        notice ? h('p', { class: 'alert alert-info', role: 'status' }, notice) : null,
        form,
      ),
    ),
  );
  username.focus();
}
