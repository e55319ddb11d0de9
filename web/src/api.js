// The one way the app talks to the server: JSON over fetch on the same origin. The session is
// an HttpOnly cookie the app never sees; what it keeps (in memory only) is the CSRF token,
// sent as X-CSRF-Token on every write. Errors arrive as RFC 9457 problems and are thrown as
// ApiError, carrying the server's `detail` and `field` for the form that sent the request.
// Every request says the app's language (Accept-Language), so the server writes its problems
// and its vocabulary in the words the reader reads.
import { language, t } from './i18n.js';

let csrfToken = '';
let sessionLost = null;

export function setCsrfToken(token) {
  csrfToken = token || '';
}

// `fn(err)` runs when the server answers 401 to a signed-in request: the session expired or
// was revoked elsewhere.
export function onSessionLost(fn) {
  sessionLost = fn;
}

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    const p = problem && typeof problem === 'object' ? problem : {};
    // The status is a code, not an amount: written as it is.
    super(
      p.detail ||
        p.title ||
        (status ? t('api.server_answered', { status: String(status) }) : t('api.network_error')),
    );
    this.status = status;
    this.problem = p;
    this.detail = p.detail || '';
    this.field = p.field || '';
    this.code = p.code || '';
    // Seconds to wait, from Retry-After (seconds or an HTTP date); 0 when absent.
    this.retryAfter = parseRetryAfter(retryAfter);
  }
}

function parseRetryAfter(value) {
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return parseInt(value, 10);
  const when = Date.parse(value);
  return Number.isNaN(when) ? 0 : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

const WRITES = { POST: true, PUT: true, PATCH: true, DELETE: true };

// The server runs at most threads - 1 statistics, grids and files at once and answers the
// next with 503 and Retry-After (docs/operations.md, "Expensive requests"). A dashboard asks
// for about ten figures at once: the app sends at most EXPENSIVE_AT_ONCE of them together,
// fewer than the default server's slots, so one tab never refuses itself. A 503 that still
// comes (other readers, a smaller server) means the server has fewer free slots than that:
// the tab then sends one at a time, back to EXPENSIVE_AT_ONCE after a run of answers, and
// retries the refused request after its Retry-After for as long as BUSY_PATIENCE_MS. A fixed
// number of retries was not enough: two requests at once on a one-slot server refuse each
// other, and on a slow server the retries ran out before the figures came.
const EXPENSIVE = /^\/api\/v1\/(stats\/|[a-z]+\/grid|[a-z]+\.(geojson|csv))/;
const EXPENSIVE_AT_ONCE = 2;
const CALM_AFTER = 4; // answers in a row before two at a time again
const BUSY_PATIENCE_MS = 45000;
let expensiveLimit = EXPENSIVE_AT_ONCE;
let answeredInARow = 0;
let expensiveRunning = 0;
const expensiveWaiting = [];

async function expensiveTurn() {
  if (expensiveRunning < expensiveLimit) {
    expensiveRunning++;
    return;
  }
  await new Promise((resolve) => expensiveWaiting.push(resolve));
}

function expensiveDone() {
  const next = expensiveRunning <= expensiveLimit ? expensiveWaiting.shift() : null;
  if (next) next();
  else expensiveRunning--;
}

function expensiveAnswered(refused) {
  if (refused) {
    expensiveLimit = 1;
    answeredInARow = 0;
  } else if (++answeredInARow >= CALM_AFTER && expensiveLimit < EXPENSIVE_AT_ONCE) {
    expensiveLimit++;
    const next = expensiveWaiting.shift();
    if (next) {
      expensiveRunning++;
      next();
    }
  }
}

// api('GET', '/api/v1/orgs') → parsed JSON (null for 204). Options: `idempotencyKey` (sent as
// Idempotency-Key, so a retried create is not made twice), `quiet401` (a 401 is expected:
// do not report a lost session).
export async function api(method, path, body, options) {
  if (method !== 'GET' || !EXPENSIVE.test(path)) return request(method, path, body, options);
  const giveUp = Date.now() + BUSY_PATIENCE_MS;
  for (;;) {
    await expensiveTurn();
    let busy;
    try {
      const answer = await request(method, path, body, options);
      expensiveAnswered(false);
      return answer;
    } catch (e) {
      // Only a 503 with Retry-After is a busy server; one without (a store that cannot be
      // opened) will not answer better later.
      if (!(e instanceof ApiError) || e.status !== 503 || !(e.retryAfter > 0)) throw e;
      expensiveAnswered(true);
      if (Date.now() >= giveUp) throw e;
      busy = e;
    } finally {
      expensiveDone();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * busy.retryAfter));
  }
}

async function request(method, path, body, options) {
  const opt = options || {};
  const headers = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': language(),
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (WRITES[method] && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opt.idempotencyKey) headers['Idempotency-Key'] = opt.idempotencyKey;
  if (opt.ifMatch) headers['If-Match'] = opt.ifMatch; // the revision a PATCH was based on
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, {
      title: t('api.network_error'),
      detail: t('api.network_detail'),
    });
  }
  let data = null;
  if (res.status !== 204 && /json/.test(res.headers.get('Content-Type') || '')) {
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data, res.headers.get('Retry-After'));
    if (res.status === 401 && !opt.quiet401 && sessionLost) sessionLost(err);
    throw err;
  }
  return data;
}

// Every item of a paged list ({"items", "next"}), following the cursor. `path` may carry a
// query already. A plain array reply is taken as it is.
export async function listAll(path, limit) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < 100; page++) {
    const sep = path.includes('?') ? '&' : '?';
    let url = `${path}${sep}limit=${limit || 500}`;
    if (cursor) url += `&cursor=${encodeURIComponent(cursor)}`;
    const data = await api('GET', url);
    if (Array.isArray(data)) return data;
    const got = (data && data.items) || [];
    items.push(...got);
    cursor = data && data.next;
    if (!cursor || got.length === 0) break;
  }
  return items;
}

// A fresh Idempotency-Key: 128 random bits as hex.
export function newIdempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
