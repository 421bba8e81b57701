/** Authentication of API callers: static credentials, Huawei AK/SK signature checks, project authorisation. */
export { AuthFailure, type CredentialScope, type SigningAlgorithm } from './auth-header.js';
export {
  type Authenticator,
  type AuthenticatorOptions,
  authorizeProject,
  createAuthenticator,
  DEFAULT_CLOCK_SKEW_MS,
  type Identity,
} from './authenticate.js';
export type { RequestHeaders } from './canonical.js';
export { type AccessKey, type KeyTable, parseApiKeys, parseApiTokens, type TokenTable } from './credentials.js';
export {
  DERIVED_SERVICE_NAME,
  type SignedRequest,
  type VerifyOptions,
  type VerifyResult,
  verifySignature,
} from './signature.js';
