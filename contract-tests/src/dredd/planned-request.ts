/**
 * The request a transaction sends, as the scenarios describe it before it is written into Dredd's transaction:
 * which server, which credentials, which path, query and body, and what the answer must say beyond its schema.
 */
import type { Credentials } from '../settings.js';

export type TargetRole = 'main' | 'rateLimited' | 'failing';

export interface PlannedRequest {
  /** How this request produces the documented status; printed with failures. */
  why: string;
  target: TargetRole;
  /** Sent as `X-Auth-Token`; none at all for the 401 paths. */
  credentials?: Credentials;
  path: Record<string, string>;
  query: Record<string, string>;
  /** Serialized as JSON. */
  body?: unknown;
  /** Sent as is instead of `body` (broken or padded JSON). */
  rawBody?: string;
  /** The `error_code` the answer must carry (servers only: the mock answers the spec's example). */
  errorCode?: string;
  /** Work that must happen right before the request (e.g. a burst that trips the rate limiter). */
  prepare?: () => Promise<void>;
}

/** A transaction is either sent, or skipped for a reason the run prints. */
export type Scenario = { request: PlannedRequest } | { skip: string };

// Each helper changes one thing of a request and says why the result gets its status and which error_code it
// must carry.

export function withBody(request: PlannedRequest, body: unknown, why: string, errorCode: string): PlannedRequest {
  const { rawBody: _, ...rest } = request;
  return { ...rest, body, why, errorCode };
}

export function withRawBody(request: PlannedRequest, rawBody: string, why: string, errorCode: string): PlannedRequest {
  return { ...request, rawBody, why, errorCode };
}

export function withQuery(
  request: PlannedRequest,
  query: Record<string, string>,
  why: string,
  errorCode: string,
): PlannedRequest {
  return { ...request, query: { ...request.query, ...query }, why, errorCode };
}

export function withPathParam(
  request: PlannedRequest,
  name: string,
  value: string,
  why: string,
  errorCode: string,
): PlannedRequest {
  return { ...request, path: { ...request.path, [name]: value }, why, errorCode };
}
