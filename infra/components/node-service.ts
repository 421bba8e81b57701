/**
 * The part the dispatcher and the CoAP ingress share: an image built from the service's Dockerfile and N
 * hardened replicas of it (read-only root, no capabilities, no privilege escalation), replica i published on
 * the host at hostPort + i, every replica answering to the service's alias inside the network.
 */
import { join } from 'node:path';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { containerBasics, FIXED_NAME, type Labels, REPO_ROOT, reachableHost } from './shared.js';

/** Where the service images keep the health probe (infra/images/healthcheck.ts, bundled). */
export const HEALTHCHECK_SCRIPT = '/app/healthcheck.mjs';

/** What the stack decides for a Node service. */
export interface NodeServiceArgs {
  replicas: number;
  namePrefix: string;
  nodeImage: string;
  imageTag: string;
  network: pulumi.Input<string>;
  redisUrl: string;
  publishAddress: string;
  /** Host port of replica 0. */
  hostPort: number;
  /** May hold secrets: each replica's whole environment is then secret, in the state and in previews. */
  env: Record<string, pulumi.Input<string>>;
  labels: Labels;
  /** Started once these are up (Redis): the replicas report healthy only when it answers. */
  dependsOn: pulumi.Resource[];
}

/** What the service itself decides: where its code is, its ports, its health endpoint. */
export interface NodeServiceShape {
  /** Folder under services/ holding the Dockerfile (and, after `npm run bundle`, dist/). */
  service: 'dispatcher' | 'coap-ingress';
  alias: string;
  port: { internal: number; protocol: 'tcp' | 'udp'; scheme: 'http' | 'coap' };
  healthUrl: string;
  /** The variables the service needs for its place in the stack, given the replica's container name. */
  env: (containerName: string) => Record<string, string>;
}

/** Base of the DispatcherService and CoapIngress components, which differ only in their shape. */
export abstract class NodeServiceComponent extends pulumi.ComponentResource {
  readonly image: docker.Image;
  readonly containers: docker.Container[];
  /** Host-side URL of each replica (http:// or coap://). */
  readonly urls: string[];

  protected constructor(
    type: string,
    name: string,
    args: NodeServiceArgs,
    shape: NodeServiceShape,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(type, name, {}, opts);
    this.image = serviceImage(name, args, shape, this);
    this.containers = [];
    this.urls = [];
    for (let i = 0; i < args.replicas; i++) {
      const hostPort = args.hostPort + i;
      this.containers.push(replica(name, i, hostPort, this.image, args, shape, this));
      this.urls.push(`${shape.port.scheme}://${reachableHost(args.publishAddress)}:${hostPort}`);
    }
    this.registerOutputs({ urls: this.urls });
  }
}

/** Built locally from the service's Dockerfile, never pushed anywhere. */
function serviceImage(name: string, args: NodeServiceArgs, shape: NodeServiceShape, parent: pulumi.Resource) {
  return new docker.Image(
    `${name}-image`,
    {
      imageName: `snooze-${shape.service}:${args.imageTag}`,
      skipPush: true,
      build: {
        context: REPO_ROOT,
        dockerfile: join(REPO_ROOT, 'services', shape.service, 'Dockerfile'),
        args: { NODE_IMAGE: args.nodeImage },
      },
    },
    { parent },
  );
}

function replica(
  name: string,
  index: number,
  hostPort: number,
  image: docker.Image,
  args: NodeServiceArgs,
  shape: NodeServiceShape,
  parent: pulumi.Resource,
): docker.Container {
  const containerName = `${args.namePrefix}-${name}-${index}`;
  const env = { ...args.env, ...shape.env(containerName), REDIS_URL: args.redisUrl };
  return new docker.Container(
    `${name}-${index}`,
    {
      name: containerName,
      image: image.repoDigest,
      envs: pulumi.output(env).apply(toEnvList),
      networksAdvanced: [{ name: args.network, aliases: [shape.alias] }],
      ports: [
        { internal: shape.port.internal, external: hostPort, ip: args.publishAddress, protocol: shape.port.protocol },
      ],
      healthcheck: {
        tests: ['CMD', 'node', HEALTHCHECK_SCRIPT, shape.healthUrl],
        interval: '5s',
        timeout: '3s',
        startPeriod: '20s',
        retries: 3,
      },
      readOnly: true,
      capabilities: { drops: ['ALL'] },
      securityOpts: ['no-new-privileges:true'],
      ...containerBasics(args.labels),
    },
    { ...FIXED_NAME, parent, dependsOn: args.dependsOn, additionalSecretOutputs: ['envs'] },
  );
}

function toEnvList(env: Record<string, string>): string[] {
  return Object.entries(env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
}
