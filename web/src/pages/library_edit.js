// The library's editor (#/library/new, #/library/ID/edit) and a document's versions with their
// differences (#/library/ID/versions), issue 16.
//
// The editor writes every member of the document the API takes: kind, title, summary, the
// five structured fields, the Markdown body (with a preview the server renders and this page
// sanitizes as the bulletins' reader does: never HTML inserted as it came), language, the day
// it happened, the tags of the five facets, links to records, the marking and the version's
// note. A change is a PATCH sent with If-Match of the version read: 409 or 412 means someone
// else saved meanwhile, and the page offers to reload. Attachments are uploaded once the
// document exists (their bytes as the body, as the API takes them).
//
// The versions page lists the versions the reader may see and shows the difference between two
// of them (by default the one before the newest, and the newest) as lines removed and added,
// built with textContent only.
import { api, ApiError } from '../api.js';
import { fill, h } from '../dom.js';
import {
  dateInput,
  field,
  fieldset,
  formAlert,
  input,
  onSubmit,
  select,
  showAlert,
  statusLine,
  validateWith,
} from '../forms.js';
import {
  facts,
  getGroups,
  getMissions,
  getTaxonomy,
  setFlash,
  tlpBadge,
  TLPS,
  typeOptions,
  word,
} from '../incidents/common.js';
import { instant, LANGUAGES, language, num, t } from '../i18n.js';
import { markingFields } from '../marking.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';
import { sanitize } from './bulletins.js';

export const KINDS = ['case_study', 'lesson', 'best_practice', 'aar'];
const STRUCTURED = ['context', 'what_happened', 'what_worked', 'what_did_not', 'recommendations'];
const FACETS = ['threat', 'mission', 'activity', 'a4p', 'keyword'];
const LINK_TYPES = ['incident', 'alert', 'action'];

const docPath = (id) => `/api/v1/library/${encodeURIComponent(id)}`;
export const docHref = (id) => `#/library/${encodeURIComponent(id)}`;

export function kindLabel(k) {
  return (
    {
      case_study: t('library.kind_case_study'),
      lesson: t('library.kind_lesson'),
      best_practice: t('library.kind_best_practice'),
      aar: t('library.kind_aar'),
    }[k] || word(k)
  );
}

// The words for a document's fields, in the editor and in a difference.
function fieldLabel(name) {
  return (
    {
      kind: t('library.edit_f_kind'),
      title: t('library.edit_f_title'),
      summary: t('library.edit_f_summary'),
      context: t('library.edit_f_context'),
      what_happened: t('library.edit_f_what_happened'),
      what_worked: t('library.edit_f_what_worked'),
      what_did_not: t('library.edit_f_what_did_not'),
      recommendations: t('library.edit_f_recommendations'),
      body: t('library.edit_f_body'),
      language: t('library.edit_f_language'),
      occurred_on: t('library.edit_f_occurred_on'),
      tags: t('library.edit_f_tags'),
      links: t('library.edit_f_links'),
      tlp: t('library.edit_f_marking'),
      sharing_group: t('library.edit_f_sharing_group'),
      recipients: t('library.edit_f_recipients'),
      status: t('library.versions_col_status'),
    }[name] || word(name)
  );
}

function facetLabel(f) {
  return (
    {
      threat: t('library.edit_tag_threat'),
      mission: t('library.edit_tag_mission'),
      activity: t('library.edit_tag_activity'),
      a4p: t('library.edit_tag_a4p'),
      keyword: t('library.edit_tag_keyword'),
    }[f] || word(f)
  );
}

export function statusWord(s) {
  return (
    {
      draft: t('library.edit_status_draft'),
      in_review: t('library.edit_status_in_review'),
      published: t('library.edit_status_published'),
    }[s] || word(s)
  );
}

function linkTypeLabel(k) {
  return (
    {
      incident: t('library.edit_link_incident'),
      alert: t('library.edit_link_alert'),
      action: t('library.edit_link_action'),
    }[k] || word(k)
  );
}

// [[code, label]] from the vocabulary's list (codes, or {code, label}).
function vocabPairs(list) {
  return (Array.isArray(list) ? list : []).map((x) =>
    typeof x === 'string' ? [x, word(x)] : [x.code, x.label || x.name || word(x.code)],
  );
}

