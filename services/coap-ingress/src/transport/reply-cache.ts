/**
 * Deduplication of received confirmable messages (RFC 7252 §4.5): the answer given to each, kept as long
 * as its sender may retransmit (the transport's dedupe window), so a retransmission (its sender missed
 * our answer) gets the same answer again and is not processed twice.
 */
import type { Peer } from './coap-transport.js';

/**
 * The answer as a latin1 string, not a Buffer: a cache of tens of thousands of live answers is then
 * plain heap strings, without an ArrayBuffer (and the received datagram a token slice would keep alive)
 * per entry for the garbage collector to copy and track.
 */
interface Entry {
  reply: string;
  expiresAt: number;
}

const PRUNE_AT = 16;

/**
 * Message ids are per sender: the ingress's cache holds those of thousands of devices. The token too:
 * the ingress numbers the requests to all its devices with one 16-bit counter, so a new request may
 * reuse an id within the lifetime; a retransmission is the same message, token and all.
 */
function keyOf(peer: Peer, messageId: number, token: Buffer): string {
  return `${peer.address}:${peer.port}/${messageId}/${token.toString('latin1')}`;
}

export class ReplyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly lifetimeMs: number) {}

  get(peer: Peer, messageId: number, token: Buffer): Buffer | undefined {
    const entry = this.entries.get(keyOf(peer, messageId, token));
    return entry && entry.expiresAt > performance.now() ? Buffer.from(entry.reply, 'latin1') : undefined;
  }

  set(peer: Peer, messageId: number, token: Buffer, reply: Buffer): void {
    const now = performance.now();
    // One lifetime for every entry: they expire in insertion order, so pruning stops at the first live
    // one, and no timer per entry is needed. A device answers a few messages per wake-up: pruning
    // only a growing cache saves the work on almost every answer.
    if (this.entries.size >= PRUNE_AT) {
      for (const [key, entry] of this.entries) {
        if (entry.expiresAt > now) break;
        this.entries.delete(key);
      }
    }
    const key = keyOf(peer, messageId, token);
    this.entries.delete(key);
    this.entries.set(key, { reply: reply.toString('latin1'), expiresAt: now + this.lifetimeMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
