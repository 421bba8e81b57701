/**
 * The application server of `bench:notify`, in a process of its own: answers every push 200 at once and keeps,
 * per push, its `webhook-id`, the transition time (`event_time_ms`) and the receipt time.
 * `GET /stats` returns `{ pushes, distinct, samples: [[transitionMs, receiptMs], ...] }`; `DELETE /stats` resets.
 */
import { createServer } from 'node:http';

const seen = new Set<string>();
let samples: [number, number][] = [];
let pushes = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' || req.method === 'DELETE') {
    if (req.method === 'DELETE') {
      seen.clear();
      samples = [];
      pushes = 0;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ pushes, distinct: seen.size, samples }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const receivedAt = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event_time_ms: string };
    pushes++;
    seen.add(String(req.headers['webhook-id']));
    samples.push([Date.parse(body.event_time_ms), receivedAt]);
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
