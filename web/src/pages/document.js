// The library's reader (issue 16, #/library/ID): one document with its facts, the five
// structured fields that have text, the body (the server's body_html, parsed and rebuilt by
// bulletins.js's sanitize(): never inserted as HTML), tags as links to a filtered search,
// linked records, attachments, endorsements, the workflow's buttons as the document's "can"
// flags allow (the server checks again), related documents and the threaded comments, with
// a reviewer's verdict while the document is in review.
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { field, formAlert, onSubmit, statusLine, validateWith } from '../forms.js';
import { date, dateTime, LTR, num, t } from '../i18n.js';
import { getTaxonomy, tlpBadge } from '../incidents/common.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';
import { sanitize } from './bulletins.js';
import { documentHref, kindLabel, resultCard, statusBadge, tagLabeller } from './library.js';

const base = (id) => `/api/v1/library/${encodeURIComponent(id)}`;

// The structured fields, in the order a reader expects them.
const SECTIONS = ['context', 'what_happened', 'what_worked', 'what_did_not', 'recommendations'];
const TAG_FACETS = ['threat', 'mission', 'activity', 'a4p', 'keyword'];
// Replies are indented under their parent up to this depth; deeper ones stay at it.
const MAX_DEPTH = 4;

function sectionTitle(k) {
  return {
    context: t('library.reader_context'),
    what_happened: t('library.reader_what_happened'),
    what_worked: t('library.reader_what_worked'),
    what_did_not: t('library.reader_what_did_not'),
    recommendations: t('library.reader_recommendations'),
  }[k];
}

