/**
 * Deduplication of received confirmable messages (RFC 7252 §4.5): the answer given to each, kept as long
 * as its sender may retransmit (the transport's dedupe window), so a retransmission (its sender missed
 * our answer) gets the same answer again and is not processed twice.
 */
import type { Peer } from './coap-transport.js';

interface Entry {
  token: Buffer;
  reply: Buffer;
  expiresAt: number;
}

const PRUNE_AT = 16;

/** Message ids are per sender: the ingress's cache holds those of thousands of devices. */
function keyOf(peer: Peer, messageId: number): string {
  return `${peer.address}:${peer.port}/${messageId}`;
}

export class ReplyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly lifetimeMs: number) {}

  get(peer: Peer, messageId: number, token: Buffer): Buffer | undefined {
    const entry = this.entries.get(keyOf(peer, messageId));
    // The token too: the ingress numbers the requests to all its devices with one 16-bit counter, so a
    // new request may reuse an id within the lifetime; a retransmission is the same message, token and all.
    if (!entry?.token.equals(token)) return undefined;
    return entry.expiresAt > performance.now() ? entry.reply : undefined;
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
    const key = keyOf(peer, messageId);
    this.entries.delete(key);
    this.entries.set(key, { token, reply, expiresAt: now + this.lifetimeMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
