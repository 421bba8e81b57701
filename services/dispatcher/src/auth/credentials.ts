/**
 * Static API credentials from the environment:
 * - `API_TOKENS` = `token:project_id,…` for `X-Auth-Token` requests (reference §9.4),
 * - `API_KEYS` = `ak:sk:project_id,…` for AK/SK-signed requests (what the Huawei SDK sends, §9.2/§9.3).
 * Parsing fails at boot with a message naming the variable and the entry's position; tokens and secret keys
 * are never echoed, because boot errors end up in logs.
 */

export interface AccessKey {
  readonly ak: string;
  readonly sk: string;
  readonly projectId: string;
}

/** token → project id */
export type TokenTable = ReadonlyMap<string, string>;
/** access key id → key */
export type KeyTable = ReadonlyMap<string, AccessKey>;

// Project ids end up compared with a path segment, so they must be something a path segment can carry.
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
// The AK is embedded in `Authorization` (`Access=<AK>,` / `Credential=<AK>/…`): no `,`, `/`, `=` or spaces.
const ACCESS_KEY = /^[A-Za-z0-9_-]{1,128}$/;
// Header values and env lists cannot carry whitespace inside a secret without it being mangled somewhere.
const SECRET = /^\S+$/;

export function parseApiTokens(raw: string | undefined, variable = 'API_TOKENS'): Map<string, string> {
  const tokens = new Map<string, string>();
  entries(raw).forEach((entry, index) => {
    const where = `${variable} entry ${index + 1}`;
    // fields() guarantees the count, so the defaults never apply; they only satisfy noUncheckedIndexedAccess.
    const [token = '', projectId = ''] = fields(entry, 2, where, 'token:project_id');
    if (!SECRET.test(token)) throw new Error(`${where}: the token must be non-empty and contain no whitespace`);
    checkProjectId(projectId, where);
    if (tokens.has(token)) throw new Error(`${where}: the same token is listed twice`);
    tokens.set(token, projectId);
  });
  return tokens;
}

export function parseApiKeys(raw: string | undefined, variable = 'API_KEYS'): Map<string, AccessKey> {
  const keys = new Map<string, AccessKey>();
  entries(raw).forEach((entry, index) => {
    const where = `${variable} entry ${index + 1}`;
    const [ak = '', sk = '', projectId = ''] = fields(entry, 3, where, 'ak:sk:project_id');
    // The AK is an identifier, not a secret: naming it makes the error actionable.
    if (!ACCESS_KEY.test(ak)) throw new Error(`${where}: the access key must match ${ACCESS_KEY}`);
    if (!SECRET.test(sk)) throw new Error(`${where} (AK "${ak}"): the secret key must be non-empty, no whitespace`);
    checkProjectId(projectId, `${where} (AK "${ak}")`);
    if (keys.has(ak)) throw new Error(`${where}: access key "${ak}" is listed twice`);
    keys.set(ak, { ak, sk, projectId });
  });
  return keys;
}

/** Blank items are skipped so that `API_KEYS=` and a trailing comma mean "none" / "nothing more". */
function entries(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function fields(entry: string, count: number, where: string, shape: string): string[] {
  const parts = entry.split(':');
  if (parts.length !== count || parts.some((part) => part === '')) {
    // Only the count is reported: the entry itself holds a secret.
    throw new Error(`${where} is malformed: expected "${shape}" (${count} non-empty fields), got ${parts.length}`);
  }
  return parts;
}

function checkProjectId(projectId: string, where: string): void {
  if (!PROJECT_ID.test(projectId)) {
    throw new Error(`${where}: project_id must match ${PROJECT_ID}`);
  }
}
