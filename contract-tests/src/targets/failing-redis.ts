/**
 * A Redis that is up but refuses every command (as a replica in `READONLY` or a server out of memory does), so a
 * dispatcher on it answers 500 at once. An unreachable Redis would do the same, but ioredis keeps reconnecting
 * with a growing back-off and a request then takes seconds to fail; a refusal is immediate and deterministic.
 */
import type { Socket } from 'node:net';
import { createServer } from 'node:net';
import { listenOnFreePort } from './free-port.js';

export interface FailingRedis {
  url: string;
  close(): Promise<void>;
}

// ioredis reconnects (with a growing back-off) when its connection handshake fails, which would leave commands
// waiting instead of failing. So the handshake succeeds: HELLO is refused the way a RESP2-only server refuses it
// (ioredis then stays on RESP2) and INFO, its ready check, is answered. Every other command is refused.
const INFO = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n';
const HANDSHAKE: Record<string, string> = {
  HELLO: '-NOPROTO this server speaks RESP2 only\r\n',
  INFO: `$${Buffer.byteLength(INFO)}\r\n${INFO}\r\n`,
};
const REFUSAL = '-ERR contract tests: this store refuses every command\r\n';

/** One RESP command at the front of `buffer`: its name and byte length, or undefined while it is incomplete. */
function readCommand(buffer: Buffer): { name: string; length: number } | undefined {
  let at = 0;
  const line = (): string | undefined => {
    const end = buffer.indexOf('\r\n', at);
    if (end === -1) return undefined;
    const text = buffer.toString('latin1', at, end);
    at = end + 2;
    return text;
  };
  const header = line();
  if (header === undefined) return undefined;
  if (!header.startsWith('*')) return { name: header.split(' ')[0]?.toUpperCase() ?? '', length: at };
  let name = '';
  for (let i = 0; i < Number(header.slice(1)); i++) {
    const size = line();
    if (size === undefined) return undefined;
    const end = at + Number(size.slice(1));
    if (buffer.length < end + 2) return undefined;
    if (i === 0) name = buffer.toString('latin1', at, end).toUpperCase();
    at = end + 2;
  }
  return { name, length: at };
}

function serve(socket: Socket): void {
  let pending = Buffer.alloc(0);
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (let command = readCommand(pending); command; command = readCommand(pending)) {
      pending = pending.subarray(command.length);
      socket.write(HANDSHAKE[command.name] ?? REFUSAL);
    }
  });
}

export async function startFailingRedis(): Promise<FailingRedis> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket);
  });
  const port = await listenOnFreePort(server);
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
