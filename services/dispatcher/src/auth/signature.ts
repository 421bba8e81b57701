/**
 * Server-side verification of Huawei AK/SK signatures: `SDK-HMAC-SHA256` (reference §9.2) and the derived
 * `V11-HMAC-SHA256` that standard/enterprise IoTDA instances require (§9.3). Pure: the caller supplies the
 * request as received, the secret-key lookup and the clock. Never throws; every failure is `{ ok: false }`.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import {
  AuthFailure,
  type ParsedAuthorization,
  parseAuthorization,
  SDK_ALGORITHM,
  type SigningAlgorithm,
  V11_ALGORITHM,
} from './auth-header.js';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  headerValue,
  type RequestHeaders,
  sha256Hex,
} from './canonical.js';

/** The request exactly as it arrived; nothing may be normalised before it gets here. */
export interface SignedRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Raw path of the request-target, without `?` and query, still percent-encoded (e.g. `req.url` up to `?`). */
  path: string;
  /** Raw query string after the `?`, still encoded; `''` when there is none. */
  query: string;
  /** Node's `IncomingHttpHeaders` (lower-cased names). */
  headers: RequestHeaders;
  /** The body bytes as received; `undefined` or empty for no body. */
  rawBody: Buffer | undefined;
}

export interface VerifyOptions {
  /** The secret key of an access key id, or `undefined` when the AK is unknown. */
  secretFor: (accessKey: string) => string | undefined;
  nowMs: number;
  /** Largest accepted distance between `X-Sdk-Date` and `nowMs`, either direction. */
  clockSkewMs: number;
  /**
   * Accept `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (body not covered by the signature). The SDK only sends it
   * for non-JSON bodies, which this API never takes, so it is off by default.
   */
  allowUnsignedPayload?: boolean;
}

export type VerifyResult =
  | { ok: true; accessKey: string; algorithm: SigningAlgorithm; signedHeaders: readonly string[] }
  | { ok: false; reason: string };

/** The only service name a V11 credential scope may carry: what IoTDAClient passes to the SDK (§9.3). */
export const DERIVED_SERVICE_NAME = 'iotdm';
const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export function verifySignature(request: SignedRequest, options: VerifyOptions): VerifyResult {
  try {
    const authorization = headerValue(request.headers, 'authorization');
    if (!authorization) return fail('Missing Authorization header.');
    const parsed = parseAuthorization(authorization);
    const date = checkDate(request, parsed, options);
    checkScope(parsed, date);
    checkSignedHeadersPresent(request, parsed.signedHeaders);
    const secret = options.secretFor(parsed.accessKey);
    if (secret === undefined) return fail('Unknown access key.');
    const payloadHash = payloadHashOf(request, options.allowUnsignedPayload ?? false);
    if (!signatureMatches(request, parsed, date, secret, payloadHash)) return fail('Signature mismatch.');
    return { ok: true, accessKey: parsed.accessKey, algorithm: parsed.algorithm, signedHeaders: parsed.signedHeaders };
  } catch (error) {
    // Malformed input of any kind (bad percent-encoding, lone surrogates, …) is a failed authentication.
    return fail(error instanceof AuthFailure ? error.message : 'Malformed signed request.');
  }
}

function fail(reason: string): VerifyResult {
  return { ok: false, reason };
}

/** X-Sdk-Date must be signed (otherwise a captured request could be replayed forever) and recent. */
function checkDate(request: SignedRequest, parsed: ParsedAuthorization, options: VerifyOptions): string {
  if (!parsed.signedHeaders.includes('x-sdk-date')) throw new AuthFailure('X-Sdk-Date must be signed.');
  const date = headerValue(request.headers, 'x-sdk-date');
  if (!date) throw new AuthFailure('Missing X-Sdk-Date header.');
  const at = parseSdkDate(date);
  if (at === undefined) throw new AuthFailure('Malformed X-Sdk-Date (expected yyyyMMddTHHmmssZ).');
  if (Math.abs(options.nowMs - at) > options.clockSkewMs) {
    throw new AuthFailure('X-Sdk-Date is outside the allowed clock skew.');
  }
  return date;
}

