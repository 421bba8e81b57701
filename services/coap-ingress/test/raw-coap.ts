/**
 * Hand-made CoAP datagrams for tests that need exact bytes: duplicates with one message id, malformed
 * packets. Deliberately independent of node-coap.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface RawMessage {
  type?: 0 | 1 | 2 | 3;
  /** `class.detail` as in 0.02 for POST. */
  code: string;
  messageId: number;
  token?: Buffer;
  /** Option number and value, in any order. */
  options?: [number, Buffer | string][];
  payload?: Buffer | string;
}

export const OPTION = { uriPath: 11, contentFormat: 12, uriQuery: 15, observe: 6 } as const;

function extended(value: number): { nibble: number; bytes: number[] } {
  if (value < 13) return { nibble: value, bytes: [] };
  if (value < 269) return { nibble: 13, bytes: [value - 13] };
  return { nibble: 14, bytes: [(value - 269) >> 8, (value - 269) & 0xff] };
}

export function encode(message: RawMessage): Buffer {
  const token = message.token ?? Buffer.alloc(0);
  const [codeClass, detail] = message.code.split('.').map(Number) as [number, number];
  const parts: Buffer[] = [
    Buffer.of(
      0x40 | ((message.type ?? 0) << 4) | token.length,
      (codeClass << 5) | detail,
      message.messageId >> 8,
      message.messageId & 0xff,
    ),
    token,
  ];
  let last = 0;
  const options = [...(message.options ?? [])].sort((a, b) => a[0] - b[0]);
  for (const [number, raw] of options) {
    const value = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    const delta = extended(number - last);
    const length = extended(value.length);
    parts.push(Buffer.of((delta.nibble << 4) | length.nibble, ...delta.bytes, ...length.bytes), value);
    last = number;
  }
  if (message.payload !== undefined && message.payload.length > 0) {
    parts.push(Buffer.of(0xff), Buffer.isBuffer(message.payload) ? message.payload : Buffer.from(message.payload));
  }
  return Buffer.concat(parts);
}

/** A UDP socket that records every datagram it receives. */
export async function rawSocket(): Promise<{
  socket: Socket;
  received: Buffer[];
  send(data: Buffer, port: number): void;
  close(): void;
}> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (data) => received.push(data));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    socket,
    received,
    send: (data, port) => socket.send(data, port, '127.0.0.1'),
    close: () => socket.close(),
  };
}

/** The response code of a datagram as `c.dd`. */
export function codeOf(datagram: Buffer): string {
  const code = datagram[1] ?? 0;
  return `${code >> 5}.${String(code & 0x1f).padStart(2, '0')}`;
}
