// The library's review view (#/library/review, issue 16). Two lists:
//   - "Waiting for my review": documents in review (GET /api/v1/library?status=in_review) of
//     organizations other than the reader's, with their approvals and requests for changes in
//     this review round and how long they have been in review;
//   - "My organization's documents": its drafts and documents in review, with their review
//     state, links to edit them and their versions, and Submit / Publish for library.publish.
// Each list says how many and when the server counted them ("as of"). Lists, not tables, so
// nothing scrolls sideways on a 360 px screen.
import { api, ApiError } from '../api.js';
import { fill, h } from '../dom.js';
import { instant, t } from '../i18n.js';
import { tlpBadge, word } from '../incidents/common.js';
import { can, session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

const docPath = (id) => `/api/v1/library/${encodeURIComponent(id)}`;
const docHref = (id) => `#/library/${encodeURIComponent(id)}`;
const DAY = 86400000;

function kindLabel(k) {
  return (
    {
      case_study: t('library.kind_case_study'),
      lesson: t('library.kind_lesson'),
      best_practice: t('library.kind_best_practice'),
      aar: t('library.kind_aar'),
    }[k] || word(k)
  );
}

function statusWord(s) {
  return (
    {
      draft: t('library.review_status_draft'),
      in_review: t('library.review_status_in_review'),
      published: t('library.review_status_published'),
    }[s] || word(s)
  );
}

const myOrg = () => (session.user && session.user.org) || '';

// The items of one search (at most LIMIT): each carries its review counts and submission time.
const LIMIT = 100;
async function documents(params) {
  const q = new URLSearchParams(Object.assign({ limit: String(LIMIT) }, params));
  const r = (await api('GET', `/api/v1/library?${q}`)) || {};
  const items = r.items || [];
  return { items, total: r.total === undefined ? items.length : r.total, asOf: r.as_of };
}

// "In review for 3 days" from when it was submitted (else last changed).
function age(d, now) {
  const since = Date.parse(d.submitted_at || d.updated_at || '');
  if (Number.isNaN(since)) return '';
  const days = Math.max(0, Math.floor((now - since) / DAY));
  return days === 0 ? t('library.review_age_today') : t('library.review_age_days', { n: days });
}

function reviewState(d) {
  const r = d.reviews || {};
  return t('library.review_counts', { approvals: r.approvals || 0, changes: r.changes || 0 });
}

function countLine(text, asOf) {
  return h(
    'p',
    { class: 'muted review-count' },
    text,
    ' · ',
    t('library.review_as_of', { time: instant(asOf || new Date().toISOString()) }),
  );
}

function owner(d) {
  const o = d.owner || {};
  return h('span', { dir: 'auto' }, o.name || o.code || '—');
}

function waitingItem(d, now) {
  return h(
    'li',
    { class: 'card review-item' },
    h('h3', null, h('a', { href: docHref(d.id), dir: 'auto' }, d.title || d.id)),
    h(
      'p',
      { class: 'muted' },
      owner(d),
      ' · ',
      kindLabel(d.kind),
      ' · ',
      age(d, now),
      ' ',
      tlpBadge(d.tlp),
    ),
    h('p', { class: 'review-state' }, reviewState(d)),
  );
}

// Submit (a draft) or Publish (a document in review with an approval from another
// organization), for library.publish; the answer or the problem is said in the item.
function workflowButton(d, reload) {
  if (!can('library.publish')) return null;
  const note = h('p', { class: 'review-note', role: 'status', 'aria-live': 'polite' });
  let label;
  let path;
  if (d.status === 'draft') {
    label = t('library.review_submit');
    path = `${docPath(d.id)}/submit`;
  } else if (d.status === 'in_review') {
    if (!((d.reviews && d.reviews.approvals) > 0))
      return h('p', { class: 'muted' }, t('library.review_needs_approval'));
    label = t('library.review_publish');
    path = `${docPath(d.id)}/publish`;
  } else return null;
  const button = h('button', { type: 'button', class: 'primary' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    note.textContent = '';
    try {
      await api('POST', path);
      reload();
    } catch (e) {
      note.textContent = e instanceof ApiError ? e.message : String(e);
      note.className = 'review-note alert alert-error';
      button.disabled = false;
    }
  });
  return h('div', null, button, note);
}

function mineItem(d, now, reload) {
  return h(
    'li',
    { class: 'card review-item', 'data-status': d.status },
    h('h3', null, h('a', { href: docHref(d.id), dir: 'auto' }, d.title || d.id)),
    h(
      'p',
      { class: 'muted' },
      statusWord(d.status),
      ' · ',
      kindLabel(d.kind),
      d.status === 'in_review' ? [' · ', age(d, now)] : null,
      ' ',
      tlpBadge(d.tlp),
    ),
    d.status === 'in_review' ? h('p', { class: 'review-state' }, reviewState(d)) : null,
    h(
      'p',
      { class: 'actions' },
      h('a', { href: `${docHref(d.id)}/edit`, class: 'button' }, t('library.review_edit')),
      h('a', { href: `${docHref(d.id)}/versions`, class: 'button' }, t('library.review_versions')),
    ),
    workflowButton(d, reload),
  );
}

export function renderLibraryReview(view) {
  const waiting = h('section', { class: 'review-waiting' });
  const ours = h('section', { class: 'review-mine' });
  view.append(
    pageHeader(t('library.review_title'), t('library.review_intro')),
    can('library.write')
      ? h(
          'p',
          { class: 'actions' },
          h('a', { href: '#/library/new', class: 'button' }, t('library.review_new')),
        )
      : null,
    waiting,
    ours,
  );
  const reload = () => {
    if (view.isConnected) load();
  };
  async function load() {
    fill(waiting, h('h2', null, t('library.review_waiting')), loading(t('library.review_loading')));
    fill(ours, h('h2', null, t('library.review_mine')), loading(t('library.review_loading')));
    const org = myOrg();
    const now = Date.now();
    try {
      const r = await documents({ status: 'in_review' });
      if (!view.isConnected) return;
      const list = r.items.filter((d) => !(d.owner && d.owner.code === org));
      fill(
        waiting,
        h('h2', null, t('library.review_waiting')),
        countLine(t('library.review_waiting_count', { n: list.length }), r.asOf),
        list.length
          ? h(
              'ul',
              { class: 'review-list' },
              list.map((d) => waitingItem(d, now)),
            )
          : h('p', { class: 'empty' }, t('library.review_waiting_none')),
      );
    } catch (e) {
      if (view.isConnected) fill(waiting, h('h2', null, t('library.review_waiting')), errorNote(e));
    }
    if (!org) {
      fill(ours);
      return;
    }
    try {
      const [drafts, inReview] = await Promise.all([
        documents({ status: 'draft', org }),
        documents({ status: 'in_review', org }),
      ]);
      if (!view.isConnected) return;
      const list = inReview.items.concat(drafts.items);
      fill(
        ours,
        h('h2', null, t('library.review_mine')),
        countLine(t('library.review_mine_count', { n: list.length }), inReview.asOf || drafts.asOf),
        list.length
          ? h(
              'ul',
              { class: 'review-list' },
              list.map((d) => mineItem(d, now, reload)),
            )
          : h('p', { class: 'empty' }, t('library.review_mine_none')),
      );
    } catch (e) {
      if (view.isConnected) fill(ours, h('h2', null, t('library.review_mine')), errorNote(e));
    }
  }
  load();
}
