/**
 * The whole environment from a validated configuration: network, Redis, dispatcher replicas, ingress
 * replicas, and what a platform team needs to know afterwards (the outputs). No secret reaches an output.
 */
import type * as pulumi from '@pulumi/pulumi';
import { CoapIngress } from './components/coap-ingress.js';
import { DispatcherService } from './components/dispatcher-service.js';
import { SnoozeNetwork } from './components/network.js';
import { RedisStore } from './components/redis-store.js';
import { stackLabels } from './components/shared.js';
import type { StackConfig } from './config.js';

export interface SnoozeOutputs {
  /** API base URL of dispatcher replica 0 (`/v5/iot/{project_id}/...` below it). */
  apiUrl: string;
  apiUrls: string[];
  /** CoAP endpoint (UDP) of ingress replica 0, what devices are pointed at. */
  coapEndpoint: string;
  coapEndpoints: string[];
  network: pulumi.Output<string>;
  redisVolume: pulumi.Output<string>;
  containers: pulumi.Output<string>[];
}

export function createSnooze(config: StackConfig): SnoozeOutputs {
  const namePrefix = `snooze-${config.stack}`;
  const network = new SnoozeNetwork('network', {
    networkName: namePrefix,
    labels: stackLabels(config.stack, 'network'),
  });
  const redis = new RedisStore('redis', {
    image: config.redisImage,
    namePrefix,
    network: network.name,
    labels: stackLabels(config.stack, 'redis'),
  });
  // Both services must agree on how keys are laid out in Redis.
  const storeEnv: Record<string, string> = {
    ...(config.partitions === undefined ? {} : { PARTITIONS: String(config.partitions) }),
    ...(config.redisKeyPrefix === undefined ? {} : { REDIS_KEY_PREFIX: config.redisKeyPrefix }),
    LOG_LEVEL: config.logLevel,
  };
  const common = {
    namePrefix,
    nodeImage: config.nodeImage,
    imageTag: config.stack,
    network: network.name,
    redisUrl: redis.url,
    publishAddress: config.publishAddress,
    dependsOn: [redis],
  };
  const dispatcher = new DispatcherService('dispatcher', {
    ...common,
    replicas: config.dispatcherReplicas,
    hostPort: config.apiPort,
    env: {
      ...config.dispatcherEnv,
      ...storeEnv,
      ...(config.apiTokens ? { API_TOKENS: config.apiTokens } : {}),
      ...(config.apiKeys ? { API_KEYS: config.apiKeys } : {}),
      ...(config.amqpUrl ? { AMQP_URL: config.amqpUrl } : {}),
    },
    labels: stackLabels(config.stack, 'dispatcher'),
  });
  const ingress = new CoapIngress('coap-ingress', {
    ...common,
    replicas: config.ingressReplicas,
    hostPort: config.coapPort,
    env: { ...config.ingressEnv, ...storeEnv },
    labels: stackLabels(config.stack, 'coap-ingress'),
  });
  return {
    apiUrl: dispatcher.urls[0] ?? '',
    apiUrls: dispatcher.urls,
    coapEndpoint: ingress.urls[0] ?? '',
    coapEndpoints: ingress.urls,
    network: network.name,
    redisVolume: redis.volume.name,
    containers: [redis.container, ...dispatcher.containers, ...ingress.containers].map((c) => c.name),
  };
}
