// The live stream benchmark's reader (bench/stream, docs/benchmarks.md "Live stream"): opens N
// Server-Sent Events streams to one server, then publishes an event R times (one request to
// the publish URL each) and measures, for each publish, the time from just before the publish
// request was sent until every stream had received the event, and the spread of single
// arrivals. With every stream open it reads the server's memory and thread count from
// /proc/PID/status. Prints one JSON line. Raw sockets, one process: the client costs the same
// against both servers.
//
//   node bench/stream_load.mjs --port P --path /api/v1/stream --header 'Cookie: x=y'
//        --n 1000 --publishes 20 --event alert --pid SERVER_PID
//        --publish-port P --publish-path /api/v1/alerts --publish-body JSON
//        --publish-header 'X-CSRF-Token: ...'
import net from 'node:net';
import http from 'node:http';
import fs from 'node:fs';

const args = { header: [], 'publish-header': [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  const v = process.argv[i + 1];
  if (Array.isArray(args[k])) args[k].push(v);
  else args[k] = v;
}
const port = Number(args.port);
const n = Number(args.n || 1000);
const publishes = Number(args.publishes || 20);
const eventName = args.event || 'alert';
const marker = `\nevent: ${eventName}\n`;

function die(msg) {
  console.error(`bench/stream_load: ${msg}`);
  process.exit(1);
}

// One stream: the socket, and when it last saw the event after the current publish.
const streams = [];
function open(i) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const st = { s, text: '', ok: false, seen: 0, at: 0 };
    s.setNoDelay(true);
    s.on('connect', () => {
      s.write(
        `GET ${args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n` +
          args.header.map((h) => h + '\r\n').join('') +
          '\r\n',
      );
    });
    s.on('data', (buf) => {
      const chunk = buf.toString('latin1');
      if (!st.ok) {
        st.text += chunk;
        const end = st.text.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!st.text.startsWith('HTTP/1.1 200')) {
          reject(new Error(`stream ${i}: ${st.text.split('\r\n')[0]}`));
          return;
        }
        st.ok = true;
        st.text = '';
        resolve(st);
        return;
      }
      // Count every occurrence: a publish delivers exactly one event to each stream.
      let from = 0;
      for (;;) {
        const k = chunk.indexOf(marker, from);
        if (k < 0) break;
        st.seen++;
        st.at = performance.now();
        from = k + marker.length;
      }
      if (st.seen >= current && waiting) check();
    });
    s.on('error', (e) => reject(e));
    s.on('close', () => {
      if (st.ok && !closing) die(`stream ${i} was closed by the server`);
    });
    streams.push(st);
  });
}

let current = 0; // the publish being waited for (1-based)
let waiting = null; // its resolver
let closing = false;
function check() {
  if (streams.every((st) => st.seen >= current)) {
    const r = waiting;
    waiting = null;
    r();
  }
}

function publish() {
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json' };
    for (const h of args['publish-header']) {
      const k = h.indexOf(':');
      headers[h.slice(0, k).trim()] = h.slice(k + 1).trim();
    }
    const body = args['publish-body'] || '{}';
    const req = http.request(
      {
        host: '127.0.0.1',
        port: Number(args['publish-port'] || port),
        method: 'POST',
        path: args['publish-path'],
        headers,
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          res.statusCode >= 300
            ? reject(new Error(`publish: ${res.statusCode} ${text}`))
            : resolve(),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function status(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number((text.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [])[1]);
  return { rss_kb: get('VmRSS'), threads: get('Threads') };
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const t0 = performance.now();
// Opened in waves, so the listen backlog is never the limit.
for (let i = 0; i < n; i += 200) {
  const wave = [];
  for (let j = i; j < Math.min(n, i + 200); j++) wave.push(open(j));
  await Promise.all(wave).catch((e) => die(e.message));
}
const openMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 500));
const before = args.pid ? status(args.pid) : {};

const all = [];
const single = [];
for (let p = 1; p <= publishes; p++) {
  current = p;
  const done = new Promise((r) => (waiting = r));
  const start = performance.now();
  const timeout = setTimeout(() => {
    const missing = streams.filter((st) => st.seen < p).length;
    die(`publish ${p}: ${missing} of ${n} streams did not receive it within 30 s`);
  }, 30000);
  await publish().catch((e) => die(e.message));
  check();
  await done;
  clearTimeout(timeout);
  let last = 0;
  for (const st of streams) {
    single.push(st.at - start);
    last = Math.max(last, st.at - start);
  }
  all.push(last);
  await new Promise((r) => setTimeout(r, 100));
}
const after = args.pid ? status(args.pid) : {};
closing = true;
for (const st of streams) st.s.destroy();
all.sort((a, b) => a - b);
single.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    streams: n,
    publishes,
    open_ms: Math.round(openMs),
    all_p50_ms: Number(pct(all, 50).toFixed(1)),
    all_p99_ms: Number(pct(all, 99).toFixed(1)),
    one_p50_ms: Number(pct(single, 50).toFixed(1)),
    one_p99_ms: Number(pct(single, 99).toFixed(1)),
    rss_kb: after.rss_kb || before.rss_kb || 0,
    threads: after.threads || before.threads || 0,
  }),
);
process.exit(0);