// Plain text with blank lines between paragraphs → paragraphs of text nodes.
function paragraphs(text) {
  return String(text || '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => h('p', { dir: 'auto' }, p));
}

function verdictBadge(v) {
  if (!v || v === 'comment') return null;
  return h(
    'span',
    { class: `badge verdict verdict-${v}` },
    v === 'approve' ? t('library.comment_verdict_approve') : t('library.comment_verdict_changes'),
  );
}

const recordHref = (l) =>
  ({
    incident: `#/incidents/${encodeURIComponent(l.id)}`,
    alert: `#/alerts/${encodeURIComponent(l.id)}`,
    action: `#/actions/${encodeURIComponent(l.id)}`,
  })[l.type] || null;

function linkTypeLabel(type) {
  return (
    {
      incident: t('library.reader_link_incident'),
      alert: t('library.reader_link_alert'),
      action: t('library.reader_link_action'),
    }[type] || type
  );
}

// "1.2 MB", "340 KB", "12 bytes".
function size(n) {
  const v = Number(n || 0);
  if (v >= 1048576)
    return t('library.reader_size_mb', { n: num(v / 1048576, { maximumFractionDigits: 1 }) });
  if (v >= 1024) return t('library.reader_size_kb', { n: num(Math.round(v / 1024)) });
  return t('library.reader_size_bytes', { n: v });
}

export async function renderDocument(view, [id]) {
  view.append(loading(t('library.reader_loading')));
  let d;
  try {
    d = await api('GET', base(id));
  } catch (e) {
    if (view.isConnected)
      fill(
        view,
        pageHeader(t('library.search_title')),
        errorNote(e),
        h('p', null, h('a', { href: '#/library' }, t('library.reader_back'))),
      );
    return;
  }
  if (!view.isConnected) return;
  let labelOf = tagLabeller(null);
  const status = statusLine();
  const tagsBox = h('div', null);
  const endorseBox = h('section', { class: 'card library-endorsements-box' });
  const relatedBox = h('div', null, loading(t('library.reader_related_loading')));
  const commentsBox = h('div', null, loading(t('library.comment_loading')));

  function draw() {
    const can = d.can || {};
    const owner = d.owner || {};
    fill(
      view,
      pageHeader(d.title || d.id),
      h(
        'div',
        { class: 'badges' },
        h('span', { class: 'badge library-kind' }, kindLabel(d.kind)),
        ' ',
        statusBadge(d.status),
        ' ',
        tlpBadge(d.tlp),
      ),
      status,
      workflow(can),
      h(
        'dl',
        { class: 'facts' },
        fact(
          t('library.reader_owner'),
          h('span', { dir: 'auto' }, owner.name || owner.code || '—'),
        ),
        fact(t('library.reader_kind'), kindLabel(d.kind)),
        fact(t('library.reader_status'), statusBadge(d.status)),
        fact(t('library.reader_marking'), tlpBadge(d.tlp)),
        fact(t('library.reader_version'), h('span', LTR, num(Number(d.version || 1)))),
        d.occurred_on ? fact(t('library.reader_occurred'), date(d.occurred_on)) : null,
        d.published_at ? fact(t('library.reader_published'), dateTime(d.published_at)) : null,
        d.updated_at ? fact(t('library.reader_updated'), dateTime(d.updated_at)) : null,
      ),
      d.summary ? h('p', { class: 'lead library-doc-summary', dir: 'auto' }, d.summary) : null,
      SECTIONS.filter((k) => String(d[k] || '').trim()).map((k) =>
        h(
          'section',
          { class: `library-field library-field-${k}` },
          h('h2', null, sectionTitle(k)),
          paragraphs(d[k]),
        ),
      ),
      d.body_html
        ? h(
            'section',
            null,
            h('h2', null, t('library.reader_body')),
            h('article', { class: 'card reader-body', dir: 'auto' }, sanitize(d.body_html)),
          )
        : null,
      tagsBox,
      linksSection(),
      attachmentsSection(),
      endorseBox,
      h(
        'section',
        { class: 'library-related' },
        h('h2', null, t('library.reader_related')),
        relatedBox,
      ),
      h(
        'section',
        { class: 'library-comments' },
        h('h2', null, t('library.comment_title')),
        commentsBox,
      ),
      h(
        'p',
        { class: 'actions' },
        h('a', { href: '#/library', class: 'button' }, t('library.reader_back')),
      ),
    );
    drawTags();
    drawEndorsements();
  }

  function fact(term, value) {
    return h('div', { class: 'fact' }, h('dt', null, term), h('dd', null, value));
  }

  function drawTags() {
    const tags = d.tags || {};
    const rows = TAG_FACETS.filter((f) => (tags[f] || []).length);
    fill(
      tagsBox,
      rows.length
        ? h(
            'section',
            { class: 'reader-tags' },
            h('h2', null, t('library.reader_tags')),
            h(
              'ul',
              { class: 'library-chips' },
              rows.flatMap((f) =>
                tags[f].map((v) =>
                  h(
                    'li',
                    null,
                    h(
                      'a',
                      {
                        class: 'chip',
                        href: `#/library?${new URLSearchParams({ [f]: v })}`,
                        dir: 'auto',
                      },
                      labelOf(f, v),
                    ),
                  ),
                ),
              ),
            ),
          )
        : null,
    );
  }

  function linksSection() {
    const links = d.links || [];
    if (!links.length) return null;
    return h(
      'section',
      { class: 'library-links' },
      h('h2', null, t('library.reader_links')),
      h(
        'ul',
        null,
        links.map((l) => {
          if (l.hidden) return h('li', { class: 'muted' }, t('library.reader_link_hidden'));
          const href = recordHref(l);
          return h(
            'li',
            null,
            linkTypeLabel(l.type),
            ': ',
            href
              ? h('a', { href, dir: 'auto' }, l.label || l.id)
              : h('span', { dir: 'auto' }, l.label || l.id),
          );
        }),
      ),
    );
  }

  function attachmentsSection() {
    const files = d.attachments || [];
    if (!files.length) return null;
    return h(
      'section',
      { class: 'attachments' },
      h('h2', null, t('library.reader_attachments')),
      h(
        'ul',
        null,
        files.map((f) =>
          h(
            'li',
            null,
            h(
              'a',
              {
                href: `${base(d.id)}/attachments/${encodeURIComponent(f.id)}`,
                download: f.filename || '',
              },
              h('bdi', null, f.filename || f.id),
            ),
            ' ',
            h(
              'span',
              { class: 'muted', title: f.sha256 ? `SHA-256 ${f.sha256}` : null },
              t('library.reader_file_meta', { type: f.content_type || '—', size: size(f.size) }),
            ),
          ),
        ),
      ),
    );
  }

  // Endorsements: the count (as of the reply that gave it), the organizations, and the
  // button of the reader's organization.
  let endorsedAsOf = new Date().toISOString();
  function drawEndorsements() {
    const e = d.endorsements || { count: 0, orgs: [], mine: false };
    const can = d.can || {};
    const org = (session.user && session.user.org) || '';
    const problem = h('div', null);
    const button =
      can.endorse || e.mine
        ? h(
            'button',
            {
              type: 'button',
              class: e.mine ? 'library-endorse' : 'library-endorse primary',
              onclick: async (ev) => {
                ev.target.disabled = true;
                fill(problem);
                try {
                  const r = await api(
                    e.mine ? 'DELETE' : 'PUT',
                    `${base(d.id)}/endorsement`,
                    e.mine ? undefined : {},
                  );
                  d.endorsements = r;
                  endorsedAsOf = new Date().toISOString();
                  status.textContent = r.mine
                    ? t('library.endorse_done', { org })
                    : t('library.endorse_withdrawn');
                  drawEndorsements();
                } catch (err) {
                  ev.target.disabled = false;
                  fill(problem, errorNote(err));
                }
              },
            },
            e.mine ? t('library.endorse_withdraw') : t('library.endorse_for', { org }),
          )
        : null;
    fill(
      endorseBox,
      h('h2', null, t('library.endorse_title')),
      h(
        'p',
        { class: 'library-endorse-count' },
        t('library.endorse_count', { n: Number(e.count || 0) }),
        ' ',
        h(
          'span',
          { class: 'muted as-of' },
          t('library.reader_as_of', { time: dateTime(endorsedAsOf) }),
        ),
      ),
      (e.orgs || []).length
        ? h(
            'ul',
            { class: 'library-endorsers' },
            e.orgs.map((o) =>
              h(
                'li',
                null,
                h('span', { dir: 'auto' }, o.name || o.code),
                o.at ? [' ', h('span', { class: 'muted' }, date(o.at))] : null,
              ),
            ),
          )
        : null,
      button ? h('p', { class: 'actions' }, button) : null,
      problem,
    );
  }

  // A workflow step's button: POSTs and redraws with the document the server answers.
  function step(label, path, message, body) {
    return h(
      'button',
      {
        type: 'button',
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            d = await api('POST', `${base(d.id)}/${path}`, body);
            draw();
            status.textContent = message;
            loadComments();
          } catch (err) {
            ev.target.disabled = false;
            status.textContent = err.detail || err.message;
          }
        },
      },
      label,
    );
  }

  function workflow(can) {
    const buttons = [];
    if (can.edit)
      buttons.push(
        h('a', { href: `${documentHref(d.id)}/edit`, class: 'button' }, t('library.reader_edit')),
      );
    if (can.submit && d.status === 'draft')
      buttons.push(step(t('library.reader_submit'), 'submit', t('library.reader_submitted')));
    if (can.publish && d.status === 'in_review')
      buttons.push(
        step(t('library.reader_publish'), 'publish', t('library.reader_published_done')),
      );
    buttons.push(
      h(
        'a',
        { href: `${documentHref(d.id)}/versions`, class: 'button' },
        t('library.reader_versions'),
      ),
    );
    return h(
      'div',
      { class: 'library-workflow' },
      h('p', { class: 'actions' }, buttons),
      can.withdraw && d.status !== 'draft' ? withdrawForm() : null,
    );
  }

  function withdrawForm() {
    const reason = h('textarea', { name: 'reason', rows: '2', dir: 'auto', maxlength: '500' });
    const form = h(
      'form',
      { class: 'form library-withdraw', novalidate: true },
      h(
        'details',
        null,
        h('summary', null, t('library.reader_withdraw')),
        formAlert(),
        field(t('library.reader_withdraw_reason'), reason),
        h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('library.reader_withdraw'))),
      ),
    );
    validateWith(form, () =>
      reason.value.trim() ? [] : [['reason', t('library.reader_withdraw_problem')]],
    );
    onSubmit(form, async () => {
      d = await api('POST', `${base(d.id)}/withdraw`, { reason: reason.value.trim() });
      draw();
      status.textContent = t('library.reader_withdrawn');
      loadComments();
    });
    return form;
  }

  async function loadRelated() {
    try {
      const r = await api(
        'GET',
        `/api/v1/library/related?document=${encodeURIComponent(d.id)}&limit=5`,
      );
      if (!view.isConnected) return;
      const items = (r && r.items) || [];
      fill(
        relatedBox,
        items.length
          ? h(
              'ul',
              { class: 'library-results' },
              items.map((x) => resultCard(x)),
            )
          : h('p', { class: 'empty' }, t('library.reader_related_none')),
      );
    } catch (e) {
      fill(relatedBox, errorNote(e));
    }
  }

  // ---- comments ----

  async function loadComments() {
    let r;
    try {
      r = await api('GET', `${base(d.id)}/comments`);
    } catch (e) {
      if (view.isConnected) fill(commentsBox, errorNote(e));
      return;
    }
    if (!view.isConnected) return;
    drawComments((r && r.items) || []);
  }

  function drawComments(items) {
    const byParent = new Map();
    const ids = new Set(items.map((c) => c.id));
    for (const c of items) {
      const p = c.parent && ids.has(c.parent) ? c.parent : null;
      if (!byParent.has(p)) byParent.set(p, []);
      byParent.get(p).push(c);
    }
    const thread = (parent, depth) => {
      const list = byParent.get(parent) || [];
      if (!list.length) return null;
      return h(
        'ul',
        { class: depth ? 'library-thread library-replies' : 'library-thread' },
        list.map((c) => commentItem(c, depth)),
      );
    };
    // Deeper than MAX_DEPTH, replies are listed at that depth rather than indented further.
    // `leaf`: a reply listed by flatten(), whose own replies are listed beside it.
    const commentItem = (c, depth, leaf) => {
      const replyBox = h('div', null);
      const org = c.org || {};
      const deeper = !leaf && depth + 1 < MAX_DEPTH ? thread(c.id, depth + 1) : null;
      const flat = !leaf && depth + 1 >= MAX_DEPTH ? flatten(c.id) : [];
      return h(
        'li',
        { class: 'library-comment', 'data-id': c.id },
        h(
          'article',
          { class: 'card' },
          h(
            'p',
            { class: 'library-comment-head muted' },
            h('bdi', LTR, c.author || '—'),
            ' · ',
            h('span', { dir: 'auto' }, org.name || org.code || ''),
            ' · ',
            dateTime(c.created_at),
            ' ',
            verdictBadge(c.verdict),
          ),
          paragraphs(c.body),
          (d.can || {}).comment
            ? h(
                'p',
                { class: 'actions' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'library-reply',
                    onclick: () => {
                      if (replyBox.firstChild) fill(replyBox);
                      else {
                        const f = commentForm(c.id);
                        fill(replyBox, f);
                        f.querySelector('textarea').focus();
                      }
                    },
                  },
                  t('library.comment_reply'),
                ),
              )
            : null,
          replyBox,
        ),
        deeper,
        flat.length
          ? h(
              'ul',
              { class: 'library-thread library-replies' },
              flat.map((x) => commentItem(x, MAX_DEPTH, true)),
            )
          : null,
      );
    };
    // Every reply below `id`, oldest first, for the depth that is no longer indented.
    const flatten = (id) => {
      const out = [];
      const walk = (p) => {
        for (const c of byParent.get(p) || []) {
          out.push(c);
          walk(c.id);
        }
      };
      walk(id);
      return out.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
    };
    const can = d.can || {};
    fill(
      commentsBox,
      items.length ? thread(null, 0) : h('p', { class: 'empty' }, t('library.comment_none')),
      can.comment ? commentForm(null) : null,
    );
  }

  // The form for a comment (parent null) or a reply; a reviewer adds a verdict while the
  // document is in review.
  function commentForm(parent) {
    const can = d.can || {};
    const body = h('textarea', {
      name: 'body',
      rows: parent ? '3' : '4',
      dir: 'auto',
      maxlength: '20000',
    });
    const verdicts =
      !parent && can.review && d.status === 'in_review'
        ? h(
            'fieldset',
            { class: 'library-verdict', 'data-field': 'verdict' },
            h('legend', null, t('library.comment_verdict')),
            ['comment', 'approve', 'changes'].map((v) =>
              h(
                'label',
                { class: 'check' },
                h('input', { type: 'radio', name: 'verdict', value: v, checked: v === 'comment' }),
                ' ',
                {
                  comment: t('library.comment_verdict_comment'),
                  approve: t('library.comment_verdict_approve'),
                  changes: t('library.comment_verdict_changes'),
                }[v],
              ),
            ),
          )
        : null;
    const form = h(
      'form',
      {
        class: parent
          ? 'form library-comment-form library-reply-form'
          : 'form library-comment-form',
        novalidate: true,
      },
      formAlert(),
      field(parent ? t('library.comment_reply_label') : t('library.comment_label'), body),
      verdicts,
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'submit', class: 'primary' },
          parent ? t('library.comment_reply_send') : t('library.comment_send'),
        ),
      ),
    );
    validateWith(form, () =>
      body.value.trim() ? [] : [['body', t('library.comment_problem_body')]],
    );
    onSubmit(form, async (key) => {
      const b = { body: body.value.trim() };
      if (parent) b.parent = parent;
      const chosen = verdicts && verdicts.querySelector('input:checked');
      if (chosen && chosen.value !== 'comment') b.verdict = chosen.value;
      await api('POST', `${base(d.id)}/comments`, b, { idempotencyKey: key });
      status.textContent = parent ? t('library.comment_reply_saved') : t('library.comment_saved');
      if (b.verdict) {
        try {
          d = await api('GET', base(d.id));
          draw();
          loadRelated();
        } catch (e) {
          // The comment is saved; the document is drawn as it was.
        }
      }
      await loadComments();
    });
    return form;
  }

  draw();
  loadRelated();
  loadComments();
  getTaxonomy().then(
    (tax) => {
      if (!view.isConnected) return;
      labelOf = tagLabeller(tax);
      drawTags();
    },
    () => {},
  );
}
