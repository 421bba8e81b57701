/**
 * End to end against the real Huawei SDK core: requests it signs (plain and derived) and sends to a loopback
 * server must authenticate as the right project; any change to what was signed must not.
 */
import { AppError, type ErrorKey } from '@snooze/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeProject, createAuthenticator, type Identity } from './authenticate.js';
import { parseApiKeys, parseApiTokens } from './credentials.js';
import {
  type CapturedRequest,
  type CaptureServer,
  iotdaOperations,
  type SdkClientOptions,
  sdkClient,
  startCaptureServer,
  toSignedRequest,
} from './sdk-harness.js';
import { parseSdkDate, type SignedRequest } from './signature.js';

const PROJECT_A = '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';
const PROJECT_B = 'f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4';
const AK = 'HPUAK7Z3EXAMPLE0001';
const SK = 'sk-Secret/with+chars=0123456789abcdef';
const DEVICE = 'lamp_42-a';
const MINUTE = 60_000;

const keys = parseApiKeys(`${AK}:${SK}:${PROJECT_A},OTHERAK0000000000002:other-secret:${PROJECT_B}`);
const tokens = parseApiTokens(`tok-A-0123456789abcdef:${PROJECT_A},tok-B-fedcba9876543210:${PROJECT_B}`);
const auth = createAuthenticator({ tokens, keys });

type OperationName = keyof ReturnType<typeof iotdaOperations>;
type Captures = Record<OperationName, CapturedRequest>;

let server: CaptureServer;
let plain: Captures;
let derived: Captures;

/** Sends the four operations through one SDK client and returns what the server received, by operation. */
async function capture(client: Omit<SdkClientOptions, 'url'>): Promise<Captures> {
  const hc = sdkClient({ url: server.url, ...client });
  const captured: Partial<Captures> = {};
  for (const [name, options] of Object.entries(iotdaOperations(DEVICE)) as [OperationName, never][]) {
    const before = server.requests.length;
    await hc.sendRequest(options);
    expect(server.requests.length).toBe(before + 1);
    captured[name] = server.requests[before];
  }
  return captured as Captures;
}

function expectAppError(run: () => unknown, key: ErrorKey): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).key).toBe(key);
    return error as AppError;
  }
  throw new Error(`expected AppError ${key}, but nothing was thrown`);
}

function projectOf(path: string): string {
  const match = /^\/v5\/iot\/([^/]+)\//.exec(path);
  if (!match?.[1]) throw new Error(`no project in ${path}`);
  return match[1];
}

function sdkDateOf(request: SignedRequest): number {
  const at = parseSdkDate(String(request.headers['x-sdk-date']));
  if (at === undefined) throw new Error('captured request has no valid x-sdk-date');
  return at;
}

function withHeaders(request: SignedRequest, headers: Record<string, string | undefined>): SignedRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

beforeAll(async () => {
  server = await startCaptureServer();
  plain = await capture({ ak: AK, sk: SK, projectId: PROJECT_A });
  derived = await capture({ ak: AK, sk: SK, projectId: PROJECT_A, derivedRegion: 'cn-north-4' });
});

afterAll(async () => {
  await server?.close();
});