/** `yyyyMMddTHHmmssZ` (UTC) → epoch ms; rejects impossible dates such as month 13 instead of rolling them over. */
export function parseSdkDate(value: string): number | undefined {
  const m = SDK_DATE.exec(value);
  if (!m) return undefined;
  const field = (i: number) => Number(m[i]);
  const at = Date.UTC(field(1), field(2) - 1, field(3), field(4), field(5), field(6));
  const back = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return back === value ? at : undefined;
}

function checkScope(parsed: ParsedAuthorization, date: string): void {
  if (!parsed.scope) return;
  if (parsed.scope.service !== DERIVED_SERVICE_NAME) {
    throw new AuthFailure(`The credential scope must name service ${DERIVED_SERVICE_NAME}.`);
  }
  if (parsed.scope.date !== date.slice(0, 8)) {
    throw new AuthFailure('The credential scope date does not match X-Sdk-Date.');
  }
}

/** A listed header that did not arrive cannot have been signed with the value the client meant. */
function checkSignedHeadersPresent(request: SignedRequest, names: readonly string[]): void {
  if (names.some((name) => headerValue(request.headers, name) === undefined)) {
    throw new AuthFailure('A signed header is missing from the request.');
  }
}

/**
 * The body hash in the canonical request. The SDK uses the `X-Sdk-Content-Sha256` value verbatim when the header
 * is set; a hex value is additionally checked against the body here, or a tampered body would still verify.
 */
function payloadHashOf(request: SignedRequest, allowUnsignedPayload: boolean): string {
  const actual = sha256Hex(request.rawBody ?? Buffer.alloc(0));
  const declared = headerValue(request.headers, 'x-sdk-content-sha256');
  if (declared === undefined) return actual;
  if (declared === UNSIGNED_PAYLOAD) {
    if (allowUnsignedPayload) return declared;
    throw new AuthFailure('Unsigned payloads are not accepted.');
  }
  if (declared.toLowerCase() !== actual) throw new AuthFailure('X-Sdk-Content-Sha256 does not match the body.');
  return declared;
}

function signatureMatches(
  request: SignedRequest,
  parsed: ParsedAuthorization,
  date: string,
  secret: string,
  payloadHash: string,
): boolean {
  const uri = canonicalUri(request.path);
  const query = canonicalQuery(request.query);
  const signedHeaders = parsed.signedHeaders.join(';');
  const key = signingKey(parsed, secret);
  return headerOrders(parsed.signedHeaders).some((order) => {
    const canonical = canonicalRequest({
      method: request.method,
      uri,
      query,
      headers: canonicalHeaders(order, request.headers),
      signedHeaders,
      payloadHash,
    });
    const expected = createHmac('sha256', key)
      .update(stringToSign(parsed, date, sha256Hex(canonical)))
      .digest();
    // Both sides are 32 bytes: the parser only accepts 64 hex digits.
    return timingSafeEqual(expected, parsed.signature);
  });
}

/**
 * Order of the canonical header lines. Signers that build both from one sorted list (Python, Java, Go SDKs)
 * follow the SignedHeaders order. The Node SDK sorts the SignedHeaders line by code unit but the header lines
 * with `localeCompare`, which differs for names with `_` (ICU puts `_` before `-`); that order is tried too.
 */
function headerOrders(names: readonly string[]): (readonly string[])[] {
  const nodeSdkOrder = [...names].sort((a, b) => a.localeCompare(b));
  return nodeSdkOrder.every((name, i) => name === names[i]) ? [names] : [names, nodeSdkOrder];
}

/** SDK: the SK itself. V11: hex(HKDF-SHA256(ikm = SK, salt = AK, info, 32 bytes)), used as a UTF-8 string. */
function signingKey(parsed: ParsedAuthorization, secret: string): string {
  if (!parsed.scope) return secret;
  return Buffer.from(hkdfSync('sha256', secret, parsed.accessKey, parsed.scope.info, 32)).toString('hex');
}

function stringToSign(parsed: ParsedAuthorization, date: string, canonicalHash: string): string {
  return parsed.scope
    ? [V11_ALGORITHM, date, parsed.scope.info, canonicalHash].join('\n')
    : [SDK_ALGORITHM, date, canonicalHash].join('\n');
}
