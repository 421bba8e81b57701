/**
 * The dispatcher: the IoTDA HTTP API, the sweeper and the notification forwarder, as N identical replicas
 * sharing Redis. Replica i is published on the host at hostPort + i; inside the network every replica
 * answers to `dispatcher`.
 */
import type * as pulumi from '@pulumi/pulumi';
import { type NodeServiceArgs, NodeServiceComponent, type NodeServiceShape } from './node-service.js';

/** The port inside the container; the image's default too. */
export const DISPATCHER_PORT = 8080;

const DISPATCHER: NodeServiceShape = {
  service: 'dispatcher',
  alias: 'dispatcher',
  port: { internal: DISPATCHER_PORT, protocol: 'tcp', scheme: 'http' },
  // Ready means Redis answers: a replica cut off from the store is taken for unhealthy.
  healthUrl: `http://127.0.0.1:${DISPATCHER_PORT}/readyz`,
  env: () => ({ HOST: '0.0.0.0', PORT: String(DISPATCHER_PORT), SPEC_PATH: '/app/openapi.yaml' }),
};

export class DispatcherService extends NodeServiceComponent {
  constructor(name: string, args: NodeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('snooze:infra:DispatcherService', name, args, DISPATCHER, opts);
  }
}
