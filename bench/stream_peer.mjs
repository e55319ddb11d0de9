// The live stream benchmark's peer (bench/stream, docs/benchmarks.md "Live stream"): the same
// fan-out with nothing else, a minimal Server-Sent Events server on Node's http module. GET
// /stream holds a text/event-stream reply open; POST /publish writes one `alert` event, with
// an increasing id and a body of the live stream's shape, to every open stream and answers
// 201. No sign-in, no store, no visibility check: the floor the live stream is measured
// against.
//
//   node bench/stream_peer.mjs PORT
import http from 'node:http';

const port = Number(process.argv[2]);
const open = new Set();
let id = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write('retry: 3000\n\n');
    res.socket.setNoDelay(true);
    open.add(res);
    req.on('close', () => open.delete(res));
    return;
  }
  if (req.method === 'POST' && req.url === '/publish') {
    req.resume();
    req.on('end', () => {
      id++;
      const frame =
        `id: ${id}\nevent: alert\ndata: ` +
        JSON.stringify({
          kind: 'alert',
          action: 'created',
          record_id: `peer-${id}`,
          at: new Date().toISOString(),
        }) +
        '\n\n';
      for (const r of open) r.write(frame);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
    return;
  }
  res.writeHead(404);
  res.end();
});
server.maxConnections = 100000;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.keepAliveTimeout = 0;
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
process.on('SIGTERM', () => process.exit(0));
