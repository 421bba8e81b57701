/**
 * A test client that knows the spec: it builds each request from an operationId and checks every answer
 * against the contract — the status must be documented for that operation, the body must validate against
 * the documented schema, `X-Request-Id` must be there and `Content-Type` must be exactly application/json.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { operations } from '@snooze/client/schema';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DEFAULT_SPEC_PATH } from '../src/spec.js';

type OperationId = keyof operations;

interface SpecOperation {
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

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

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

async function loadOperations(): Promise<Map<string, SpecOperation>> {
  const api = (await SwaggerParser.dereference(DEFAULT_SPEC_PATH)) as unknown as {
    paths: Record<string, Record<string, { operationId: string; responses: SpecOperation['responses'] }>>;
  };
  const ops = new Map<string, SpecOperation>();
  for (const [path, item] of Object.entries(api.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method))
        ops.set(op.operationId, { method: method.toUpperCase(), path, responses: op.responses });
    }
  }
  return ops;
}

export class SpecClient {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true });

  private constructor(
    readonly baseUrl: string,
    private readonly ops: Map<string, SpecOperation>,
    private readonly defaultHeaders: Record<string, string>,
  ) {
    addFormats.default(this.ajv);
  }

  static async create(baseUrl: string, defaultHeaders: Record<string, string> = {}): Promise<SpecClient> {
    return new SpecClient(baseUrl, await loadOperations(), defaultHeaders);
  }

  withHeaders(headers: Record<string, string>): SpecClient {
    return new SpecClient(this.baseUrl, this.ops, { ...this.defaultHeaders, ...headers });
  }

  async call(operationId: OperationId, options: CallOptions = {}): Promise<CallResult> {
    const op = this.ops.get(operationId);
    if (!op) throw new Error(`spec has no operation ${operationId}`);
    const url = new URL(
      op.path.replace(/\{(\w+)\}/g, (_, name: string) => options.path?.[name] ?? `{${name}}`),
      this.baseUrl,
    );
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(url, {
      method: op.method,
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.defaultHeaders,
        ...options.headers,
      },
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    this.check(operationId, op, response, body);
    return { status: response.status, body, headers: response.headers };
  }

  private check(operationId: string, op: SpecOperation, response: Response, body: unknown): void {
    const where = `${operationId} → ${response.status} ${JSON.stringify(body)}`;
    const documented = op.responses[String(response.status)];
    if (!documented) throw new Error(`undocumented status: ${where}`);
    if (!response.headers.get('x-request-id')) throw new Error(`no X-Request-Id: ${where}`);
    const media = documented.content?.['application/json'];
    if (!media) {
      if (body !== undefined) throw new Error(`body where the spec documents none: ${where}`);
      return;
    }
    if (response.headers.get('content-type') !== 'application/json') {
      throw new Error(`content-type "${response.headers.get('content-type')}": ${where}`);
    }
    const key = `${operationId} ${response.status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(media.schema);
      this.validators.set(key, validate);
    }
    if (!validate(body)) throw new Error(`body violates the spec: ${where}\n${this.ajv.errorsText(validate.errors)}`);
  }
}
