/**
 * Who is calling, and for which project. `X-Auth-Token` (reference §9.4) wins when present; otherwise the request
 * must carry a Huawei AK/SK signature (§9.2/§9.3). Failures are `AppError('UNAUTHORIZED')` (401); a valid caller
 * reaching for another project's resources is `AppError('FORBIDDEN')` (403).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@snooze/core';
import { headerValue } from './canonical.js';
import type { KeyTable, TokenTable } from './credentials.js';
import { type SignedRequest, verifySignature } from './signature.js';

export interface Identity {
  readonly projectId: string;
  /** Safe to log: `ak:<access key id>` or `token:<fingerprint>` (never the token itself). */
  readonly principal: string;
  readonly method: 'token' | 'aksk';
}

export interface AuthenticatorOptions {
  tokens: TokenTable;
  keys: KeyTable;
  /** Accepted distance between X-Sdk-Date and the server clock; default 15 minutes. */
  clockSkewMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  /** See `VerifyOptions.allowUnsignedPayload`; default false. */
  allowUnsignedPayload?: boolean;
}

export interface Authenticator {
  /** Throws `AppError('UNAUTHORIZED' | 'FORBIDDEN')`; never any other error. */
  authenticate(request: SignedRequest): Identity;
}

// Reference §9.4: the window is undocumented; 15 minutes is API Gateway's customary tolerance.
export const DEFAULT_CLOCK_SKEW_MS = 15 * 60 * 1000;

interface TokenEntry {
  digest: Buffer;
  identity: Identity;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const clockSkewMs = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (!Number.isFinite(clockSkewMs) || clockSkewMs < 0) throw new Error('clockSkewMs must be a finite number >= 0');
  const tokens = tokenEntries(options.tokens);
  const now = options.now ?? Date.now;
  return {
    authenticate(request) {
      const token = headerValue(request.headers, 'x-auth-token');
      if (token !== undefined) return byToken(tokens, token);
      return bySignature(request, options, clockSkewMs, now());
    },
  };
}

/** The path's `{project_id}` must be the caller's project. */
export function authorizeProject(identity: Identity, projectId: string): void {
  if (identity.projectId !== projectId) throw new AppError('FORBIDDEN');
}

function tokenEntries(tokens: TokenTable): TokenEntry[] {
  return [...tokens].map(([token, projectId]) => {
    const digest = sha256(token);
    const principal = `token:${digest.subarray(0, 6).toString('hex')}`;
    return { digest, identity: { projectId, principal, method: 'token' } };
  });
}

/**
 * Comparing fixed-length digests with `timingSafeEqual`, and always scanning every entry, keeps the time taken
 * independent of how much of a guessed token is right (a Map lookup on the token would not).
 */
function byToken(entries: readonly TokenEntry[], token: string): Identity {
  const digest = sha256(token);
  let match: Identity | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.digest, digest)) match = entry.identity;
  }
  if (!match) throw new AppError('UNAUTHORIZED', 'Unknown X-Auth-Token.');
  return match;
}

function bySignature(
  request: SignedRequest,
  options: AuthenticatorOptions,
  clockSkewMs: number,
  nowMs: number,
): Identity {
  if (headerValue(request.headers, 'authorization') === undefined) {
    throw new AppError('UNAUTHORIZED', 'Missing X-Auth-Token or Authorization header.');
  }
  const result = verifySignature(request, {
    secretFor: (ak) => options.keys.get(ak)?.sk,
    nowMs,
    clockSkewMs,
    allowUnsignedPayload: options.allowUnsignedPayload ?? false,
  });
  if (!result.ok) throw new AppError('UNAUTHORIZED', result.reason);
  const key = options.keys.get(result.accessKey);
  if (!key) throw new AppError('UNAUTHORIZED', 'Unknown access key.');
  // The SDK signs X-Project-Id with the project it targets; a signed value naming another project is a caller
  // using its key outside its project. An unsigned one proves nothing and is left to authorizeProject.
  if (result.signedHeaders.includes('x-project-id') && headerValue(request.headers, 'x-project-id') !== key.projectId) {
    throw new AppError('FORBIDDEN');
  }
  return { projectId: key.projectId, principal: `ak:${key.ak}`, method: 'aksk' };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
