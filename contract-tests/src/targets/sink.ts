/**
 * A receiver for the pushes a rule action can trigger (Prism's mock calls every callback URL it is given): rule
 * actions created by the suites point here, on loopback, and every push is acknowledged with 200.
 */
import { createServer } from 'node:http';
import { listenOnFreePort } from './free-port.js';

export interface Sink {
  url: string;
  /** Pushes received so far. */
  received(): number;
  close(): Promise<void>;
}

export async function startSink(path = '/contract/command-status'): Promise<Sink> {
  let received = 0;
  const server = createServer((request, response) => {
    received += 1;
    request.resume();
    request.on('end', () => response.writeHead(200).end());
  });
  const port = await listenOnFreePort(server);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received: () => received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
