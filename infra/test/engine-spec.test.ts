import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan, PlannedResource } from '../plan/capture.js';
import {
  containerSpec,
  DOCKER_TYPES,
  durationNs,
  imageBuildSpec,
  networkSpec,
  UnsupportedInputError,
  volumeSpec,
} from '../verify/engine-spec.js';
import { captureStack, only, TOKEN } from './fixtures.js';

let plan: Plan;
beforeAll(async () => {
  plan = await captureStack({ dispatcherReplicas: '2', apiPort: '18080', coapPort: '15683' });
});

const named = (name: string): PlannedResource =>
  plan.resources.find((r) => r.custom && r.name === name) as PlannedResource;

describe('the Engine API requests the deploy verification sends', () => {
  it('publish ports on the declared address, exposing them as the provider does', () => {
    const { create } = containerSpec(named('dispatcher-1'));
    expect(create.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(create.HostConfig?.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18081' }] });
    expect(containerSpec(named('coap-ingress-0')).create.HostConfig?.PortBindings).toEqual({
      '5683/udp': [{ HostIp: '127.0.0.1', HostPort: '15683' }],
    });
  });

  it('join the network under the declared aliases and mount the volume', () => {
    const redis = containerSpec(named('redis')).create;
    expect(redis.HostConfig?.NetworkMode).toBe('snooze-test');
    expect(redis.NetworkingConfig?.EndpointsConfig).toEqual({ 'snooze-test': { Aliases: ['redis'] } });
    expect(redis.HostConfig?.Binds).toEqual(['snooze-test-redis-data:/data']);
  });

  it('carry healthchecks in nanoseconds, restart policy, hardening and log rotation', () => {
    const spec = containerSpec(named('dispatcher-0'));
    expect(spec.create.Healthcheck).toMatchObject({ Interval: 5e9, Timeout: 3e9, StartPeriod: 20e9, Retries: 3 });
    expect(spec.create.HostConfig).toMatchObject({
      RestartPolicy: { Name: 'unless-stopped' },
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    });
    expect(spec.healthyWithinS).toBe(90);
  });

  it('hand the engine the secret environment, which the plan itself never shows', () => {
    expect(containerSpec(named('dispatcher-0')).create.Env).toContain(`API_TOKENS=${TOKEN}:proj-a`);
    expect(JSON.stringify(named('dispatcher-0'))).not.toContain(TOKEN);
  });

  it('build the images from the repository with the Dockerfile relative to it', () => {
    expect(imageBuildSpec(named('dispatcher-image'))).toMatchObject({
      tag: 'snooze-dispatcher:test',
      dockerfile: 'services/dispatcher/Dockerfile',
      buildArgs: { NODE_IMAGE: 'node:20-bookworm-slim' },
    });
    expect(networkSpec(only(plan, DOCKER_TYPES.network))).toMatchObject({ Name: 'snooze-test', Driver: 'bridge' });
    expect(volumeSpec(only(plan, DOCKER_TYPES.volume)).Labels).toEqual({
      'com.snooze.stack': 'test',
      'com.snooze.service': 'redis',
    });
  });

  it('refuse a declaration they would not carry out in full', () => {
    const redis = named('redis');
    expect(() => containerSpec({ ...redis, inputs: { ...redis.inputs, privileged: true } })).toThrow(
      UnsupportedInputError,
    );
    const image = named('dispatcher-image');
    expect(() => imageBuildSpec({ ...image, inputs: { ...image.inputs, skipPush: false } })).toThrow(/registry/);
  });

  it('read Go durations', () => {
    expect(durationNs('1m30s')).toBe(90e9);
    expect(durationNs('250ms')).toBe(250e6);
    expect(durationNs(undefined)).toBeUndefined();
    expect(() => durationNs('5 seconds')).toThrow(/not a duration/);
  });
});
