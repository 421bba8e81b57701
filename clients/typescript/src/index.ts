/**
 * Typed client for the Snooze API. Every type comes from schema.ts, generated from openapi/ by
 * `npm run generate`; this file only wires those types to openapi-fetch.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** The contract's named schemas, e.g. `Schemas['CreateAsyncCommandRequest']`. */
export type Schemas = components['schemas'];

export type SnoozeClient = Client<paths>;

export interface SnoozeClientOptions extends Omit<ClientOptions, 'baseUrl' | 'headers'> {
  /** Sent as `X-Auth-Token` on every request. */
  token?: string;
  headers?: Record<string, string>;
}

export function createSnoozeClient(baseUrl: string, options: SnoozeClientOptions = {}): SnoozeClient {
  const { token, headers, ...rest } = options;
  return createClient<paths>({
    ...rest,
    baseUrl,
    headers: token ? { ...headers, 'X-Auth-Token': token } : { ...headers },
  });
}