// "a, b,,c" → ["a", "b", "c"]; the separators of the six languages' keyboards too.
export function listOf(text) {
  return String(text || '')
    .split(/[,;\n،؛，、；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// The server's field ("tags.threat[2]", "links[0].id") as the data-field of this form's box
// ("tags_threat", "links"); forms.js cuts a field at its first "." or "[".
export function boxOf(fieldName) {
  const f = String(fieldName || '');
  const m = /^tags\.([a-z0-9]+)/.exec(f);
  if (m) return `tags_${m[1]}`;
  return f;
}

// ---- the editor ----

export async function renderLibraryEditor(view, params) {
  const id = params && params[0] ? params[0] : null;
  view.append(loading(t('library.edit_loading')));
  let doc = null;
  let tax;
  let missions;
  let groups;
  let vocab;
  try {
    [doc, tax, missions, groups, vocab] = await Promise.all([
      id ? api('GET', docPath(id)) : null,
      getTaxonomy().catch(() => ({ types: [] })),
      getMissions().catch(() => []),
      getGroups().catch(() => []),
      api('GET', '/api/v1/vocabulary').catch(() => ({})),
    ]);
  } catch (e) {
    if (view.isConnected)
      fill(
        view,
        pageHeader(id ? t('library.edit_title_edit') : t('library.edit_title_new')),
        errorNote(e),
      );
    return;
  }
  if (!view.isConnected) return;
  fill(
    view,
    pageHeader(
      id ? t('library.edit_title_edit') : t('library.edit_title_new'),
      id ? null : t('library.edit_intro'),
    ),
  );
  if (doc) {
    view.append(
      h(
        'p',
        { class: 'muted library-edit-meta' },
        t('library.edit_editing_version', { n: doc.version }),
        ' · ',
        statusWord(doc.status),
        ' ',
        tlpBadge(doc.tlp),
      ),
    );
  }
  view.append(editorForm(doc, { tax, missions, groups, vocab: (vocab && vocab.library) || {} }));
  if (doc) view.append(attachmentsSection(doc));
  else view.append(h('p', { class: 'muted' }, t('library.edit_attach_after_save')));
}

function editorForm(doc, lists) {
  const x = doc || {};
  const tags = x.tags || {};
  const c = {};
  c.kind = select(
    'kind',
    [['', t('library.edit_choose_kind')]].concat(KINDS.map((k) => [k, kindLabel(k)])),
    x.kind || '',
  );
  c.title = input('title', { maxlength: '300', dir: 'auto', value: x.title || '' });
  c.summary = h('textarea', { name: 'summary', rows: '3', dir: 'auto', maxlength: '2000' });
  c.summary.value = x.summary || '';
  for (const f of STRUCTURED) {
    c[f] = h('textarea', { name: f, rows: '4', dir: 'auto' });
    c[f].value = x[f] || '';
  }
  c.body = h('textarea', { name: 'body', rows: '12', dir: 'auto', class: 'library-body' });
  c.body.value = x.body || '';
  c.language = select(
    'language',
    LANGUAGES.map((l) => [l.code, l.name]),
    x.language || language(),
  );
  c.occurred_on = dateInput('occurred_on', { value: x.occurred_on || '' });

  // Tags: threat types from the taxonomy, missions as the incident form lists them, activities
  // and A4P areas from the vocabulary, keywords typed.
  c.threat = h(
    'select',
    { name: 'tags_threat', multiple: true, size: '6' },
    typeOptions(lists.tax),
  );
  chooseValues(c.threat, tags.threat);
  const missionList = lists.missions.slice();
  for (const m of tags.mission || []) if (missionList.indexOf(m) < 0) missionList.push(m);
  c.mission = h(
    'select',
    { name: 'tags_mission', multiple: true, size: '5' },
    missionList.map((m) => h('option', { value: m }, m)),
  );
  chooseValues(c.mission, tags.mission);
  const activity = checkboxes('tags_activity', vocabPairs(lists.vocab.activities), tags.activity);
  const a4p = checkboxes('tags_a4p', vocabPairs(lists.vocab.a4p), tags.a4p);
  c.keyword = input('tags_keyword', { dir: 'auto', value: (tags.keyword || []).join(', ') });

  // Links: rows of type and id.
  const linkRows = h('div', { class: 'library-link-rows' });
  const addLink = (l) => linkRows.append(linkRow(l || {}));
  for (const l of x.links || []) if (!l.hidden) addLink(l);

  c.tlp = select(
    'tlp',
    TLPS.map((m) => [m, `TLP:${m}`]),
    x.tlp ? String(x.tlp).replace(/^TLP:/, '') : 'GREEN',
  );
  c.sharing_group = select(
    'sharing_group',
    [['', t('library.edit_choose_group')]].concat(lists.groups.map((g) => [String(g.id), g.name])),
    x.sharing_group ? String(x.sharing_group) : '',
  );
  c.recipients = input('recipients', {
    autocomplete: 'off',
    spellcheck: 'false',
    dir: 'ltr',
    value: (x.recipients || []).join(', '),
  });
  const marking = markingFields(c);
  c.note = input('note', { maxlength: '500', dir: 'auto' });

  const preview = h('div', { class: 'card library-preview', hidden: true, 'aria-live': 'polite' });
  const previewButton = h(
    'button',
    { type: 'button', class: 'small', 'aria-expanded': 'false' },
    t('library.edit_preview'),
  );
  previewButton.addEventListener('click', () => togglePreview(c.body, preview, previewButton));
  c.body.addEventListener('input', () => {
    // A preview of text that changed since would mislead: it closes.
    if (!preview.hidden) closePreview(preview, previewButton);
  });

  const status = statusLine();
  const conflict = h('div', {
    class: 'alert alert-error library-conflict',
    role: 'alert',
    hidden: true,
  });
  const form = h(
    'form',
    { class: 'form library-form', novalidate: true },
    formAlert(),
    conflict,
    field(t('library.edit_f_kind'), c.kind),
    field(t('library.edit_f_title'), c.title),
    field(t('library.edit_f_summary'), c.summary, t('library.edit_f_summary_hint')),
    h(
      'fieldset',
      { class: 'library-structured' },
      h('legend', null, t('library.edit_structured')),
      STRUCTURED.map((f) => field(fieldLabel(f), c[f])),
    ),
    h(
      'div',
      { class: 'library-body-box' },
      field(t('library.edit_f_body'), c.body, t('library.edit_f_body_hint')),
      h('p', { class: 'actions' }, previewButton),
      preview,
    ),
    field(t('library.edit_f_language'), c.language),
    field(t('library.edit_f_occurred_on'), c.occurred_on),
    h(
      'fieldset',
      { class: 'library-tags' },
      h('legend', null, t('library.edit_f_tags')),
      field(facetLabel('threat'), c.threat, t('library.edit_multi_hint')),
      field(facetLabel('mission'), c.mission, t('library.edit_multi_hint')),
      fieldset(facetLabel('activity'), 'tags_activity', activity),
      fieldset(facetLabel('a4p'), 'tags_a4p', a4p),
      field(facetLabel('keyword'), c.keyword, t('library.edit_keyword_hint')),
    ),
    fieldset(
      t('library.edit_f_links'),
      'links',
      h(
        'div',
        null,
        linkRows,
        h(
          'p',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'small', onclick: () => addLink() },
            t('library.edit_add_link'),
          ),
        ),
      ),
      t('library.edit_links_hint'),
    ),
    marking.tlp,
    marking.group,
    marking.recipients,
    field(t('library.edit_f_note'), c.note, t('library.edit_f_note_hint')),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('library.edit_save')),
      doc
        ? h('a', { href: docHref(doc.id), class: 'button' }, t('library.edit_cancel'))
        : h('a', { href: '#/library', class: 'button' }, t('library.edit_cancel')),
    ),
    status,
  );

  validateWith(form, () => {
    const out = [];
    if (!c.kind.value) out.push(['kind', t('library.edit_problem_kind')]);
    if (!c.title.value.trim()) out.push(['title', t('library.edit_problem_title')]);
    [...linkRows.querySelectorAll('.library-link-row')].forEach((row) => {
      if (!row.querySelector('input').value.trim() && !out.some(([k]) => k === 'links'))
        out.push(['links', t('library.edit_problem_link_id')]);
    });
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', t('library.edit_problem_group')]);
    if (c.tlp.value === 'RED' && !listOf(c.recipients.value).length)
      out.push(['recipients', t('library.edit_problem_recipients')]);
    return out;
  });

  const bodyOf = () => {
    const b = {
      kind: c.kind.value,
      title: c.title.value.trim(),
      summary: c.summary.value,
      body: c.body.value,
      language: c.language.value,
      occurred_on: c.occurred_on.value.trim() || null,
      tags: {
        threat: chosen(c.threat),
        mission: chosen(c.mission),
        activity: checked(activity),
        a4p: checked(a4p),
        keyword: listOf(c.keyword.value),
      },
      links: [...linkRows.querySelectorAll('.library-link-row')].map((row) => ({
        type: row.querySelector('select').value,
        id: row.querySelector('input').value.trim(),
      })),
      tlp: c.tlp.value,
    };
    for (const f of STRUCTURED) b[f] = c[f].value;
    if (c.note.value.trim()) b.note = c.note.value.trim();
    if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
    if (c.tlp.value === 'RED') b.recipients = listOf(c.recipients.value);
    return b;
  };

  onSubmit(
    form,
    async (key) => {
      conflict.hidden = true;
      let saved;
      try {
        saved = doc
          ? await api('PATCH', docPath(doc.id), bodyOf(), { ifMatch: `"${doc.version}"` })
          : await api('POST', '/api/v1/library', bodyOf(), { idempotencyKey: key });
      } catch (e) {
        if (e instanceof ApiError && doc && (e.status === 409 || e.status === 412)) {
          showConflict(conflict, doc.id);
          return;
        }
        // The server's field as this form's box, so the problem shows where it belongs.
        if (e instanceof ApiError && e.field) e.field = boxOf(e.field);
        throw e;
      }
      setFlash(t('library.edit_saved'));
      location.hash = docHref((saved && saved.id) || doc.id);
    },
    status,
  );
  return form;
}

