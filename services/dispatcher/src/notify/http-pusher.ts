import { messageOf, type Pusher, type PushOutcome, type PushRequest, webhookHeaders } from '@snooze/core';
import { type Dispatcher, Pool } from 'undici';

export interface HttpPusherOptions {
  timeoutMs: number;
  /** Keep-alive connections per origin. */
  connections: number;
  /**
   * Requests in flight per connection (HTTP/1.1 pipelining); 1 = none. Pushes may be pipelined because they
   * are idempotent by contract (receivers drop duplicates by `webhook-id`) and a device never has two in flight.
   */
  pipelining?: number;
}

/** Statuses worth retrying besides 5xx: the receiver asks for time, not for a different request. */
const RETRY_STATUSES = new Set([408, 425, 429]);

/**
 * HTTP_FORWARDING: `POST` of the notification to the action's URL, with the Standard Webhooks headers and,
 * when the action has `signature_enable` and a `token`, `webhook-signature`. One keep-alive pool per
 * origin, so a receiver that hangs ties up its own connections only. Any 2xx is a delivery; a timeout, a
 * connection error, a 5xx, 408, 425 or 429 is worth retrying; any other answer (4xx, 3xx) never will be.
 */
export class HttpPusher implements Pusher {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: HttpPusherOptions) {}

  async push({ action, eventId, body, signal }: PushRequest): Promise<PushOutcome> {
    const http = action.channelDetail.httpForwarding;
    const url = http ? parseUrl(http.url) : undefined;
    if (!http || !url) return { ok: false, retryable: false, reason: 'the action has no valid http(s) URL' };
    const headers = {
      'content-type': 'application/json',
      ...webhookHeaders(eventId, body, http.signatureEnable ? http.token : undefined, Date.now()),
    };
    const { timeoutMs } = this.options;
    try {
      const status = await this.post(url, headers, body, signal);
      if (status >= 200 && status < 300) return { ok: true };
      return { ok: false, retryable: status >= 500 || RETRY_STATUSES.has(status), reason: `HTTP ${status}` };
    } catch (error) {
      return { ok: false, retryable: true, reason: errorText(error, timeoutMs) };
    }
  }

  /**
   * `dispatch` with a handler that keeps only the status: `request()` would build a body stream and a
   * promise chain per push, the largest cost of a push at thousands per second. undici's own timers bound the
   * attempt (connect, then headers, then body), so no per-request AbortSignal or timer is needed either.
   */
  private post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      let status = 0;
      let controller: Dispatcher.DispatchController | undefined;
      const onAbort = () => controller?.abort(new Error('aborted'));
      const done = () => signal.removeEventListener('abort', onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pool(url.origin).dispatch(
        {
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers,
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          idempotent: true,
        },
        {
          onRequestStart(started) {
            controller = started;
            if (signal.aborted) started.abort(new Error('aborted'));
          },
          onResponseStart(_controller, statusCode) {
            status = statusCode;
          },
          onResponseData() {},
          onResponseEnd() {
            done();
            resolve(status);
          },
          onResponseError(_controller, error) {
            done();
            reject(error);
          },
        },
      );
    });
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        pipelining: this.options.pipelining ?? 1,
        connectTimeout: this.options.timeoutMs,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The error's code and message (a connection error names the host and port, never the path or query). */
function errorText(error: unknown, timeoutMs: number): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return messageOf(error);
  return TIMEOUT_CODES.has(code) ? `no answer within ${timeoutMs} ms (${code})` : `${code}: ${messageOf(error)}`;
}
