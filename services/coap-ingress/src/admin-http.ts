/**
 * The ingress's own HTTP endpoint when it runs alone (a container): Prometheus `/metrics` and `/healthz`
 * (200 while the store answers, 503 otherwise). Inside `npm start` the dispatcher serves these.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

export async function startAdminServer(options: {
  host: string;
  port: number;
  registry: Registry;
  ready: () => Promise<void>;
}): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type }).end(body);
    };
    if (req.method === 'GET' && req.url === '/metrics') {
      options.registry.metrics().then(
        (text) => send(200, options.registry.contentType, text),
        (err: Error) => send(500, 'text/plain', err.message),
      );
    } else if (req.method === 'GET' && req.url === '/healthz') {
      options.ready().then(
        () => send(200, 'application/json', '{"status":"ok"}'),
        () => send(503, 'application/json', '{"status":"store unavailable"}'),
      );
    } else {
      send(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
