/**
 * What every container of the stack has in common (labels, restart policy, health-gated creation, log
 * rotation) and where the repository is.
 */
import { fileURLToPath } from 'node:url';
import type * as docker from '@pulumi/docker';
import type * as pulumi from '@pulumi/pulumi';

/** Build context of the service images: the repository (its .dockerignore lets only the bundles in). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Seconds `pulumi up` waits for a new container to report healthy before it fails the update. */
export const HEALTHY_WITHIN_S = 90;

export type Labels = Record<string, string>;

/** Published on every address, a service is still reached from this host on loopback. */
export function reachableHost(publishAddress: string): string {
  return publishAddress === '0.0.0.0' ? '127.0.0.1' : publishAddress;
}

export function stackLabels(stack: string, service: string): Labels {
  return { 'com.snooze.stack': stack, 'com.snooze.service': service };
}

export function toDockerLabels(labels: Labels): { label: string; value: string }[] {
  return Object.entries(labels).map(([label, value]) => ({ label, value }));
}

/** The part of a container's arguments that is the same for every container of the stack. */
export function containerBasics(labels: Labels) {
  return {
    labels: toDockerLabels(labels),
    // Restarted after a crash or a daemon restart, but `docker stop` by an operator sticks.
    restart: 'unless-stopped',
    mustRun: true,
    // Creation succeeds only once the healthcheck passes, so a broken image fails `pulumi up` itself.
    wait: true,
    waitTimeout: HEALTHY_WITHIN_S,
    logDriver: 'json-file',
    logOpts: { 'max-size': '10m', 'max-file': '3' },
  } satisfies Partial<docker.ContainerArgs>;
}

/**
 * Fixed container names cannot exist twice, so a replaced container must go before its successor comes.
 */
export const FIXED_NAME: pulumi.CustomResourceOptions = { deleteBeforeReplace: true };
