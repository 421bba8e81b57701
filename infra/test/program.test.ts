import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../components/shared.js';
import { MANAGED_ENV } from '../config.js';
import type { Plan, PlannedResource } from '../plan/capture.js';
import { containsSecret, revealAll, Secret } from '../plan/secret.js';
import { DOCKER_TYPES } from '../verify/engine-spec.js';
import { AK, captureStack, containers, envOf, only, PROJECT, SK, TOKEN } from './fixtures.js';

const STACK_URN = 'urn:pulumi:test::snooze::pulumi:pulumi:Stack::snooze-test';

let plan: Plan;
beforeAll(async () => {
  plan = await captureStack();
});

const byName = (name: string): PlannedResource => {
  const found = plan.resources.find((r) => r.name === name && r.custom);
  if (!found) throw new Error(`no resource ${name}`);
  return found;
};

describe('resources', () => {
  it('declares the components and exactly these Docker resources on the defaults', () => {
    const components = plan.resources.filter((r) => !r.custom).map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toEqual([
      'pulumi:pulumi:Stack snooze-test',
      'snooze:infra:CoapIngress coap-ingress',
      'snooze:infra:DispatcherService dispatcher',
      'snooze:infra:Network network',
      'snooze:infra:RedisStore redis',
    ]);
    const docker = plan.resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`);
    expect(docker.sort()).toEqual([
      `${DOCKER_TYPES.container} coap-ingress-0`,
      `${DOCKER_TYPES.container} dispatcher-0`,
      `${DOCKER_TYPES.container} redis`,
      `${DOCKER_TYPES.image} coap-ingress-image`,
      `${DOCKER_TYPES.image} dispatcher-image`,
      `${DOCKER_TYPES.network} network`,
      `${DOCKER_TYPES.remoteImage} redis-image`,
      `${DOCKER_TYPES.volume} redis-data`,
    ]);
  });

  it('parents every Docker resource to its component, and the components to the stack', () => {
    for (const resource of plan.resources.filter((r) => r.type.startsWith('snooze:infra:'))) {
      expect(resource.parent).toBe(STACK_URN);
    }
    const parentType = (r: PlannedResource) => r.parent?.split('::')[2]?.split('$').pop();
    expect(parentType(byName('network'))).toBe('snooze:infra:Network');
    for (const name of ['redis', 'redis-data', 'redis-image'])
      expect(parentType(byName(name))).toBe('snooze:infra:RedisStore');
    for (const name of ['dispatcher-0', 'dispatcher-image']) {
      expect(parentType(byName(name))).toBe('snooze:infra:DispatcherService');
    }
    for (const name of ['coap-ingress-0', 'coap-ingress-image'])
      expect(parentType(byName(name))).toBe('snooze:infra:CoapIngress');
  });

  it('names Docker objects after the stack and labels them with it', () => {
    expect(byName('network').inputs.name).toBe('snooze-test');
    expect(byName('redis-data').inputs.name).toBe('snooze-test-redis-data');
    for (const resource of plan.resources.filter((r) => r.type === DOCKER_TYPES.container)) {
      expect(resource.inputs.name).toMatch(/^snooze-test-(redis|dispatcher-\d+|coap-ingress-\d+)$/);
      expect(resource.inputs.labels).toContainEqual({ label: 'com.snooze.stack', value: 'test' });
      // Fixed names: a replacement must remove the old container first.
      expect(resource.deleteBeforeReplace).toBe(true);
      expect(resource.inputs).toMatchObject({ restart: 'unless-stopped', wait: true, logDriver: 'json-file' });
    }
  });
});

describe('Redis', () => {
  it('runs the configured image with AOF on a named volume, healthchecked, reachable as "redis" only inside', () => {
    const redis = byName('redis');
    expect(byName('redis-image').inputs).toEqual({ name: 'redis:7', keepLocally: true });
    expect(redis.inputs.image).toBe('redis:7');
    expect(redis.inputs.command).toEqual(
      expect.arrayContaining(['redis-server', '--appendonly', 'yes', '--dir', '/data']),
    );
    expect(redis.inputs.volumes).toEqual([{ volumeName: 'snooze-test-redis-data', containerPath: '/data' }]);
    expect(redis.inputs.networksAdvanced).toEqual([{ name: 'snooze-test', aliases: ['redis'] }]);
    expect((redis.inputs.healthcheck as { tests: string[] }).tests.join(' ')).toContain('redis-cli ping');
    expect(redis.inputs.ports).toBeUndefined();
  });

  it('keeps RDB snapshots off, so a restart reloads the AOF', () => {
    const command = byName('redis').inputs.command as string[];
    expect(command[command.indexOf('--save') + 1]).toBe('');
  });

  it('takes its image from config', async () => {
    const custom = await captureStack({ redisImage: 'registry.example.internal/redis:7.2' });
    expect(only(custom, DOCKER_TYPES.remoteImage).inputs.name).toBe('registry.example.internal/redis:7.2');
    expect(containers(custom, 'RedisStore')[0]?.inputs.image).toBe('registry.example.internal/redis:7.2');
  });
});

describe('service images', () => {
  it.each([
    ['dispatcher-image', 'dispatcher'],
    ['coap-ingress-image', 'coap-ingress'],
  ])('%s is built locally from services/%s/Dockerfile on the configured Node image', async (name, service) => {
    const image = byName(name);
    const build = image.inputs.build as { context: string; dockerfile: string; args: Record<string, string> };
    expect(image.inputs).toMatchObject({ imageName: `snooze-${service}:test`, skipPush: true });
    expect(build.context).toBe(REPO_ROOT);
    expect(build.dockerfile).toBe(`${REPO_ROOT}services/${service}/Dockerfile`);
    expect(existsSync(build.dockerfile)).toBe(true);
    expect(build.args).toEqual({ NODE_IMAGE: 'node:20-bookworm-slim' });
    const custom = await captureStack({ nodeImage: 'node:20-alpine' });
    expect(custom.resources.find((r) => r.name === name)?.inputs.build).toMatchObject({
      args: { NODE_IMAGE: 'node:20-alpine' },
    });
  });
});

describe('dispatcher', () => {
  it('runs the built image on the network as "dispatcher", published on 127.0.0.1, healthchecked on /readyz', () => {
    const replica = byName('dispatcher-0');
    expect(replica.inputs.image).toBe('snooze-dispatcher:test');
    expect(replica.inputs.networksAdvanced).toEqual([{ name: 'snooze-test', aliases: ['dispatcher'] }]);
    expect(replica.inputs.ports).toEqual([{ internal: 8080, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect((replica.inputs.healthcheck as { tests: string[] }).tests).toEqual([
      'CMD',
      'node',
      '/app/healthcheck.mjs',
      'http://127.0.0.1:8080/readyz',
    ]);
  });

  it('is configured for Redis, the bundled spec and both kinds of credentials', () => {
    expect(envOf(byName('dispatcher-0'), revealAll)).toEqual({
      API_KEYS: `${AK}:${SK}:${PROJECT}`,
      API_TOKENS: `${TOKEN}:${PROJECT}`,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      PORT: '8080',
      REDIS_URL: 'redis://redis:6379',
      SPEC_PATH: '/app/openapi.yaml',
    });
  });

  it('hardens the container: read-only root, no capabilities, no privilege escalation', () => {
    expect(byName('dispatcher-0').inputs).toMatchObject({
      readOnly: true,
      capabilities: { drops: ['ALL'] },
      securityOpts: ['no-new-privileges:true'],
    });
  });

  it('starts after Redis, the network and its image', () => {
    const deps = byName('dispatcher-0').dependsOn;
    for (const name of ['redis', 'network', 'dispatcher-image']) expect(deps).toContain(byName(name).urn);
  });

  it('runs as many replicas as configured, each on its own host port, same alias', async () => {
    const scaled = await captureStack({ dispatcherReplicas: '3', apiPort: '9000' });
    const replicas = containers(scaled, 'DispatcherService');
    expect(replicas.map((r) => r.inputs.name)).toEqual([
      'snooze-test-dispatcher-0',
      'snooze-test-dispatcher-1',
      'snooze-test-dispatcher-2',
    ]);
    expect(replicas.map((r) => (r.inputs.ports as { external: number }[])[0]?.external)).toEqual([9000, 9001, 9002]);
    expect(scaled.outputs.apiUrls).toEqual(['http://127.0.0.1:9000', 'http://127.0.0.1:9001', 'http://127.0.0.1:9002']);
    for (const replica of replicas)
      expect(replica.inputs.networksAdvanced).toEqual([{ name: 'snooze-test', aliases: ['dispatcher'] }]);
  });

  it('passes the AMQP URL (secret) and extra tuning through', async () => {
    const custom = await captureStack({
      amqpUrl: 'amqp://user:pw@rabbit:5672',
      dispatcherEnv: JSON.stringify({ NOTIFY_CONCURRENCY: 8, COMMAND_ACK_TIMEOUT_MS: '45000' }),
    });
    const env = envOf(containers(custom, 'DispatcherService')[0] as PlannedResource, revealAll);
    expect(env).toMatchObject({
      AMQP_URL: 'amqp://user:pw@rabbit:5672',
      NOTIFY_CONCURRENCY: '8',
      COMMAND_ACK_TIMEOUT_MS: '45000',
    });
  });
});

describe('CoAP ingress', () => {
  it('publishes its UDP port on 127.0.0.1 and healthchecks /healthz on its metrics port', () => {
    const replica = byName('coap-ingress-0');
    expect(replica.inputs.image).toBe('snooze-coap-ingress:test');
    expect(replica.inputs.ports).toEqual([{ internal: 5683, external: 5683, ip: '127.0.0.1', protocol: 'udp' }]);
    expect((replica.inputs.healthcheck as { tests: string[] }).tests.at(-1)).toBe('http://127.0.0.1:9464/healthz');
    expect(replica.inputs.networksAdvanced).toEqual([{ name: 'snooze-test', aliases: ['coap-ingress'] }]);
    expect(replica.dependsOn).toContain(byName('redis').urn);
  });

  it('gives every replica its own INGRESS_ID and host port, and no API credentials', async () => {
    const scaled = await captureStack({ ingressReplicas: '2', coapPort: '15683' });
    const replicas = containers(scaled, 'CoapIngress');
    const envs = replicas.map((r) => envOf(r, revealAll));
    expect(envs.map((env) => env.INGRESS_ID)).toEqual(['snooze-test-coap-ingress-0', 'snooze-test-coap-ingress-1']);
    expect(replicas.map((r) => (r.inputs.ports as { external: number }[])[0]?.external)).toEqual([15683, 15684]);
    expect(envs[0]).toMatchObject({
      COAP_HOST: '0.0.0.0',
      COAP_PORT: '5683',
      METRICS_PORT: '9464',
      REDIS_URL: 'redis://redis:6379',
    });
    for (const env of envs) expect(Object.keys(env)).not.toContain('API_TOKENS');
    expect(scaled.outputs.coapEndpoints).toEqual(['coap://127.0.0.1:15683', 'coap://127.0.0.1:15684']);
  });

  it('shares the Redis layout settings with the dispatcher', async () => {
    const custom = await captureStack({ partitions: '64', redisKeyPrefix: 'iot:' });
    for (const component of ['DispatcherService', 'CoapIngress']) {
      expect(envOf(containers(custom, component)[0] as PlannedResource, revealAll)).toMatchObject({
        PARTITIONS: '64',
        REDIS_KEY_PREFIX: 'iot:',
      });
    }
  });

  it('sets only variables the config module knows it manages, plus the extra env', async () => {
    const custom = await captureStack({ ingressEnv: JSON.stringify({ QUEUE_MODE_AWAKE_MS: 20000 }) });
    for (const resource of containers(custom, 'CoapIngress').concat(containers(custom, 'DispatcherService'))) {
      const extra = Object.keys(envOf(resource, revealAll)).filter(
        (name) => !(MANAGED_ENV as readonly string[]).includes(name),
      );
      expect(extra).toEqual(resource.name.startsWith('coap') ? ['QUEUE_MODE_AWAKE_MS'] : []);
    }
  });
});

describe('secrets', () => {
  it('keeps the environment of credentialed containers secret, in the state too', () => {
    for (const replica of containers(plan, 'DispatcherService')) {
      expect(replica.inputs.envs).toBeInstanceOf(Secret);
      expect(replica.additionalSecretOutputs).toContain('envs');
    }
  });

  it('leaves no credential in a plain input or an output', () => {
    const plain = JSON.stringify(plan);
    for (const value of [TOKEN, SK]) expect(plain).not.toContain(value);
    for (const [name, value] of Object.entries(plan.outputs)) {
      expect(containsSecret(value), `output ${name} is secret`).toBe(false);
    }
  });
});

describe('outputs', () => {
  it('tells the API URL, the CoAP endpoint and what was made', () => {
    expect(plan.outputs).toEqual({
      apiUrl: 'http://127.0.0.1:8080',
      apiUrls: ['http://127.0.0.1:8080'],
      coapEndpoint: 'coap://127.0.0.1:5683',
      coapEndpoints: ['coap://127.0.0.1:5683'],
      network: 'snooze-test',
      redisVolume: 'snooze-test-redis-data',
      containers: ['snooze-test-redis', 'snooze-test-dispatcher-0', 'snooze-test-coap-ingress-0'],
    });
  });

  it('points at loopback when the ports are published on every address', async () => {
    const open = await captureStack({ publishAddress: '0.0.0.0' });
    expect(only(open, DOCKER_TYPES.container, 'DispatcherService').inputs.ports).toEqual([
      { internal: 8080, external: 8080, ip: '0.0.0.0', protocol: 'tcp' },
    ]);
    expect(open.outputs.apiUrl).toBe('http://127.0.0.1:8080');
  });
});

describe('configuration errors', () => {
  it('stop the program before any Docker resource is declared', async () => {
    const failed = await captureStack({ dispatcherReplicas: '0' }).catch((error: Error) => error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain('snooze:dispatcherReplicas must be an integer from 1 to 16, got "0"');
  });
});
