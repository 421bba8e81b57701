/**
 * A test client that knows the spec: it builds each request from an operationId and checks every answer against
 * the contract (see AnswerChecker), throwing on the first answer that breaks it. The dispatcher's own tests use
 * it too (services/dispatcher/test/spec-client.ts re-exports it).
 */
import { AnswerChecker } from './contract/answer-check.js';
import { type Contract, loadContract, type OperationId, type SpecOperation } from './contract/spec.js';

export interface CallOptions {
  path?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as is instead of `body` (broken JSON, oversized payloads). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: checked against the spec's schema at run time; tests read it freely
  body: any;
  headers: Headers;
}

/** The URL of one operation, path parameters filled in (and percent-encoded), query parameters appended. */
export function operationUrl(baseUrl: string, op: SpecOperation, options: Pick<CallOptions, 'path' | 'query'>): URL {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options.path?.[name];
    return value === undefined ? `{${name}}` : encodeURIComponent(value);
  });
  const url = new URL(baseUrl.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

export class SpecClient {
  private constructor(
    readonly baseUrl: string,
    private readonly contract: Contract,
    private readonly checker: AnswerChecker,
    private readonly defaultHeaders: Record<string, string>,
  ) {}

  static async create(baseUrl: string, defaultHeaders: Record<string, string> = {}): Promise<SpecClient> {
    return new SpecClient(baseUrl, await loadContract(), new AnswerChecker(), defaultHeaders);
  }

  withHeaders(headers: Record<string, string>): SpecClient {
    return new SpecClient(this.baseUrl, this.contract, this.checker, { ...this.defaultHeaders, ...headers });
  }

  async call(operationId: OperationId, options: CallOptions = {}): Promise<CallResult> {
    const op = this.contract.operation(operationId);
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(operationUrl(this.baseUrl, op, options), {
      method: op.method,
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.defaultHeaders,
        ...options.headers,
      },
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    const problems = this.checker.problems(op, { status: response.status, headers: response.headers, text });
    if (problems.length > 0) {
      throw new Error(`${operationId} → ${response.status} breaks the contract:\n${problems.join('\n')}\n${text}`);
    }
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }
}
