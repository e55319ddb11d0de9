// Forms: labelled fields, busy state, and the server's problems shown where they belong: next
// to the field the problem names (`field`), otherwise at the top of the form. Every message
// element has role="alert", so screen readers announce it when it appears. A problem shown at a
// field goes away as soon as the field's value is valid again (checked on every input and
// change), not at the next submit. Dates and times are text fields in ISO 8601 and the 24-hour
// clock (2024-03-02, 06:40), whatever the browser's locale: the native pickers show
// "mm/dd/yyyy" and "06:40 PM" to an American browser in a form whose times are UTC.
import { ApiError, newIdempotencyKey } from './api.js';
import { h, newId } from './dom.js';
import { t } from './i18n.js';

function errorSlot(id) {
  return h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
}

// A labelled control; the control's `name` is the API field it fills. A date or time control
// (dateInput() and the others, or input() with type date, time or datetime-local) gets the
// format it takes in front of the hint.
export function field(labelText, control, hint) {
  const id = control.id || newId('f');
  control.id = id;
  const format = formatHint(control);
  const hintEl =
    hint || format
      ? h('p', { class: 'hint', id: `${id}-hint` }, format, format && hint ? ' ' : null, hint)
      : null;
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

// A text input. Given a `type` of date, time or datetime-local it is the ISO text field of
// dateInput(), timeInput() or dateTimeInput() instead of the browser's own picker, so every
// form's dates read the same in every locale; its value is the same text those pickers give
// (a date-time with a space or "T" between date and time).
export function input(name, attrs) {
  const a = attrs || {};
  const kind = { date: 'date', time: 'time', 'datetime-local': 'datetime' }[a.type];
  if (kind) return isoInput(kind, name, a);
  return h('input', Object.assign({ name, type: 'text' }, a));
}

// ---- dates and times: ISO 8601, 24-hour, UTC ----

const pad = (v) => String(v).padStart(2, '0');

// "2024-3-2" → "2024-03-02"; null for what is not a real calendar day (2023-02-29).
export function parseIsoDate(text) {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(String(text || '').trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t0 = new Date(Date.UTC(y, mo - 1, d));
  if (t0.getUTCFullYear() !== y || t0.getUTCMonth() !== mo - 1 || t0.getUTCDate() !== d)
    return null;
  return `${m[1]}-${pad(mo)}-${pad(d)}`;
}

// "6:40", "0640", "06.40" → "06:40"; null outside 00:00-23:59.
export function parseIsoTime(text) {
  const m = /^(\d{1,2})[:.h]?(\d{2})(?::(\d{2}))?$/.exec(String(text || '').trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || (m[3] && Number(m[3]) > 59)) return null;
  return `${pad(m[1])}:${m[2]}`;
}

// "2024-03-02 06:40", "2024-03-02T06:40:00Z", "2024-03-02 0640 UTC" → "2024-03-02 06:40"; a
// date alone is its midnight. null when either part is wrong.
export function parseIsoDateTime(text) {
  const s = String(text || '')
    .trim()
    .replace(/\s*(Z|UTC)$/i, '');
  const m = /^(\S+?)(?:[T\s]+(\S+))?$/.exec(s);
  if (!m) return null;
  const d = parseIsoDate(m[1]);
  const tm = m[2] === undefined ? '00:00' : parseIsoTime(m[2]);
  return d && tm ? `${d} ${tm}` : null;
}

const PARSE = { date: parseIsoDate, time: parseIsoTime, datetime: parseIsoDateTime };
// The format a field wants, shown in the empty field (its placeholder attribute).
const FORMAT_EXAMPLE = {
  date: () => t('forms.placeholder_date'),
  time: () => t('forms.placeholder_time'),
  datetime: () => t('forms.placeholder_datetime'),
};

function isoInput(kind, name, attrs) {
  const a = Object.assign({}, attrs);
  delete a.type;
  delete a.min;
  delete a.max;
  delete a.step;
  const el = h(
    'input',
    Object.assign(
      {
        name,
        type: 'text',
        // Digits and signs, read left to right in every language.
        dir: 'ltr',
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: FORMAT_EXAMPLE[kind](),
        maxlength: kind === 'date' ? 10 : kind === 'time' ? 5 : 20,
        class: 'iso-input',
      },
      a,
    ),
  );
  el.dataset.kind = kind;
  // A value in a looser form ("2024-3-2", "2024-03-02T06:40") is shown in the one form.
  if (el.value) el.value = PARSE[kind](el.value) || el.value;
  el.addEventListener('change', () => {
    const v = PARSE[kind](el.value);
    if (v && v !== el.value) el.value = v;
  });
  return el;
}

// An ISO date field (YYYY-MM-DD), a 24-hour time (HH:MM) and both (YYYY-MM-DD HH:MM), as text;
// `attrs` as for input().
export const dateInput = (name, attrs) => isoInput('date', name, attrs);
export const timeInput = (name, attrs) => isoInput('time', name, attrs);
export const dateTimeInput = (name, attrs) => isoInput('datetime', name, attrs);

function formatHint(control) {
  const kind = control && control.dataset && control.dataset.kind;
  if (kind === 'date') return t('forms.hint_date');
  if (kind === 'time') return t('forms.hint_time');
  if (kind === 'datetime') return t('forms.hint_datetime');
  return null;
}

// The field's name as its label says it, without the "*" of a required field.
function fieldName(box) {
  const label = box && box.querySelector('label, legend');
  return label ? label.textContent.replace(/\s*\*\s*$/, '').trim() : '';
}

// The problem with a date or time control's own format, naming the field, or null.
function formatProblem(control) {
  const kind = control.dataset.kind;
  if (!PARSE[kind] || !control.value.trim() || PARSE[kind](control.value)) return null;
  const name = fieldName(control.closest('[data-field]'));
  if (kind === 'date') return t('forms.problem_date', { field: name });
  if (kind === 'time') return t('forms.problem_time', { field: name });
  return t('forms.problem_datetime', { field: name });
}

// ---- checking on the client ----

// `check()` → [[field, text], ...]: every problem the form can see by itself (texts are phrases,
// like the server's details). onSubmit() shows them all at their fields and asks the server
// nothing while there are any; a field showing a problem is checked again as it is edited.
export function validateWith(form, check) {
  form.bhCheck = check;
  watch(form);
}

// The problems of the whole form: the date and time formats, then the form's own check.
export function formProblems(form) {
  const out = [];
  const seen = new Set();
  for (const el of form.querySelectorAll('input[data-kind]')) {
    if (el.closest('[hidden]')) continue;
    const text = formatProblem(el);
    const name = el.getAttribute('name');
    if (text && !seen.has(name)) {
      out.push([name, text]);
      seen.add(name);
    }
  }
  for (const [name, text] of form.bhCheck ? form.bhCheck() : [])
    if (!seen.has(name)) {
      out.push([name, text]);
      seen.add(name);
    }
  return out;
}

// Shows [[field, text], ...] at their fields; the first takes the focus.
export function showProblems(form, list) {
  for (const [name, text] of list.slice().reverse())
    showProblem(form, { field: name, detail: text });
}

const valueOf = (box) =>
  [...box.querySelectorAll('input, select, textarea')]
    .map((c) => (c.type === 'checkbox' || c.type === 'radio' ? String(c.checked) : c.value))
    .join('\u0000');

function hideProblem(box, slot) {
  slot.textContent = '';
  slot.hidden = true;
  for (const c of box.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
}

// Checks the field of an edited control: a problem shown there goes when the value is valid
// (by its format and the form's check; a problem only the server could see goes when the value
// changes, and the server judges it again), or is replaced by the one it has now. A new problem
// is not shown while typing or on leaving the field: a message appearing then moves the button
// under the pointer between its press and its release, and the click is lost.
function recheck(form, ev) {
  const control = ev.target;
  if (!control || !control.closest) return;
  // The control's field, and a group around it ("counts" around "killed") with its own problem.
  for (
    let box = control.closest('[data-field]');
    box && form.contains(box);
    box = box.parentElement && box.parentElement.closest('[data-field]')
  ) {
    const slot = [...box.querySelectorAll('.field-error')].pop();
    if (!slot || slot.hidden) continue;
    const name = box.getAttribute('data-field');
    let text = control.dataset && control.dataset.kind ? formatProblem(control) : null;
    if (!text && form.bhCheck) {
      const own = form.bhCheck().find(([k]) => k === name);
      text = own ? own[1] : null;
    } else if (!text && valueOf(box) === box.bhProblemValue) continue;
    if (!text) hideProblem(box, slot);
    else slot.textContent = sentence(text);
  }
}

function watch(form) {
  if (form.bhWatched) return;
  form.bhWatched = true;
  const on = (ev) => recheck(form, ev);
  form.addEventListener('input', on);
  form.addEventListener('change', on);
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

// Shows a problem next to the field it names ("members[2]" → members), else at the top; the
// field takes the focus unless `focus` is false.
export function showProblem(form, err, focus = true) {
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
  box.bhProblemValue = valueOf(box);
  watch(form);
  const control = box.querySelector('input, select, textarea');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    if (focus) control.focus();
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
    // Every problem the form can see by itself, all at once, and nothing sent.
    const found = formProblems(form);
    if (found.length) {
      showProblems(form, found);
      return;
    }
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
