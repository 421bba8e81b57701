/**
 * What the suites need to know about a target, and how it travels: flags and environment variables for people
 * and CI, the environment for Dredd's hooks (they run in Dredd's process). One table of names, read and
 * written here only.
 */

export interface Credentials {
  token: string;
  projectId: string;
}

export interface ContractSettings {
  /** `mock`: Prism's mock of the spec, which answers any documented status on request (`Prefer: code=`). */
  mode: 'server' | 'mock';
  url: string;
  /** An `X-Auth-Token` and the project it grants. */
  main: Credentials;
  /** A project the main token does not grant (403). */
  forbiddenProjectId: string;
  /** A project whose requests are rate limited (429); a burst makes the limiter refuse the next one. */
  rateLimited?: Credentials & { url: string };
  /** A replica of the target whose store fails (500). A healthy deployment has none. */
  failingUrl?: string;
}

export const ENV = {
  url: 'SNOOZE_URL',
  token: 'SNOOZE_TOKEN',
  projectId: 'SNOOZE_PROJECT_ID',
  forbiddenProjectId: 'SNOOZE_FORBIDDEN_PROJECT_ID',
  rateLimitUrl: 'SNOOZE_RATE_LIMIT_URL',
  rateLimitToken: 'SNOOZE_RATE_LIMIT_TOKEN',
  rateLimitProjectId: 'SNOOZE_RATE_LIMIT_PROJECT_ID',
  failingUrl: 'SNOOZE_FAILING_URL',
  mode: 'SNOOZE_CONTRACT_MODE',
} as const;

/** Nobody is expected to own a project of this name; override it where somebody does. */
export const DEFAULT_FORBIDDEN_PROJECT = 'snooze-contract-forbidden';

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (see contract-tests/README.md)`);
  return value;
}

export function settingsFromEnv(env: Env = process.env): ContractSettings {
  const url = required(env, ENV.url);
  const rateLimitToken = env[ENV.rateLimitToken];
  const rateLimitProject = env[ENV.rateLimitProjectId];
  const failingUrl = env[ENV.failingUrl];
  return {
    mode: env[ENV.mode] === 'mock' ? 'mock' : 'server',
    url,
    main: { token: required(env, ENV.token), projectId: required(env, ENV.projectId) },
    forbiddenProjectId: env[ENV.forbiddenProjectId] || DEFAULT_FORBIDDEN_PROJECT,
    ...(rateLimitToken && rateLimitProject
      ? { rateLimited: { url: env[ENV.rateLimitUrl] || url, token: rateLimitToken, projectId: rateLimitProject } }
      : {}),
    ...(failingUrl ? { failingUrl } : {}),
  };
}

export function settingsToEnv(settings: ContractSettings): Record<string, string> {
  return {
    [ENV.mode]: settings.mode,
    [ENV.url]: settings.url,
    [ENV.token]: settings.main.token,
    [ENV.projectId]: settings.main.projectId,
    [ENV.forbiddenProjectId]: settings.forbiddenProjectId,
    ...(settings.rateLimited
      ? {
          [ENV.rateLimitUrl]: settings.rateLimited.url,
          [ENV.rateLimitToken]: settings.rateLimited.token,
          [ENV.rateLimitProjectId]: settings.rateLimited.projectId,
        }
      : {}),
    ...(settings.failingUrl ? { [ENV.failingUrl]: settings.failingUrl } : {}),
  };
}
