/**
 * Every CoAP error the ingress answers, in one place, with the reason it applies (RFC 7252 §5.9.2).
 * Handlers throw CoapError; the endpoint turns it (or anything else) into the response.
 */
import { AppError } from '@snooze/core';

export const COAP_ERRORS = {
  /** Malformed query (`ep`, `lt`, `b`, `lwm2m`) or link-format payload. */
  BAD_REQUEST: '4.00',
  /** The endpoint name is no provisioned device's node_id. */
  FORBIDDEN: '4.03',
  /** No such resource, or no such registration id. */
  NOT_FOUND: '4.04',
  METHOD_NOT_ALLOWED: '4.05',
  /** A payload in a content format the resource does not take. */
  UNSUPPORTED_CONTENT_FORMAT: '4.15',
  INTERNAL: '5.00',
  /** The store is unreachable: the device should retry later, nothing is lost. */
  UNAVAILABLE: '5.03',
} as const;

export type CoapErrorKey = keyof typeof COAP_ERRORS;

export class CoapError extends Error {
  readonly code: string;

  constructor(
    readonly key: CoapErrorKey,
    message: string,
  ) {
    super(message);
    this.name = 'CoapError';
    this.code = COAP_ERRORS[key];
  }
}

/** The response code and diagnostic payload (RFC 7252 §5.5.2) for any failure of a handler. */
export function toCoapError(error: unknown): CoapError {
  if (error instanceof CoapError) return error;
  if (error instanceof AppError && error.status < 500) return new CoapError('BAD_REQUEST', error.message);
  if (error instanceof AppError) return new CoapError('INTERNAL', error.message);
  // Anything else is the store or the network: a retry later can succeed.
  return new CoapError('UNAVAILABLE', 'Service unavailable, retry later.');
}
