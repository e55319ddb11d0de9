// The incident map's first load on a slow link (docs/benchmarks.md, "Map first load"): Debian's
// Chromium (playwright-core) with the link emulated through the DevTools protocol at
// 1.6 Mbit/s down, 768 kbit/s up and 150 ms of latency, a field office's satellite or 3G link.
// It times opening #/incidents, signed in, from an empty cache (first visit) and again with the
// cache the first visit left (second visit), until the map is usable: the base map shows place
// names and the incidents are drawn (markers or count bubbles). Bytes are what crossed the link.
//
// Peer, measured in the same run on the same link: a plain Leaflet page (Leaflet from npm) over
// the same data as static files, the way an offline map is usually made without tiles: the
// Natural Earth 1:110m countries and 1:10m populated places as whole GeoJSON files and every
// incident as one GeoJSON file (bluehelm's own /api/v1/incidents.geojson, saved first), served
// gzip-compressed by node's http server. Usable when its places and incidents are drawn.
//
//   BUILD=build node bench/map_first_load.mjs     (`make bench` runs it)
//   BENCH_MAP_INCIDENTS=2000   incidents in the store (bluehelm demo, as `make run` makes)
//   BENCH_RUNS=3               timed runs of each side and visit (the median is reported)
//   BH_SHARED_DATA             the real public data (default ../shared/data)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const build = path.resolve(root, process.env.BUILD || 'build');
const bin = path.join(build, 'bluehelm');
const data = process.env.BH_SHARED_DATA || path.join(root, '..', 'shared', 'data');
const runs = Number(process.env.BENCH_RUNS || 3);
const incidents = Number(process.env.BENCH_MAP_INCIDENTS || 2000);
const LINK = {
  offline: false,
  latency: 150,
  downloadThroughput: 1.6e6 / 8,
  uploadThroughput: 0.768e6 / 8,
};
const PASSWORD = 'bench-map-first-load-2026';

const out = path.join(build, 'bench', 'map');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const db = path.join(out, 'store.db');
const run = (args, input) => execFileSync(bin, [...args, '--db', db], { input, stdio: 'pipe' });
run(['init', '--seed']);
run(['demo', '--incidents', String(incidents), '--seed', '1']);
run(
  ['user', 'add', 'bench', '--org', 'BRA', '--role', 'analyst', '--password-stdin'],
  `${PASSWORD}\n`,
);

// bluehelm serving the store on a free port (it prints where it listens).
const server = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
const origin = await new Promise((resolve, reject) => {
  let text = '';
  const look = (chunk) => {
    text += chunk;
    const m = /listening url=(http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    if (m) resolve(m[1]);
  };
  server.stdout.on('data', look);
  server.stderr.on('data', look);
  server.on('exit', (code) => reject(new Error(`bluehelm serve exited ${code}: ${text}`)));
});

const signIn = await fetch(`${origin}/api/v1/session`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username: 'bench', password: PASSWORD }),
});
const cookie = /bh_session=([^;]+)/.exec(signIn.headers.get('set-cookie'))[1];
const geojson = Buffer.from(
  await (
    await fetch(`${origin}/api/v1/incidents.geojson`, {
      headers: { Cookie: `bh_session=${cookie}` },
    })
  ).arrayBuffer(),
);

// The peer's files, gzip-compressed once, served with their length.
const leaflet = path.join(root, 'node_modules', 'leaflet', 'dist');
const PEER_PAGE = `<!doctype html><meta charset="utf-8"><title>peer</title>
<link rel="stylesheet" href="/leaflet.css"><style>#map{position:absolute;inset:0}</style>
<div id="map"></div><script src="/leaflet.js"></script><script src="/peer.js"></script>`;
const PEER_JS = `
const map = L.map('map', { preferCanvas: true }).setView([5.76, 20.68], 6);
const get = (u) => fetch(u).then((r) => r.json());
Promise.all([get('/countries.geojson'), get('/places.geojson'), get('/incidents.geojson')])
  .then(([countries, places, incidents]) => {
    L.geoJSON(countries, { style: { weight: 1, fillOpacity: 0.1 } }).addTo(map);
    L.geoJSON(places, {
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 2 }).bindTooltip(f.properties.name, {
        permanent: f.properties.scalerank <= 4, direction: 'right' }),
    }).addTo(map);
    L.geoJSON(incidents, { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 4 }) }).addTo(map);
    document.body.dataset.ready = '1';
  });`;
