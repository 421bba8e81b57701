/**
 * Deduplication of received confirmable messages (RFC 7252 §4.5): the answer given to each, kept as long
 * as its sender may retransmit (the transport's dedupe window), so a retransmission (its sender missed
 * our answer) gets the same answer again and is not processed twice.
 *
 * The cache lives as long as the window, so at 2,000 wake-ups/s it holds hundreds of thousands of
 * answers, each surviving the young generation: what an entry costs the garbage collector matters more
 * than anything else here. Answers are grouped by peer under a number (IPv4 address and port) and kept
 * as short latin1 strings, a few small objects per answer instead of a composed string key, an entry and
 * a Buffer.
 */
import type { Peer } from './coap-transport.js';
import { RecentMap } from './recent-map.js';

interface Answer {
  messageId: number;
  /**
   * Message ids are per sender, and the token is part of the match too: a new message may reuse an id
   * within the lifetime (a sender that numbers several peers' messages with one counter).
   */
  token: string;
  reply: string;
  expiresAt: number;
}

/**
 * A sender has one exchange under way with us at a time (RFC 7252 NSTART = 1) and retransmits only
 * that one, so a few of its latest answers are all that can still be asked for; a few more cover
 * senders that run several at once.
 */
const ANSWERS_PER_PEER = 8;

/**
 * Answers are used for their lifetime exactly: a sender may reuse a message id (and an empty token) once
 * EXCHANGE_LIFETIME has passed, and that new message must not get an old answer.
 */
export class ReplyCache {
  private readonly peers: RecentMap<number | string, Answer[]>;

  constructor(private readonly lifetimeMs: number) {
    this.peers = new RecentMap(lifetimeMs);
  }

  get(peer: Peer, messageId: number, token: Buffer): Buffer | undefined {
    const answers = this.peers.get(peerKey(peer));
    if (!answers) return undefined;
    const tokenText = token.toString('latin1');
    for (let i = answers.length - 1; i >= 0; i--) {
      const answer = answers[i] as Answer;
      if (answer.messageId !== messageId || answer.token !== tokenText) continue;
      return answer.expiresAt > performance.now() ? Buffer.from(answer.reply, 'latin1') : undefined;
    }
    return undefined;
  }

  set(peer: Peer, messageId: number, token: Buffer, reply: Buffer): void {
    const key = peerKey(peer);
    const now = performance.now();
    const answers = this.peers.get(key) ?? [];
    const tokenText = token.toString('latin1');
    let keep = 0;
    for (const answer of answers) {
      const replaced = answer.messageId === messageId && answer.token === tokenText;
      if (!replaced && answer.expiresAt > now) answers[keep++] = answer;
    }
    answers.length = keep;
    if (keep >= ANSWERS_PER_PEER) answers.shift();
    answers.push({ messageId, token: tokenText, reply: reply.toString('latin1'), expiresAt: now + this.lifetimeMs });
    // Set again so that the peer's answers move to the newest generation.
    this.peers.set(key, answers);
  }

  clear(): void {
    this.peers.clear();
  }
}

/** An IPv4 peer as one number (address × 2¹⁶ + port, exact in a double); any other peer as a string. */
function peerKey({ address, port }: Peer): number | string {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46 && digits > 0 && dots < 3 && part <= 255) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else {
      return `${address}|${port}`;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return `${address}|${port}`;
  return (value * 256 + part) * 65_536 + port;
}
