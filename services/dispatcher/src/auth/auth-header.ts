/**
 * Parsing of the `Authorization` header the Huawei SDK writes (reference §9.2, §9.3):
 *   SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=a;b;c, Signature=<hex>
 *   V11-HMAC-SHA256 Credential=<AK>/<yyyyMMdd>/<region>/<service>, SignedHeaders=a;b;c, Signature=<hex>
 * Anything else is rejected with an `AuthFailure` whose reason is safe to show to the client.
 */

export const SDK_ALGORITHM = 'SDK-HMAC-SHA256';
export const V11_ALGORITHM = 'V11-HMAC-SHA256';
export type SigningAlgorithm = typeof SDK_ALGORITHM | typeof V11_ALGORITHM;

/** The V11 credential scope; `info` (`date/region/service`) is both the HKDF info and part of StringToSign. */
export interface CredentialScope {
  date: string;
  region: string;
  service: string;
  info: string;
}

export interface ParsedAuthorization {
  algorithm: SigningAlgorithm;
  accessKey: string;
  /** Present for V11 only. */
  scope?: CredentialScope;
  /** Lower-case header names in the order the client listed them. */
  signedHeaders: string[];
  /** The 32 signature bytes (decoded from hex). */
  signature: Buffer;
}

/** A rejection with a reason that reveals nothing secret; anything else thrown is a bug or a malformed input. */
export class AuthFailure extends Error {
  override readonly name = 'AuthFailure';
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const HEX_SIGNATURE = /^[0-9a-fA-F]{64}$/;
const ACCESS_KEY = /^[^\s/,=]+$/;
const SCOPE_DATE = /^\d{8}$/;

export function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== SDK_ALGORITHM && algorithm !== V11_ALGORITHM) {
    throw new AuthFailure('Unsupported authorization scheme.');
  }
  if (space === -1) throw new AuthFailure('Malformed authorization parameters.');
  const params = parseParams(header.slice(space + 1));
  const signedHeaders = parseSignedHeaders(required(params, 'SignedHeaders'));
  const signature = parseSignature(required(params, 'Signature'));
  if (algorithm === SDK_ALGORITHM) {
    expectKeys(params, ['Access', 'SignedHeaders', 'Signature']);
    return { algorithm, accessKey: parseAccessKey(required(params, 'Access')), signedHeaders, signature };
  }
  expectKeys(params, ['Credential', 'SignedHeaders', 'Signature']);
  const { accessKey, scope } = parseCredential(required(params, 'Credential'));
  return { algorithm, accessKey, scope, signedHeaders, signature };
}

/** `k=v, k=v, …`; the SDK writes `, ` between parameters, other signers may omit the space. */
function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const item of text.split(',')) {
    const pair = item.trim();
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new AuthFailure('Malformed authorization parameters.');
    const key = pair.slice(0, eq);
    if (params.has(key)) throw new AuthFailure('Repeated authorization parameter.');
    params.set(key, pair.slice(eq + 1));
  }
  return params;
}

function required(params: Map<string, string>, key: string): string {
  const value = params.get(key);
  if (!value) throw new AuthFailure(`Missing authorization parameter ${key}.`);
  return value;
}

function expectKeys(params: Map<string, string>, keys: readonly string[]): void {
  for (const key of params.keys()) {
    if (!keys.includes(key)) throw new AuthFailure('Unexpected authorization parameter.');
  }
}

function parseSignedHeaders(value: string): string[] {
  const names = value.split(';');
  if (names.some((name) => !HEADER_NAME.test(name))) throw new AuthFailure('Malformed SignedHeaders.');
  if (new Set(names).size !== names.length) throw new AuthFailure('Repeated name in SignedHeaders.');
  return names;
}

function parseSignature(value: string): Buffer {
  if (!HEX_SIGNATURE.test(value)) throw new AuthFailure('Malformed signature.');
  return Buffer.from(value, 'hex');
}

function parseAccessKey(value: string): string {
  if (!ACCESS_KEY.test(value)) throw new AuthFailure('Malformed access key.');
  return value;
}

function parseCredential(value: string): { accessKey: string; scope: CredentialScope } {
  const parts = value.split('/');
  const [accessKey = '', date = '', region = '', service = ''] = parts;
  if (parts.length !== 4 || !SCOPE_DATE.test(date) || region === '' || service === '') {
    throw new AuthFailure('Malformed credential scope.');
  }
  return {
    accessKey: parseAccessKey(accessKey),
    scope: { date, region, service, info: `${date}/${region}/${service}` },
  };
}