const peerFiles = {
  '/': ['text/html', Buffer.from(PEER_PAGE)],
  '/peer.js': ['text/javascript', Buffer.from(PEER_JS)],
  '/leaflet.js': ['text/javascript', fs.readFileSync(path.join(leaflet, 'leaflet.js'))],
  '/leaflet.css': ['text/css', fs.readFileSync(path.join(leaflet, 'leaflet.css'))],
  '/countries.geojson': [
    'application/json',
    fs.readFileSync(path.join(data, 'boundaries', 'ne_110m_admin_0_countries.geojson')),
  ],
  '/places.geojson': [
    'application/json',
    fs.readFileSync(path.join(data, 'basemap', 'ne_10m_populated_places_simple.geojson')),
  ],
  '/incidents.geojson': ['application/json', geojson],
};
for (const k of Object.keys(peerFiles))
  peerFiles[k].push(zlib.gzipSync(peerFiles[k][1], { level: 9 }));
const peer = http.createServer((req, res) => {
  const f = peerFiles[req.url.split('?')[0]];
  if (!f) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': f[0],
    'Content-Encoding': 'gzip',
    'Content-Length': f[2].length,
    'Cache-Control': 'max-age=3600',
  });
  res.end(f[2]);
});
await new Promise((r) => peer.listen(0, '127.0.0.1', r));
const peerOrigin = `http://127.0.0.1:${peer.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.BH_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'],
});

// Opens `url` twice in one fresh context on the slow link: [first, second] as
// { ms, bytes }. `ready` is a page function that is true once the map is usable.
async function visits(url, ready, cookies) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  if (cookies) await context.addCookies(cookies);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', LINK);
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
  });
  const result = [];
  for (let i = 0; i < 2; i++) {
    bytes = 0;
    const t0 = Date.now();
    if (i === 0) await page.goto(url);
    else await page.reload();
    await page.waitForFunction(ready, null, { timeout: 300000, polling: 50 });
    result.push({ ms: Date.now() - t0, bytes });
  }
  await context.close();
  return result;
}

// Usable: the page has drawn, the base map shows place names (.bm-label, basemap.js) and the
// incidents are on it (markers or count bubbles).
const BLUEHELM_READY = () =>
  !!document.querySelector('.leaflet-container') &&
  !document.querySelector('main .loading') &&
  !document.querySelector('main [aria-busy="true"]') &&
  document.querySelectorAll('.bm-label').length > 0 &&
  document.querySelectorAll('.leaflet-marker-icon:not(.bm-label-box)').length > 0;
const PEER_READY = () => document.body.dataset.ready === '1';

const u = new URL(origin);
const cookies = [{ name: 'bh_session', value: cookie, domain: u.hostname, path: '/' }];
const samples = { bluehelm: [[], []], peer: [[], []] };
for (let r = 0; r < runs; r++) {
  const p = await visits(`${peerOrigin}/`, PEER_READY);
  const b = await visits(`${origin}/#/incidents`, BLUEHELM_READY, cookies);
  for (let i = 0; i < 2; i++) {
    samples.peer[i].push(p[i]);
    samples.bluehelm[i].push(b[i]);
  }
}
await browser.close();
peer.close();
server.kill('SIGTERM');

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [
  `Map first load on an emulated 1.6 Mbit/s link (150 ms latency), ${incidents} incidents, median of ${runs}`,
];
for (const [i, visit] of [
  [0, 'first visit (empty cache)'],
  [1, 'second visit (cache kept)'],
]) {
  const b = samples.bluehelm[i];
  const p = samples.peer[i];
  const bm = median(b.map((s) => s.ms));
  const pm = median(p.map((s) => s.ms));
  lines.push(
    `  ${visit}: bluehelm ${(bm / 1000).toFixed(2)} s, ${Math.round(median(b.map((s) => s.bytes)) / 1024)} KiB; ` +
      `peer (plain Leaflet, whole GeoJSON files) ${(pm / 1000).toFixed(2)} s, ` +
      `${Math.round(median(p.map((s) => s.bytes)) / 1024)} KiB; ratio ${(bm / pm).toFixed(2)}`,
  );
}
fs.writeFileSync(path.join(out, 'result.txt'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
