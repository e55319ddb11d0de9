// The live feed and the notification bell. One EventSource per tab (GET /api/v1/stream), opened
// after sign-in and closed on sign-out; the browser resends Last-Event-ID itself when it
// reconnects, so the server sends what was missed and nothing twice. Events are `alert`,
// `bulletin`, `notification`, `incident` and `proposal` (feed_publish's kind), each {kind,
// action, record_id, at}: the bell asks
// for its count again, and the open page hears them as a `bh-live` event on window ({detail:
// {kind, data}}); a page that changed the unread count sends `bh-bell`. Window events rather
// than imports: a page importing this module would split the shell into one more chunk (one
// more request on the first visit). It is fetched after sign-in (main.js) and given the shell's
// helpers as arguments, for the same reason: importing them here would split the shell's
// shared chunk, and the first visit (the sign-in page) needs none of this. Whether the stream
// is up is written on <html data-live="open|down">, so a page that would otherwise poll (a
// proposal past its deadline) polls only while the stream is down.
let api, h, num, t;

const KINDS = ['alert', 'bulletin', 'notification', 'incident', 'proposal'];
let source = null;
let bellLink = null;
let retry = null;
let wait = 5000;

export function startLive(helpers, link) {
  if (helpers) ({ api, h, num, t } = helpers);
  if (link) bell(link);
  stopLive();
  source = new EventSource('/api/v1/stream');
  source.addEventListener('open', () => {
    wait = 5000;
    document.documentElement.dataset.live = 'open';
    refreshBell();
  });
  // A stream the server ended (restart, too many streams) is not reopened by the browser:
  // the app opens it again, waiting longer each time, up to five minutes.
  source.addEventListener('error', () => {
    document.documentElement.dataset.live = 'down';
    if (!source || source.readyState !== EventSource.CLOSED) return;
    retry = setTimeout(startLive, wait);
    wait = Math.min(wait * 2, 300000);
  });
  for (const kind of KINDS)
    source.addEventListener(kind, (ev) => {
      let data = {};
      try {
        data = JSON.parse(ev.data);
      } catch (e) {
        // An event without a body still says that something of its kind changed.
      }
      if (kind === 'notification' || kind === 'alert') refreshBell();
      window.dispatchEvent(new CustomEvent('bh-live', { detail: { kind, data } }));
    });
  refreshBell();
}

export function stopLive() {
  clearTimeout(retry);
  if (source) source.close();
  source = null;
  delete document.documentElement.dataset.live;
}

// The bell in the header (`link`, made by the shell): the icon and the unread count.
function bell(link) {
  const svg = (tag, attrs) => {
    const el = document.createElementNS(['http:', '', 'www.w3.org', '2000', 'svg'].join('/'), tag);
    for (const k of Object.keys(attrs)) el.setAttribute(k, attrs[k]);
    return el;
  };
  const icon = svg('svg', { viewBox: '0 0 24 24', width: 22, height: 22, 'aria-hidden': 'true' });
  icon.append(
    svg('path', { d: 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0' }),
  );
  bellLink = link;
  link.replaceChildren(icon, h('span', { class: 'bell-count' }));
  setBell(0);
}

function setBell(n) {
  if (!bellLink) return;
  const text = t('live.bell', { n });
  bellLink.setAttribute('aria-label', text);
  bellLink.title = text;
  const count = bellLink.lastChild;
  count.textContent = n ? num(n) : '';
  count.hidden = !n;
  bellLink.dataset.unread = String(n);
}

window.addEventListener('bh-bell', () => refreshBell());

// Asks the server for the unread count; a failure leaves the bell as it was.
async function refreshBell() {
  if (!bellLink) return;
  try {
    const r = await api('GET', '/api/v1/notifications/count');
    setBell(Number((r && r.unread) || 0));
  } catch (e) {
    // The bell is a convenience: the notifications page says what went wrong.
  }
}
