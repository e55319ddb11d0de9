// Forms: labelled fields, busy state, and the server's problems shown where they belong: next
// to the field the problem names (`field`), otherwise at the top of the form. Every message
// element has role="alert", so screen readers announce it when it appears.
import { ApiError, newIdempotencyKey } from './api.js';
import { h, newId } from './dom.js';
import { t } from './i18n.js';

function errorSlot(id) {
  return h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
}

// A labelled control; the control's `name` is the API field it fills.
export function field(labelText, control, hint) {
  const id = control.id || newId('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const err = errorSlot(id);
  control.setAttribute('aria-describedby', hintEl ? `${hintEl.id} ${err.id}` : err.id);
  return h(
    'div',
    { class: 'field', 'data-field': control.getAttribute('name') },
    h('label', { for: id }, labelText),
    control,
    hintEl,
    err,
  );
}

// A group of controls (check boxes) filling one API field.
export function fieldset(legendText, name, content, hint) {
  const id = newId('g');
  return h(
    'fieldset',
    { class: 'field', 'data-field': name, id },
    h('legend', null, legendText),
    hint ? h('p', { class: 'hint' }, hint) : null,
    content,
    errorSlot(id),
  );
}

export function input(name, attrs) {
  return h('input', Object.assign({ name, type: 'text' }, attrs || {}));
}

// select('kind', [['member_state', 'Member state'], ...], 'member_state')
export function select(name, options, selected, attrs) {
  return h(
    'select',
    Object.assign({ name }, attrs || {}),
    options.map(([v, text]) => h('option', { value: v, selected: v === selected }, text)),
  );
}

export function formAlert() {
  return h('p', { class: 'alert alert-error form-alert', role: 'alert', hidden: true });
}

export function clearProblems(form) {
  for (const el of form.querySelectorAll('.field-error, .form-alert')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

export function showAlert(form, text) {
  const box = form.querySelector('.form-alert');
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
}

// The server's details are lowercase phrases ("username or password is wrong"), already in
// the reader's language; on a page they read as sentences. The full stop is the language's
// own (a message: '。' in Chinese), and none is added after one that is there already, in any
// of the scripts.
const ENDED = /[.!?…。！？؟]$/;

export function sentence(text) {
  const s = String(text || '').trim();
  if (!s) return s;
  const first = s.charAt(0).toUpperCase() + s.slice(1);
  return ENDED.test(first) ? first : t('ui.sentence', { text: first });
}

// Shows a problem next to the field it names ("members[2]" → members), else at the top.
export function showProblem(form, err) {
  const text = sentence(err.detail || err.message);
  const name = (err.field || '').split(/[.[]/)[0];
  const box = name ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
  const slot = box && box.querySelector('.field-error');
  if (!slot) {
    showAlert(form, text);
    return;
  }
  slot.textContent = text;
  slot.hidden = false;
  const control = box.querySelector('input, select, textarea');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  }
}

function setBusy(form, busy) {
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
  for (const b of form.querySelectorAll('button[type=submit]')) b.disabled = busy;
}

// Runs `fn(idempotencyKey)` on submit with the form busy, and shows what went wrong. The key
// stays the same only while requests fail without an answer (a dropped connection), so
// pressing the button again after a timeout cannot create the same thing twice. `status`, a
// statusLine() the form reports success in, is emptied when a new attempt starts.
export function onSubmit(form, fn, status) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    clearProblems(form);
    if (status) status.textContent = '';
    if (!form.dataset.idem) form.dataset.idem = newIdempotencyKey();
    setBusy(form, true);
    try {
      await fn(form.dataset.idem);
      delete form.dataset.idem;
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.status !== 0) delete form.dataset.idem;
        showProblem(form, e);
      } else {
        showAlert(form, t('ui.app_failed', { message: String(e && e.message) }));
        throw e;
      }
    } finally {
      setBusy(form, false);
    }
  });
}

// A polite status line ("Group created."), for screen readers and eyes alike.
export function statusLine() {
  return h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
}
