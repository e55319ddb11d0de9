// Bulletins (issue 14): the list (#/bulletins) and the reader (#/bulletins/ID) with its
// attachments. The server renders the Markdown body with cmark (raw HTML off) and sends it as
// `body_html`; as a second defence the page never inserts that HTML: it parses it with
// DOMParser (an inert document: no script runs, nothing loads) and copies only the allowed
// elements and attributes into elements of its own. A link keeps an http(s) or same-site
// address; an image only a same-origin one (the Content-Security-Policy's img-src would refuse
// any other anyway). Everything else is dropped, its text kept.
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { date, dateTime, num, t } from '../i18n.js';
import { facts, query, tlpBadge } from '../incidents/common.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

// The live stream's events while the page listens (live.js sends them on window); returns the
// function that stops listening.
function onLive(fn) {
  const on = (ev) => fn(ev.detail.kind, ev.detail.data || {});
  window.addEventListener('bh-live', on);
  return () => window.removeEventListener('bh-live', on);
}

const BLOCKS = 'p h1 h2 h3 h4 h5 h6 ul ol li em strong code pre blockquote br hr a img'.split(' ');
const TABLE = 'table thead tbody tfoot tr th td caption'.split(' ');
const ALLOWED = new Set(BLOCKS.concat(TABLE));
const DROP = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript']);

// An address a link may keep: http(s), or relative to this site (not "//host").
export function safeHref(value) {
  const v = String(value || '').trim();
  if (/^https?:\/\//i.test(v)) return v;
  if (/^(\/(?!\/)|#|\.{0,2}\/|[^:/?#]+(?:[/?#]|$))/.test(v) && !/^[a-z][a-z0-9+.-]*:/i.test(v))
    return v;
  return null;
}

// An image address this origin serves, or null.
export function safeSrc(value) {
  try {
    const u = new URL(String(value || ''), location.href);
    return u.origin === location.origin ? u.pathname + u.search : null;
  } catch (e) {
    return null;
  }
}

// The nodes of `html` that may be shown, as fresh elements.
export function sanitize(html) {
  const doc = new DOMParser().parseFromString(String(html || ''), 'text/html');
  const out = document.createDocumentFragment();
  const copy = (from, to) => {
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) {
        to.append(document.createTextNode(n.nodeValue));
        continue;
      }
      if (n.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = n.tagName.toLowerCase();
      if (DROP.has(tag)) continue;
      if (!ALLOWED.has(tag)) {
        copy(n, to); // the text stays, the element goes
        continue;
      }
      let el;
      if (tag === 'a') {
        const href = safeHref(n.getAttribute('href'));
        el = h(
          'a',
          href ? { href, rel: /^https?:/i.test(href) ? 'noopener noreferrer' : null } : null,
        );
      } else if (tag === 'img') {
        const src = safeSrc(n.getAttribute('src'));
        if (!src) {
          const alt = n.getAttribute('alt');
          if (alt) to.append(document.createTextNode(alt));
          continue;
        }
        el = h('img', { src, alt: n.getAttribute('alt') || '' });
      } else if (tag === 'th' || tag === 'td') {
        const span = (k) => (/^\d{1,3}$/.test(n.getAttribute(k) || '') ? n.getAttribute(k) : null);
        el = h(tag, { colspan: span('colspan'), rowspan: span('rowspan') });
      } else el = document.createElement(tag);
      copy(n, el);
      to.append(el);
    }
  };
  copy(doc.body, out);
  return out;
}

const href = (id) => `#/bulletins/${encodeURIComponent(id)}`;

function period(b) {
  if (!b.period_from && !b.period_to) return '';
  return t('bulletins.period', { from: date(b.period_from), to: date(b.period_to) });
}

export function renderBulletins(view) {
  const out = h('div', null, loading(t('bulletins.loading')));
  view.append(pageHeader(t('bulletins.title'), t('bulletins.intro')), out);
  let items = [];
  async function load(cursor) {
    let r;
    try {
      r = await api('GET', `/api/v1/bulletins?${query({ cursor, limit: 50 })}`);
    } catch (e) {
      if (view.isConnected) fill(out, errorNote(e));
      return;
    }
    if (!view.isConnected) return;
    items = cursor ? items.concat((r && r.items) || []) : (r && r.items) || [];
    const next = r && (r.next || r.next_cursor);
    fill(
      out,
      table(
        t('bulletins.title'),
        [
          t('bulletins.col_title'),
          t('bulletins.col_period'),
          t('bulletins.col_mission'),
          t('bulletins.col_published'),
          t('bulletins.col_marking'),
        ],
        items.map((b) => [
          h('a', { href: href(b.id), dir: 'auto' }, b.title || b.id),
          period(b) || '—',
          b.mission ? h('span', { dir: 'ltr' }, b.mission) : '—',
          b.published_at ? dateTime(b.published_at) : t('bulletins.not_published'),
          tlpBadge(b.tlp),
        ]),
        t('bulletins.none'),
      ),
      next
        ? h(
            'p',
            { class: 'actions' },
            h('button', { type: 'button', onclick: () => load(next) }, t('bulletins.show_more')),
          )
        : null,
    );
  }
  load();
  // A bulletin published or changed while the list is open: the list is asked again.
  view.bhLeave = onLive((kind) => {
    if (kind === 'bulletin') load();
  });
}

// "1.2 MB", "340 KB", "12 bytes" in the reader's digits.
function size(n) {
  const v = Number(n || 0);
  if (v >= 1048576)
    return t('bulletins.size_mb', { n: num(v / 1048576, { maximumFractionDigits: 1 }) });
  if (v >= 1024) return t('bulletins.size_kb', { n: num(Math.round(v / 1024)) });
  return t('bulletins.size_bytes', { n: v });
}

export async function renderBulletin(view, [id]) {
  view.append(loading(t('bulletins.loading_one')));
  let b;
  try {
    b = await api('GET', `/api/v1/bulletins/${encodeURIComponent(id)}`);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('bulletins.title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const files = b.attachments || [];
  fill(
    view,
    pageHeader(b.title || b.id),
    h('div', { class: 'badges' }, tlpBadge(b.tlp)),
    facts([
      [t('bulletins.col_period'), period(b)],
      [t('bulletins.col_mission'), b.mission ? h('span', { dir: 'ltr' }, b.mission) : ''],
      [t('bulletins.col_published'), b.published_at ? dateTime(b.published_at) : ''],
    ]),
    h('article', { class: 'card bulletin-body', dir: 'auto' }, sanitize(b.body_html)),
    files.length
      ? h(
          'section',
          { class: 'attachments' },
          h('h2', null, t('bulletins.attachments')),
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
                    href: `/api/v1/bulletins/${encodeURIComponent(b.id)}/attachments/${encodeURIComponent(f.id)}`,
                    download: f.filename || '',
                  },
                  h('bdi', null, f.filename || f.id),
                ),
                ' ',
                h(
                  'span',
                  { class: 'muted', title: f.sha256 ? `SHA-256 ${f.sha256}` : null },
                  t('bulletins.file_meta', { type: f.content_type || '—', size: size(f.size) }),
                ),
              ),
            ),
          ),
        )
      : null,
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '#/bulletins', class: 'button' }, t('bulletins.back')),
    ),
  );
}
