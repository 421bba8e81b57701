/**
 * The NB-IoT CoAP ingress: LwM2M registration and command delivery over UDP, as N replicas that share
 * device presence and hand commands to each other through Redis. Replica i is published on the host at
 * hostPort + i (UDP); its /healthz and /metrics stay inside the network.
 */
import type * as pulumi from '@pulumi/pulumi';
import { type NodeServiceArgs, NodeServiceComponent, type NodeServiceShape } from './node-service.js';

/** Ports inside the container; the image's defaults too. */
export const COAP_PORT = 5683;
export const INGRESS_METRICS_PORT = 9464;

const COAP_INGRESS: NodeServiceShape = {
  service: 'coap-ingress',
  alias: 'coap-ingress',
  port: { internal: COAP_PORT, protocol: 'udp', scheme: 'coap' },
  healthUrl: `http://127.0.0.1:${INGRESS_METRICS_PORT}/healthz`,
  env: (containerName) => ({
    COAP_HOST: '0.0.0.0',
    COAP_PORT: String(COAP_PORT),
    METRICS_HOST: '0.0.0.0',
    METRICS_PORT: String(INGRESS_METRICS_PORT),
    // Presence keys and hand-offs name the replica: stable across restarts, unique in the stack.
    INGRESS_ID: containerName,
  }),
};

export class CoapIngress extends NodeServiceComponent {
  constructor(name: string, args: NodeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('snooze:infra:CoapIngress', name, args, COAP_INGRESS, opts);
  }
}