function showConflict(box, id) {
  fill(
    box,
    h('p', null, t('library.edit_conflict')),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            // The same address: the router draws the page again from the stored document.
            const target = `#/library/${encodeURIComponent(id)}/edit`;
            if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
            else location.hash = target;
          },
        },
        t('library.edit_reload'),
      ),
    ),
  );
  box.hidden = false;
  box.scrollIntoView({ block: 'center' });
}

function chooseValues(sel, values) {
  const want = new Set(values || []);
  for (const v of want)
    if (![...sel.options].some((o) => o.value === v)) sel.append(h('option', { value: v }, v)); // a value the lists no longer hold stays
  for (const o of sel.options) o.selected = want.has(o.value);
}

const chosen = (sel) => [...sel.selectedOptions].map((o) => o.value);
const checked = (box) => [...box.querySelectorAll('input:checked')].map((i) => i.value);

function checkboxes(name, pairs, values) {
  const want = new Set(values || []);
  const all = pairs.slice();
  for (const v of want) if (!all.some(([code]) => code === v)) all.push([v, word(v)]);
  return h(
    'div',
    { class: 'library-checks' },
    all.length
      ? all.map(([code, text]) =>
          h(
            'label',
            { class: 'check' },
            h('input', { type: 'checkbox', name, value: code, checked: want.has(code) }),
            ' ',
            text,
          ),
        )
      : h('p', { class: 'muted' }, t('library.edit_no_choices')),
  );
}

