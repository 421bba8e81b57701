import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

/** Listens on a free loopback port; resolves with the port. */
export async function listenOnFreePort(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  return address.port;
}

/**
 * A loopback port nothing listens on right now, for tools that only take a port number (Prism). Another process
 * could take it before the tool binds it; on loopback with ephemeral ports that race is rare enough.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listenOnFreePort(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
