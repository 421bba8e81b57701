/**
 * verifySignature's rules one by one. Valid requests are signed by the SDK's own signers (no network); requests
 * the SDK would never produce (unsigned X-Sdk-Date, mismatched scope date) are signed from the SDK's primitives.
 */
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { AKSKSigner, BasicCredentials, DerivedAKSKSigner, HKDF, sdk } from './sdk-harness.js';
import { parseSdkDate, type SignedRequest, type VerifyOptions, verifySignature } from './signature.js';

const AK = 'UNITTESTAK0000000001';
const SK = 'unit-test-secret';
const PATH = '/v5/iot/p1/devices/dev_1/async-commands';
const BODY = { paras: { value: 'ON' }, send_strategy: 'delay' };
const HOST = '127.0.0.1:8080';

interface SdkSignInput {
  method?: string;
  queryParams?: Record<string, unknown>;
  headers?: Record<string, string>;
  data?: object;
  /** V11 with this region (and service `iotdm` unless given). */
  region?: string;
  service?: string;
}

/** Signs with the SDK's own `AKSKSigner.sign` / `DerivedAKSKSigner.sign` and returns the request as received. */
function signWithSdk(input: SdkSignInput = {}): SignedRequest {
  const method = input.method ?? 'POST';
  const queryParams = input.queryParams ?? {};
  const request = {
    endpoint: `http://${HOST}${PATH}`,
    method,
    headers: { 'content-type': 'application/json', 'X-Project-Id': 'p1', ...input.headers },
    queryParams: structuredClone(queryParams),
    data: input.data,
  };
  const credentials = new BasicCredentials().withAk(AK).withSk(SK);
  const signed = input.region
    ? DerivedAKSKSigner.sign(request, signerCredentials(credentials, input.region, input.service ?? 'iotdm'))
    : AKSKSigner.sign(request, credentials);
  return {
    method,
    path: PATH,
    query: stringify(queryParams as Parameters<typeof stringify>[0]),
    headers: lowerCased(signed as Record<string, string>),
    rawBody: input.data ? Buffer.from(JSON.stringify(input.data)) : undefined,
  };
}