function linkRow(l) {
  const type = select(
    'link_type',
    LINK_TYPES.map((k) => [k, linkTypeLabel(k)]),
    l.type || 'incident',
    { 'aria-label': t('library.edit_link_type') },
  );
  const idInput = input('link_id', {
    value: l.id || '',
    dir: 'ltr',
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-label': t('library.edit_link_id'),
    placeholder: t('library.edit_link_id'),
  });
  const row = h(
    'div',
    { class: 'library-link-row' },
    type,
    idInput,
    h(
      'button',
      { type: 'button', class: 'small ghost', onclick: () => row.remove() },
      t('library.edit_remove_link'),
    ),
  );
  return row;
}

function closePreview(preview, button) {
  preview.hidden = true;
  fill(preview);
  button.textContent = t('library.edit_preview');
  button.setAttribute('aria-expanded', 'false');
}

// Asks the server to render the body and shows it sanitized (bulletins.js's sanitize: only
// the allowed elements, copied into new ones; a script or a javascript: address never gets
// through).
async function togglePreview(body, preview, button) {
  if (!preview.hidden) {
    closePreview(preview, button);
    return;
  }
  button.disabled = true;
  fill(preview, loading(t('library.edit_preview_loading')));
  preview.hidden = false;
  try {
    const r = await api('POST', '/api/v1/library/preview', { body: body.value });
    fill(
      preview,
      h('h3', { class: 'library-preview-title' }, t('library.edit_preview_title')),
      h('div', { class: 'library-preview-body', dir: 'auto' }, sanitize((r && r.html) || '')),
    );
    button.textContent = t('library.edit_preview_hide');
    button.setAttribute('aria-expanded', 'true');
  } catch (e) {
    fill(preview, errorNote(e));
  } finally {
    button.disabled = false;
  }
}

