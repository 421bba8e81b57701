/** The program captured under mocks with a given `snooze:*` configuration, as the tests look at it. */
import program from '../index.js';
import { capturePlan, type Plan, type PlannedResource } from '../plan/capture.js';
import { DOCKER_TYPES } from '../verify/engine-spec.js';

export const TOKEN = 'tok-3f9a1c';
export const AK = 'AKTEST01';
export const SK = 'sk-77e0b2';
export const PROJECT = 'proj-a';

/** Credentials as secrets, everything else from `config` (keys without the namespace). */
export async function captureStack(config: Record<string, string> = {}, stack = 'test'): Promise<Plan> {
  const secrets: Record<string, string> = { apiTokens: `${TOKEN}:${PROJECT}`, apiKeys: `${AK}:${SK}:${PROJECT}` };
  const all = { ...secrets, ...config };
  return capturePlan({
    project: 'snooze',
    stack,
    config: Object.fromEntries(Object.entries(all).map(([key, value]) => [`snooze:${key}`, value])),
    secretKeys: Object.keys(secrets).map((key) => `snooze:${key}`),
    program,
  });
}

export function containers(plan: Plan, component: string): PlannedResource[] {
  return plan.resources.filter(
    (r) => r.type === DOCKER_TYPES.container && r.parent?.includes(`$snooze:infra:${component}::`),
  );
}

export function only(plan: Plan, type: string, component?: string): PlannedResource {
  const found = plan.resources.filter((r) => r.type === type && (!component || r.parent?.includes(`${component}::`)));
  if (found.length !== 1)
    throw new Error(`expected one ${type}${component ? ` in ${component}` : ''}, got ${found.length}`);
  return found[0] as PlannedResource;
}

/** A container's environment as a map (secrets revealed: for assertions only). */
export function envOf(resource: PlannedResource, reveal: (value: unknown) => unknown): Record<string, string> {
  const list = reveal(resource.inputs.envs) as string[];
  return Object.fromEntries(
    list.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}
