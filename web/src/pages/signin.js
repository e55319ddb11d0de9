// The sign-in form: POST /api/v1/session. A wrong password shows the server's own message; a
// throttled account or address shows how long to wait (Retry-After) and keeps the button off
// until then.
import { api } from '../api.js';
import { h, iconUrl } from '../dom.js';
import { field, formAlert, input, onSubmit, showAlert } from '../forms.js';

function waitText(seconds) {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const min = Math.ceil(seconds / 60);
  return `${min} minutes`;
}

// Renders into `root`; `signedIn(data)` gets the session reply. `notice` is an optional
// message shown above the form ("You have signed out.").
export function renderSignIn(root, signedIn, notice) {
  const username = input('username', {
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
  });
  const password = input('password', {
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin-form', novalidate: true, 'aria-labelledby': 'signin-title' },
    formAlert(),
    field('Username', username),
    field('Password', password),
    submit,
  );
  let blockedUntil = 0;

  onSubmit(form, async () => {
    if (!username.value.trim() || !password.value) {
      showAlert(form, 'Enter your username and password.');
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
        e.detail = `Too many failed sign-ins. Try again in ${waitText(e.retryAfter)}.`;
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
          h('span', null, 'Bluehelm'),
        ),
        h('h1', { id: 'signin-title' }, 'Sign in'),
        h(
          'p',
          { class: 'muted' },
          'Group of Friends on the Safety and Security of UN Peacekeepers',
        ),
        notice ? h('p', { class: 'alert alert-info', role: 'status' }, notice) : null,
        form,
      ),
    ),
  );
  username.focus();
}