// ---- attachments ----

// Uploads a file's bytes (the API takes them as the body, ?filename=). api.js speaks JSON
// only, so this asks the session for the CSRF token and sends the bytes itself.
async function upload(id, file) {
  const s = await api('GET', '/api/v1/session');
  const res = await fetch(`${docPath(id)}/attachments?filename=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: {
      Accept: 'application/json, application/problem+json',
      'Accept-Language': language(),
      'Content-Type': file.type || 'application/octet-stream',
      'X-CSRF-Token': (s && s.csrf_token) || '',
    },
    body: file,
  });
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data, res.headers.get('Retry-After'));
  return data;
}

function attachmentItem(id, f) {
  return h(
    'li',
    null,
    h(
      'a',
      {
        href: `${docPath(id)}/attachments/${encodeURIComponent(f.id)}`,
        download: f.filename || '',
      },
      h('bdi', null, f.filename || f.id),
    ),
    f.size !== undefined
      ? h('span', { class: 'muted' }, ' ', t('library.edit_attach_size', { n: num(f.size) }))
      : null,
  );
}

function attachmentsSection(doc) {
  const list = h(
    'ul',
    { class: 'library-attachments' },
    (doc.attachments || []).map((f) => attachmentItem(doc.id, f)),
  );
  const file = h('input', {
    type: 'file',
    name: 'file',
    accept: '.pdf,.png,.jpg,.jpeg,.webp,.gif,application/pdf,image/*',
  });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'form library-attach-form', novalidate: true },
    formAlert(),
    field(t('library.edit_attach_file'), file),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('library.edit_attach_upload'))),
    status,
  );
  validateWith(form, () =>
    file.files && file.files.length ? [] : [['file', t('library.edit_problem_file')]],
  );
  onSubmit(
    form,
    async () => {
      const f = file.files[0];
      let got;
      try {
        got = await upload(doc.id, f);
      } catch (e) {
        if (e instanceof ApiError) e.field = 'file';
        throw e;
      }
      list.append(attachmentItem(doc.id, got || { filename: f.name, id: '' }));
      file.value = '';
      status.textContent = t('library.edit_attach_done', { name: f.name });
    },
    status,
  );
  return h(
    'section',
    { class: 'library-attach' },
    h('h2', null, t('library.edit_attachments')),
    list,
    form,
  );
}

// ---- versions and their difference ----

export async function renderLibraryVersions(view, [id]) {
  view.append(loading(t('library.versions_loading')));
  let doc;
  let versions;
  try {
    [doc, versions] = await Promise.all([
      api('GET', docPath(id)),
      api('GET', `${docPath(id)}/versions`),
    ]);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('library.versions_title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const items = (versions && versions.items) || [];
  const out = h('div', { class: 'library-diff-out' });
  fill(
    view,
    pageHeader(t('library.versions_title'), h('span', { dir: 'auto' }, doc.title || doc.id)),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: docHref(id), class: 'button' }, t('library.versions_back')),
    ),
    table(
      t('library.versions_title'),
      [
        t('library.versions_col_number'),
        t('library.versions_col_date'),
        t('library.versions_col_org'),
        t('library.versions_col_note'),
        t('library.versions_col_status'),
        t('library.versions_col_marking'),
      ],
      items.map((v) => [
        num(v.version),
        instant(v.created_at),
        v.author_org ? h('span', { dir: 'auto' }, v.author_org.name || v.author_org.code) : '—',
        v.note ? h('span', { dir: 'auto' }, v.note) : '—',
        statusWord(v.status),
        tlpBadge(v.tlp),
      ]),
      t('library.versions_none'),
    ),
  );
  if (items.length < 2) {
    view.append(h('p', { class: 'muted' }, t('library.versions_one')));
    return;
  }
  const pairs = items.map((v) => [
    String(v.version),
    t('library.versions_option', { n: v.version }),
  ]);
  const from = select('from', pairs, String(items[1].version));
  const to = select('to', pairs, String(items[0].version));
  const form = h(
    'form',
    { class: 'form inline-form library-diff-pick', novalidate: true },
    formAlert(),
    field(t('library.diff_from'), from),
    field(t('library.diff_to'), to),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('library.diff_show'))),
  );
  onSubmit(form, async () => {
    fill(out, loading(t('library.diff_loading')));
    let d;
    try {
      d = await api(
        'GET',
        `${docPath(id)}/diff?from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`,
      );
    } catch (e) {
      fill(out);
      throw e;
    }
    if (view.isConnected) fill(out, diffView(d));
  });
  view.append(h('h2', { class: 'library-diff-title' }, t('library.diff_title')), form, out);
  form.requestSubmit();
}

// The difference {from, to, fields: [...]} as sections, one per field.
function diffView(d) {
  const fields = (d && d.fields) || [];
  return h(
    'div',
    { class: 'library-diff' },
    h('p', { class: 'muted' }, t('library.diff_between', { from: d.from, to: d.to })),
    fields.length
      ? fields.map((f) =>
          h(
            'section',
            { class: 'card diff-field', 'data-diff-field': f.field },
            h('h3', null, fieldLabel(f.field)),
            Array.isArray(f.lines) ? diffLines(f.lines) : beforeAfter(f),
          ),
        )
      : h('p', { class: 'empty' }, t('library.diff_same')),
  );
}

const CONTEXT = 3;

// Lines with their sign; a run of unchanged lines keeps CONTEXT lines beside each change, and
// the rest is folded into a <details> that opens on request.
export function diffLines(lines) {
  const box = h('div', { class: 'diff-lines', dir: 'auto' });
  let i = 0;
  while (i < lines.length) {
    if (lines[i].op !== '=') {
      box.append(diffLine(lines[i]));
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].op === '=') j++;
    const run = lines.slice(i, j);
    const keepBefore = i > 0 ? CONTEXT : 0; // after a change
    const keepAfter = j < lines.length ? CONTEXT : 0; // before a change
    if (run.length <= keepBefore + keepAfter) run.forEach((l) => box.append(diffLine(l)));
    else {
      run.slice(0, keepBefore).forEach((l) => box.append(diffLine(l)));
      const hidden = run.slice(keepBefore, run.length - keepAfter);
      box.append(
        h(
          'details',
          { class: 'diff-fold' },
          h('summary', null, t('library.diff_unchanged', { n: hidden.length })),
          hidden.map(diffLine),
        ),
      );
      run.slice(run.length - keepAfter).forEach((l) => box.append(diffLine(l)));
    }
    i = j;
  }
  return box;
}

function diffLine(l) {
  const cls = l.op === '-' ? 'diff-del' : l.op === '+' ? 'diff-add' : 'diff-same';
  // i18n-exempt: the signs of a difference, the same in every language
  const sign = l.op === '-' ? '−' : l.op === '+' ? '+' : ' ';
  const said =
    l.op === '-' ? t('library.diff_removed') : l.op === '+' ? t('library.diff_added') : null;
  return h(
    'div',
    { class: `diff-line ${cls}` },
    h('span', { class: 'diff-sign', 'aria-hidden': 'true' }, sign),
    said ? h('span', { class: 'visually-hidden' }, said) : null,
    h('span', { class: 'diff-text' }, l.text === '' ? '\u00a0' : l.text),
  );
}

// A value of a field without lines (tags, links, marking, ...) as text.
export function valueText(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v))
    return v.length
      ? v
          .map((x) =>
            x && typeof x === 'object'
              ? x.hidden
                ? t('library.diff_hidden_link')
                : [x.type, x.id].filter(Boolean).join(' ')
              : String(x),
          )
          .join(', ')
      : '—';
  if (typeof v === 'object') {
    const parts = Object.entries(v)
      .filter(([, list]) => !(Array.isArray(list) && !list.length))
      .map(([k, list]) => `${FACETS.includes(k) ? facetLabel(k) : k}: ${valueText(list)}`);
    return parts.length ? parts.join('; ') : '—';
  }
  if (typeof v === 'string' && /^TLP:/.test(v)) return v;
  return String(v);
}

function beforeAfter(f) {
  const shown = (v) =>
    f.field === 'kind' ? kindLabel(v) : f.field === 'status' ? statusWord(v) : valueText(v);
  return facts([
    [t('library.diff_before'), h('span', { class: 'diff-before', dir: 'auto' }, shown(f.before))],
    [t('library.diff_after'), h('span', { class: 'diff-after', dir: 'auto' }, shown(f.after))],
  ]);
}
