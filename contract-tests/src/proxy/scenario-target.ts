/**
 * What the proxy scenarios run against, and the steps several of them share.
 */
import type { SnoozeClient } from '@snooze/client';
import type { OperationId } from '../contract/spec.js';
import type { Credentials } from '../settings.js';
import type { ProxyProbe } from './probe.js';

export interface ScenarioTarget {
  /** The typed client, through the proxy, with the main credentials. */
  api: SnoozeClient;
  proxyUrl: string;
  main: Credentials;
  forbiddenProjectId: string;
  runId: string;
  sinkUrl: string;
}

/** Deletes a resource, then deletes it again: the second time it no longer exists. */
export async function deleteTwice<T extends { response: Response }>(
  probe: ProxyProbe,
  what: string,
  operationId: OperationId,
  call: () => Promise<T>,
): Promise<void> {
  await probe.step(`delete the ${what}`, operationId, { status: 204 }, call);
  await probe.step(`delete the ${what} again`, operationId, { status: 404 }, call);
}
