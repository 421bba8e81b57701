/**
 * Reading configuration from the environment, shared by every service: an empty variable counts as unset, and
 * a value that is not what the setting needs stops the boot with a message naming the variable.
 */
export type Env = Record<string, string | undefined>;

export function envNumber(env: Env, name: string, fallback: number, min: number, integer = true): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"`);
  }
  return value;
}

export function envText(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}
