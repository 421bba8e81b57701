/**
 * A planned request on the wire: its URL (on the server its role names), headers and body. Dredd's transactions
 * and the hooks' own setup requests are both written from here, so both send exactly the same thing.
 */
import type { OperationId, SpecOperation } from '../contract/spec.js';
import type { ContractSettings } from '../settings.js';
import { operationUrl } from '../spec-client.js';
import type { PlannedRequest, TargetRole } from './planned-request.js';

export interface WireRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string;
}

function baseUrl(settings: ContractSettings, role: TargetRole): string {
  // The mock answers every status itself when asked (Prefer), so every request goes to it.
  if (settings.mode === 'mock') return settings.url;
  if (role === 'rateLimited' && settings.rateLimited) return settings.rateLimited.url;
  if (role === 'failing' && settings.failingUrl) return settings.failingUrl;
  return settings.url;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function bodyText(request: PlannedRequest, settings: ContractSettings): string | undefined {
  // Prism answers a body it cannot parse with an error of its own (not the documented 400), so the mock gets the
  // valid body and is asked for the 400 instead.
  const unparsable = request.rawBody !== undefined && !isJson(request.rawBody);
  if (request.rawBody !== undefined && !(unparsable && settings.mode === 'mock')) return request.rawBody;
  return request.body === undefined ? undefined : JSON.stringify(request.body);
}

export function toWire(
  op: SpecOperation,
  request: PlannedRequest,
  settings: ContractSettings,
  expectedStatus: number,
): WireRequest {
  const body = bodyText(request, settings);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (request.credentials) headers['X-Auth-Token'] = request.credentials.token;
  if (settings.mode === 'mock' && expectedStatus >= 300) headers.Prefer = `code=${expectedStatus}`;
  return {
    url: operationUrl(baseUrl(settings, request.target), op, request),
    method: op.method,
    headers,
    body: body ?? '',
  };
}

/** Sends a planned request outside Dredd (setup work such as a burst); the caller reads or cancels the body. */
export function sendPlanned(
  operation: (id: OperationId) => SpecOperation,
  settings: ContractSettings,
): (operationId: OperationId, request: PlannedRequest) => Promise<Response> {
  return (operationId, request) => {
    const wire = toWire(operation(operationId), request, settings, 200);
    return fetch(wire.url, {
      method: wire.method,
      headers: wire.headers,
      ...(wire.body === '' ? {} : { body: wire.body }),
    });
  };
}
