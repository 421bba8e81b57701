/**
 * The canonical request both Huawei signing schemes hash (reference §9.2), rebuilt on the server from the request
 * exactly as it arrived. Every rule mirrors `AKSKSigner` in @huaweicloud/huaweicloud-sdk-core; `canonical.test.ts`
 * checks these functions against the SDK's own ones.
 */
import { createHash } from 'node:crypto';

/** Header values as node's `IncomingHttpHeaders` carries them, names lower-cased. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * RFC 3986 encoding that keeps only the unreserved set `A-Za-z0-9-_.~` (the SDK's `urlEncode`).
 * `encodeURIComponent` also keeps `!'()*`, so those are escaped on top. Throws on lone surrogates, like the SDK.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Each `/`-separated segment of the raw path is encoded as-is, without decoding first: the SDK encodes the
 * already-encoded URL it sends (so a `%2F` inside a segment is signed as `%252F`). The SDK then appends a `/`
 * although the URL it sends has none; this is a quirk of Huawei's scheme, not of the request.
 */
export function canonicalUri(rawPath: string): string {
  // The SDK returns an empty path untouched (no trailing slash); an HTTP request-target never is empty anyway.
  if (rawPath === '') return rawPath;
  const encoded = rawPath.split('/').map(percentEncode).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

/**
 * The SDK signs its query-parameter object: keys sorted, each value encoded, the values of a repeated key
 * sorted and emitted one pair each. The wire form is Node's `querystring.stringify` of that object, so the raw
 * query is decoded first (form rules: `+` is a space, which is also what other SDKs send for spaces) and then
 * re-encoded. Sorting uses JavaScript's default string order (UTF-16 code units), as the SDK does.
 */
export function canonicalQuery(rawQuery: string): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const values = grouped.get(key);
    if (values) values.push(value);
    else grouped.set(key, [value]);
  }
  return [...grouped.keys()]
    .sort()
    .flatMap((key) => (grouped.get(key) ?? []).sort().map((value) => `${percentEncode(key)}=${percentEncode(value)}`))
    .join('&');
}

/** `name:value\n` per signed header in the given order; values are used exactly as received (not trimmed). */
export function canonicalHeaders(names: readonly string[], headers: RequestHeaders): string {
  return names.map((name) => `${name}:${headerValue(headers, name) ?? ''}\n`).join('');
}

export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export interface CanonicalParts {
  method: string;
  uri: string;
  query: string;
  headers: string;
  signedHeaders: string;
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalParts): string {
  return [parts.method, parts.uri, parts.query, parts.headers, parts.signedHeaders, parts.payloadHash].join('\n');
}