function signerCredentials(credentials: InstanceType<typeof BasicCredentials>, region: string, service: string) {
  credentials.processDerivedAuthParams(service, region);
  return credentials;
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

interface CraftInput {
  headers: Record<string, string>;
  signedHeaders: string[];
  /** V11 scope date; plain SDK-HMAC-SHA256 when absent. */
  scopeDate?: string;
}

/**
 * Signs from the SDK's primitives with full control: any SignedHeaders list, canonical headers in that list's
 * order, any scope date. Lets the tests build validly signed requests that break one server rule.
 */
function craft({ headers, signedHeaders, scopeDate }: CraftInput): SignedRequest {
  const body = JSON.stringify(BODY);
  const date = headers['x-sdk-date'] ?? '';
  const canonical = sdk.buildCanonicalRequest(
    'POST',
    sdk.CanonicalURI(PATH),
    '',
    signedHeaders.map((name) => `${name}:${headers[name]}\n`).join(''),
    signedHeaders.join(';'),
    sdk.Hex(body),
  );
  let authorization: string;
  if (scopeDate === undefined) {
    const signature = sdk.hmacSHA256(SK, ['SDK-HMAC-SHA256', date, sdk.Hex(canonical)].join('\n'));
    authorization = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  } else {
    const info = `${scopeDate}/cn-north-4/iotdm`;
    const key = HKDF.getDerKeySHA256(AK, SK, info) ?? '';
    const signature = sdk.hmacSHA256(key, ['V11-HMAC-SHA256', date, info, sdk.Hex(canonical)].join('\n'));
    authorization = `V11-HMAC-SHA256 Credential=${AK}/${info}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  }
  return { method: 'POST', path: PATH, query: '', headers: { ...headers, authorization }, rawBody: Buffer.from(body) };
}

function sdkDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Verification at the moment the request claims to have been signed. */
function verify(request: SignedRequest, overrides: Partial<VerifyOptions> = {}) {
  const nowMs = parseSdkDate(String(request.headers['x-sdk-date'] ?? '')) ?? Date.now();
  return verifySignature(request, {
    secretFor: (ak) => (ak === AK ? SK : undefined),
    nowMs,
    clockSkewMs: 15 * 60_000,
    ...overrides,
  });
}

describe('requests signed by the SDK signers', () => {
  it('verifies SDK-HMAC-SHA256 with body and query', () => {
    const request = signWithSdk({ data: BODY, queryParams: { limit: 10, status: 'PENDING' } });
    expect(request.headers.authorization).toMatch(/^SDK-HMAC-SHA256 /);
    expect(verify(request)).toEqual({
      ok: true,
      accessKey: AK,
      algorithm: 'SDK-HMAC-SHA256',
      signedHeaders: ['content-type', 'host', 'x-project-id', 'x-sdk-date'],
    });
  });

  it('verifies V11-HMAC-SHA256', () => {
    const request = signWithSdk({ data: BODY, region: 'cn-north-4' });
    expect(request.headers.authorization).toMatch(/^V11-HMAC-SHA256 Credential=\S+\/\d{8}\/cn-north-4\/iotdm, /);
    expect(verify(request)).toMatchObject({ ok: true, algorithm: 'V11-HMAC-SHA256' });
  });

  it('verifies repeated query keys the SDK sorted', () => {
    const request = signWithSdk({ method: 'GET', queryParams: { tag: ['b', 'a'], limit: 1 } });
    expect(verify({ ...request, query: 'limit=1&tag=b&tag=a' })).toMatchObject({ ok: true });
  });

  it('verifies a header name with _ (the Node SDK orders those header lines by localeCompare)', () => {
    const request = signWithSdk({ data: BODY, headers: { X_Trace: '7' } });
    expect(request.headers.authorization).toContain('x-sdk-date;x_trace');
    expect(verify(request)).toMatchObject({ ok: true });
  });

  it('also verifies that header in SignedHeaders order (how other SDKs sign)', () => {
    const headers = { host: HOST, 'x-sdk-date': sdkDate(Date.now()), x_trace: '7' };
    expect(verify(craft({ headers, signedHeaders: ['host', 'x-sdk-date', 'x_trace'] }))).toMatchObject({ ok: true });
  });

  it('refuses an unknown access key', () => {
    expect(verify(signWithSdk({ data: BODY }), { secretFor: () => undefined })).toEqual({
      ok: false,
      reason: 'Unknown access key.',
    });
  });
});

describe('X-Sdk-Date and the V11 scope', () => {
  const now = Date.UTC(2026, 10, 26, 0, 5, 0);
  const headers = { host: HOST, 'x-sdk-date': sdkDate(now), 'x-project-id': 'p1' };

  it('accepts a crafted request that follows every rule (the crafting itself is right)', () => {
    expect(verify(craft({ headers, signedHeaders: ['host', 'x-project-id', 'x-sdk-date'] }))).toMatchObject({
      ok: true,
    });
    const v11 = craft({ headers, signedHeaders: ['host', 'x-sdk-date'], scopeDate: '20261126' });
    expect(verify(v11)).toMatchObject({ ok: true, algorithm: 'V11-HMAC-SHA256' });
  });

  it('refuses a validly signed request that leaves X-Sdk-Date out of SignedHeaders', () => {
    const request = craft({ headers, signedHeaders: ['host', 'x-project-id'] });
    expect(verify(request)).toEqual({ ok: false, reason: 'X-Sdk-Date must be signed.' });
  });

  it('refuses a V11 scope date other than the X-Sdk-Date day', () => {
    const request = craft({ headers, signedHeaders: ['host', 'x-sdk-date'], scopeDate: '20261125' });
    expect(verify(request)).toEqual({ ok: false, reason: 'The credential scope date does not match X-Sdk-Date.' });
  });

  it.each(['2026-11-26T00:05:00Z', '20261126T000500', '20261326T000500Z', '20260230T000500Z', '20261126T246000Z'])(
    'refuses the malformed X-Sdk-Date %s',
    (date) => {
      const request = craft({ headers: { ...headers, 'x-sdk-date': date }, signedHeaders: ['host', 'x-sdk-date'] });
      expect(verify(request, { nowMs: now })).toMatchObject({
        ok: false,
        reason: expect.stringContaining('X-Sdk-Date'),
      });
    },
  );

  it('refuses a listed header that is not in the request', () => {
    const request = craft({
      headers: { ...headers, 'instance-id': 'i' },
      signedHeaders: ['host', 'instance-id', 'x-sdk-date'],
    });
    const { 'instance-id': _dropped, ...rest } = request.headers;
    expect(verify({ ...request, headers: rest })).toEqual({
      ok: false,
      reason: 'A signed header is missing from the request.',
    });
  });
});

describe('X-Sdk-Content-Sha256', () => {
  const body = JSON.stringify(BODY);

  it('accepts a declared hash that matches the body', () => {
    const request = signWithSdk({ data: BODY, headers: { 'X-Sdk-Content-Sha256': sdk.Hex(body) } });
    expect(verify(request)).toMatchObject({ ok: true });
  });

  it('refuses a declared hash that does not match the body', () => {
    const request = signWithSdk({ data: BODY, headers: { 'X-Sdk-Content-Sha256': sdk.Hex(body) } });
    const tampered = { ...request, rawBody: Buffer.from(body.replace('ON', 'NO')) };
    expect(verify(tampered)).toEqual({ ok: false, reason: 'X-Sdk-Content-Sha256 does not match the body.' });
  });

  it('refuses UNSIGNED-PAYLOAD unless allowed', () => {
    const request = signWithSdk({ data: BODY, headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } });
    expect(verify(request)).toEqual({ ok: false, reason: 'Unsigned payloads are not accepted.' });
    expect(verify(request, { allowUnsignedPayload: true })).toMatchObject({ ok: true });
  });
});

describe('malformed input never throws', () => {
  const valid = signWithSdk({ data: BODY });
  const signature = /Signature=([0-9a-f]+)/.exec(String(valid.headers.authorization))?.[1] ?? '';

  const params = (rest: string) => `SDK-HMAC-SHA256 Access=${AK}, ${rest}`;
  it.each([
    ['', 'Missing Authorization header.'],
    ['SDK-HMAC-SHA256', 'Malformed authorization parameters.'],
    ['SDK-HMAC-SHA256 ', 'Malformed authorization parameters.'],
    ['Basic dXNlcjpwYXNz', 'Unsupported authorization scheme.'],
    ['sdk-hmac-sha256 Access=A, SignedHeaders=x-sdk-date, Signature=00', 'Unsupported authorization scheme.'],
    [params('SignedHeaders=host;x-sdk-date'), 'Missing authorization parameter Signature.'],
    [params(`SignedHeaders=host;x-sdk-date, Signature=${signature.slice(2)}`), 'Malformed signature.'],
    [params(`SignedHeaders=host;x-sdk-date, Signature=${signature.slice(2)}zz`), 'Malformed signature.'],
    [
      params(`Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${signature}`),
      'Repeated authorization parameter.',
    ],
    [params(`SignedHeaders=host;x-sdk-date, Signature=${signature}, Extra=1`), 'Unexpected authorization parameter.'],
    [params(`SignedHeaders=host;x-sdk-date, Signature=${signature}, =1`), 'Malformed authorization parameters.'],
    [params(`SignedHeaders=host;;x-sdk-date, Signature=${signature}`), 'Malformed SignedHeaders.'],
    [params(`SignedHeaders=Host;x-sdk-date, Signature=${signature}`), 'Malformed SignedHeaders.'],
    [params(`SignedHeaders=host;host;x-sdk-date, Signature=${signature}`), 'Repeated name in SignedHeaders.'],
    [
      `SDK-HMAC-SHA256 Credential=${AK}/20261126/r/iotdm, SignedHeaders=host;x-sdk-date, Signature=${signature}`,
      'Unexpected authorization parameter.',
    ],
    [`SDK-HMAC-SHA256 Access=${AK}/x, SignedHeaders=host;x-sdk-date, Signature=${signature}`, 'Malformed access key.'],
    [
      `V11-HMAC-SHA256 Credential=${AK}/20261126/iotdm, SignedHeaders=host;x-sdk-date, Signature=${signature}`,
      'Malformed credential scope.',
    ],
    [
      `V11-HMAC-SHA256 Credential=${AK}/2026112/r/iotdm, SignedHeaders=host;x-sdk-date, Signature=${signature}`,
      'Malformed credential scope.',
    ],
    [
      `V11-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${signature}`,
      'Unexpected authorization parameter.',
    ],
  ])('refuses Authorization %j: %s', (authorization, reason) => {
    expect(verify({ ...valid, headers: { ...valid.headers, authorization } })).toEqual({ ok: false, reason });
  });

  it('refuses a missing Authorization header', () => {
    const { authorization: _dropped, ...headers } = valid.headers;
    expect(verify({ ...valid, headers })).toEqual({ ok: false, reason: 'Missing Authorization header.' });
  });

  it('refuses a path that cannot be percent-encoded', () => {
    expect(verify({ ...valid, path: '/v5/\uD800/x' })).toEqual({ ok: false, reason: 'Malformed signed request.' });
  });

  it('refuses a broken percent-encoding in the query (not what was signed)', () => {
    expect(verify({ ...valid, query: 'a=%E0%A4%A' }).ok).toBe(false);
  });
});