describe.each([
  ['SDK-HMAC-SHA256', () => plain],
  ['V11-HMAC-SHA256', () => derived],
] as const)('requests signed by the SDK with %s', (algorithm, captures) => {
  it.each(['create', 'show', 'list', 'count'] as const)('%s authenticates as the key owner', (name) => {
    const request = toSignedRequest(captures()[name]);
    expect(String(request.headers.authorization)).toMatch(new RegExp(`^${algorithm} `));
    const identity = auth.authenticate(request);
    expect(identity).toEqual({ projectId: PROJECT_A, principal: `ak:${AK}`, method: 'aksk' });
    expect(() => authorizeProject(identity, projectOf(request.path))).not.toThrow();
  });

  it('sent what the tests below tamper with', () => {
    const { create, list, count } = captures();
    expect(create.body.length).toBeGreaterThan(0);
    expect(create.headers['instance-id']).toBe('instance-7');
    expect(list.url).toContain('limit=10');
    expect(count.body.length).toBe(0);
    expect(count.url).toContain('command_name=');
    if (algorithm === 'V11-HMAC-SHA256') {
      expect(String(create.headers.authorization)).toContain(`Credential=${AK}/`);
      expect(String(create.headers.authorization)).toContain('/cn-north-4/iotdm,');
    }
  });

  it('rejects a changed body byte', () => {
    const request = toSignedRequest(captures().create);
    const body = Buffer.from(request.rawBody ?? Buffer.alloc(0));
    body[body.indexOf('O'.charCodeAt(0))] = 'X'.charCodeAt(0); // "ON" -> "XN"
    expectAppError(() => auth.authenticate({ ...request, rawBody: body }), 'UNAUTHORIZED');
  });

  it('rejects a body added to the bodiless count', () => {
    const request = toSignedRequest(captures().count);
    expectAppError(() => auth.authenticate({ ...request, rawBody: Buffer.from('{}') }), 'UNAUTHORIZED');
  });

  it('rejects a changed query value', () => {
    const request = toSignedRequest(captures().list);
    expect(request.query).toContain('limit=10');
    const query = request.query.replace('limit=10', 'limit=11');
    expectAppError(() => auth.authenticate({ ...request, query }), 'UNAUTHORIZED');
  });

  it('rejects an added query parameter', () => {
    const request = toSignedRequest(captures().count);
    expectAppError(() => auth.authenticate({ ...request, query: `${request.query}&end_time=x` }), 'UNAUTHORIZED');
  });

  it('rejects a changed path', () => {
    const request = toSignedRequest(captures().show);
    const path = request.path.replace(DEVICE, 'lamp_43-a');
    expect(path).not.toBe(request.path);
    expectAppError(() => auth.authenticate({ ...request, path }), 'UNAUTHORIZED');
  });

  it('rejects a changed method', () => {
    const request = toSignedRequest(captures().show);
    expectAppError(() => auth.authenticate({ ...request, method: 'DELETE' }), 'UNAUTHORIZED');
  });

  it('rejects a changed signed header', () => {
    const request = toSignedRequest(captures().create);
    expect(String(request.headers.authorization)).toMatch(/SignedHeaders=[^,]*instance-id/);
    expectAppError(() => auth.authenticate(withHeaders(request, { 'instance-id': 'instance-8' })), 'UNAUTHORIZED');
    expectAppError(() => auth.authenticate(withHeaders(request, { host: 'evil.example:1' })), 'UNAUTHORIZED');
  });

  it('rejects the right AK with the wrong SK', () => {
    const request = toSignedRequest(captures().list);
    const wrong = createAuthenticator({ tokens, keys: parseApiKeys(`${AK}:not-the-secret:${PROJECT_A}`) });
    expectAppError(() => wrong.authenticate(request), 'UNAUTHORIZED');
  });

  it('rejects an unknown AK', () => {
    const request = toSignedRequest(captures().list);
    const other = createAuthenticator({ tokens, keys: parseApiKeys(`ANOTHERAK:${SK}:${PROJECT_A}`) });
    expectAppError(() => other.authenticate(request), 'UNAUTHORIZED');
  });

  it('accepts X-Sdk-Date within the skew window and rejects it outside', () => {
    const request = toSignedRequest(captures().show);
    const at = sdkDateOf(request);
    const at14 = createAuthenticator({ tokens, keys, now: () => at + 14 * MINUTE });
    expect(at14.authenticate(request).projectId).toBe(PROJECT_A);
    const early = createAuthenticator({ tokens, keys, now: () => at - 14 * MINUTE });
    expect(early.authenticate(request).projectId).toBe(PROJECT_A);
    for (const now of [at + 16 * MINUTE, at - 16 * MINUTE]) {
      const error = expectAppError(
        () => createAuthenticator({ tokens, keys, now: () => now }).authenticate(request),
        'UNAUTHORIZED',
      );
      expect(error.message).toContain('clock skew');
    }
    const tight = createAuthenticator({ tokens, keys, clockSkewMs: MINUTE, now: () => at + 2 * MINUTE });
    expectAppError(() => tight.authenticate(request), 'UNAUTHORIZED');
  });

  it('rejects a request without X-Sdk-Date', () => {
    const request = toSignedRequest(captures().create);
    expectAppError(() => auth.authenticate(withHeaders(request, { 'x-sdk-date': undefined })), 'UNAUTHORIZED');
  });

  it('rejects a changed X-Sdk-Date even inside the window', () => {
    const request = toSignedRequest(captures().create);
    const date = String(request.headers['x-sdk-date']);
    const shifted = new Date(sdkDateOf(request) + 1000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z');
    expect(shifted).not.toBe(date);
    expectAppError(() => auth.authenticate(withHeaders(request, { 'x-sdk-date': shifted })), 'UNAUTHORIZED');
  });
});

describe('V11 credential scope', () => {
  it('rejects a correctly signed request whose service is not iotdm', async () => {
    const other = await capture({
      ak: AK,
      sk: SK,
      projectId: PROJECT_A,
      derivedRegion: 'cn-north-4',
      derivedServiceName: 'iotda',
    });
    const request = toSignedRequest(other.list);
    expect(String(request.headers.authorization)).toContain('/cn-north-4/iotda,');
    const error = expectAppError(() => auth.authenticate(request), 'UNAUTHORIZED');
    expect(error.message).toContain('iotdm');
  });

  it('accepts any region the client signed for', async () => {
    const other = await capture({ ak: AK, sk: SK, projectId: PROJECT_A, derivedRegion: 'ap-southeast-1' });
    expect(auth.authenticate(toSignedRequest(other.create)).projectId).toBe(PROJECT_A);
  });
});

describe('project binding', () => {
  it('refuses a key used with a signed X-Project-Id of another project', async () => {
    const misuse = await capture({ ak: AK, sk: SK, projectId: PROJECT_B });
    const request = toSignedRequest(misuse.show);
    expect(request.headers['x-project-id']).toBe(PROJECT_B);
    expect(String(request.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-project-id/);
    expectAppError(() => auth.authenticate(request), 'FORBIDDEN');
  });

  it('authorizeProject refuses a path project that is not the identity’s', () => {
    const identity = auth.authenticate(toSignedRequest(plain.show));
    expect(() => authorizeProject(identity, PROJECT_A)).not.toThrow();
    expectAppError(() => authorizeProject(identity, PROJECT_B), 'FORBIDDEN');
  });
});

describe('token authentication', () => {
  const tokenRequest = (token: string | undefined, project = PROJECT_A): SignedRequest => ({
    method: 'GET',
    path: `/v5/iot/${project}/devices/${DEVICE}/async-commands`,
    query: 'limit=10',
    headers: { host: '127.0.0.1:8080', 'content-type': 'application/json', 'x-auth-token': token },
    rawBody: undefined,
  });

  it('accepts a known token as its project', () => {
    const identity: Identity = auth.authenticate(tokenRequest('tok-A-0123456789abcdef'));
    expect(identity.projectId).toBe(PROJECT_A);
    expect(identity.method).toBe('token');
    expect(identity.principal).toMatch(/^token:[0-9a-f]{12}$/);
    expect(identity.principal).not.toContain('tok-A');
    expect(() => authorizeProject(identity, PROJECT_A)).not.toThrow();
  });

  it('rejects an unknown token, a prefix of a token and an empty token', () => {
    for (const token of ['tok-C-0000000000000000', 'tok-A-0123456789abcde', '']) {
      expectAppError(() => auth.authenticate(tokenRequest(token)), 'UNAUTHORIZED');
    }
  });

  it('gives FORBIDDEN for project A’s token on project B', () => {
    const request = tokenRequest('tok-A-0123456789abcdef', PROJECT_B);
    const identity = auth.authenticate(request);
    expectAppError(() => authorizeProject(identity, projectOf(request.path)), 'FORBIDDEN');
  });

  it('lets the token decide when both token and signature are present', () => {
    const signed = toSignedRequest(plain.show);
    expectAppError(() => auth.authenticate(withHeaders(signed, { 'x-auth-token': 'nope' })), 'UNAUTHORIZED');
  });

  it('rejects a request with no credentials at all', () => {
    const error = expectAppError(() => auth.authenticate(tokenRequest(undefined)), 'UNAUTHORIZED');
    expect(error.status).toBe(401);
  });
});
