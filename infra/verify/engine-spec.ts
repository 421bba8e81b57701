/**
 * The Docker Engine API requests that carry out what the program declares: each @pulumi/docker resource's
 * inputs (as captured under mocks) translated the way the provider translates them. A declared input this
 * file does not know fails the translation, so the verification can never skip part of a declaration.
 */
import { relative } from 'node:path';
import type Dockerode from 'dockerode';
import type { PlannedResource } from '../plan/capture.js';
import { revealAll } from '../plan/secret.js';

export const DOCKER_TYPES = {
  network: 'docker:index/network:Network',
  volume: 'docker:index/volume:Volume',
  image: 'docker:index/image:Image',
  remoteImage: 'docker:index/remoteImage:RemoteImage',
  container: 'docker:index/container:Container',
} as const;

type Inputs = Record<string, unknown>;

export class UnsupportedInputError extends Error {}

/** The inputs with secrets revealed, after checking that every key is one this file translates. */
function inputsOf(resource: PlannedResource, known: readonly string[]): Inputs {
  const unknown = Object.keys(resource.inputs).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new UnsupportedInputError(
      `${resource.type} "${resource.name}" declares ${unknown.join(', ')}, which infra/verify/engine-spec.ts ` +
        'does not apply yet: teach it, so the verification keeps covering the whole declaration',
    );
  }
  return revealAll(resource.inputs) as Inputs;
}

function labelsOf(inputs: Inputs): Record<string, string> {
  const labels = (inputs.labels ?? []) as { label: string; value: string }[];
  return Object.fromEntries(labels.map(({ label, value }) => [label, value]));
}

const DURATION_UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("5s", "1m30s", "250ms"), as the provider takes it, in nanoseconds as the API takes it. */
export function durationNs(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)];
  if (parts.map((part) => part[0]).join('') !== text) throw new Error(`not a duration: "${text}"`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * (DURATION_UNITS_NS[unit ?? ''] ?? 0), 0);
}

export function networkSpec(resource: PlannedResource): Dockerode.NetworkCreateOptions {
  const inputs = inputsOf(resource, ['name', 'driver', 'labels', 'internal', 'attachable', 'options']);
  return {
    Name: inputs.name as string,
    Driver: (inputs.driver as string | undefined) ?? 'bridge',
    CheckDuplicate: true,
    Labels: labelsOf(inputs),
    ...(inputs.internal === undefined ? {} : { Internal: inputs.internal as boolean }),
    ...(inputs.attachable === undefined ? {} : { Attachable: inputs.attachable as boolean }),
    ...(inputs.options === undefined ? {} : { Options: inputs.options as Record<string, string> }),
  };
}

export function volumeSpec(resource: PlannedResource): Dockerode.VolumeCreateOptions {
  const inputs = inputsOf(resource, ['name', 'driver', 'labels', 'driverOpts']);
  return {
    Name: inputs.name as string,
    Driver: (inputs.driver as string | undefined) ?? 'local',
    Labels: labelsOf(inputs),
    ...(inputs.driverOpts === undefined ? {} : { DriverOpts: inputs.driverOpts as Record<string, string> }),
  };
}

/** The image a RemoteImage names; the provider pulls it, the verification finds it already local. */
export function remoteImageName(resource: PlannedResource): string {
  return inputsOf(resource, ['name', 'keepLocally']).name as string;
}

export interface ImageBuildSpec {
  tag: string;
  context: string;
  /** Relative to the context, as the API takes it. */
  dockerfile: string;
  buildArgs: Record<string, string>;
}

export function imageBuildSpec(resource: PlannedResource): ImageBuildSpec {
  const inputs = inputsOf(resource, ['imageName', 'skipPush', 'build', 'buildOnPreview']);
  if (inputs.skipPush !== true) {
    throw new UnsupportedInputError(`${resource.name} would be pushed to a registry; the verification has none`);
  }
  const build = (inputs.build ?? {}) as Inputs;
  const unknown = Object.keys(build).filter((key) => !['context', 'dockerfile', 'args'].includes(key));
  if (unknown.length > 0)
    throw new UnsupportedInputError(`${resource.name}: build.${unknown.join(', build.')} not applied`);
  const context = (build.context as string | undefined) ?? '.';
  return {
    tag: inputs.imageName as string,
    context,
    dockerfile: relative(context, (build.dockerfile as string | undefined) ?? `${context}/Dockerfile`),
    buildArgs: (build.args ?? {}) as Record<string, string>,
  };
}

export interface ContainerSpec {
  create: Dockerode.ContainerCreateOptions;
  /** Networks after the first, connected before the start. */
  extraNetworks: { name: string; aliases: string[] }[];
  /** `wait`: seconds to become healthy after the start; undefined = running is enough. */
  healthyWithinS?: number;
}

const CONTAINER_INPUTS = [
  'name',
  'image',
  'command',
  'entrypoints',
  'envs',
  'labels',
  'ports',
  'networksAdvanced',
  'volumes',
  'healthcheck',
  'restart',
  'maxRetryCount',
  'readOnly',
  'capabilities',
  'securityOpts',
  'logDriver',
  'logOpts',
  'user',
  'workingDir',
  'mustRun',
  'wait',
  'waitTimeout',
] as const;

interface PortInput {
  internal: number;
  external?: number;
  ip?: string;
  protocol?: string;
}

function portBindings(ports: PortInput[]): Pick<Dockerode.ContainerCreateOptions, 'ExposedPorts'> & {
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of ports) {
    const key = `${port.internal}/${port.protocol ?? 'tcp'}`;
    // The API publishes only ports the container exposes: the provider sets both, so must this.
    exposed[key] = {};
    bindings[key] = [...(bindings[key] ?? []), { HostIp: port.ip ?? '0.0.0.0', HostPort: String(port.external ?? '') }];
  }
  return { ExposedPorts: exposed, PortBindings: bindings };
}

export function containerSpec(resource: PlannedResource): ContainerSpec {
  const inputs = inputsOf(resource, CONTAINER_INPUTS);
  const networks = (inputs.networksAdvanced ?? []) as { name: string; aliases?: string[] }[];
  const [first, ...rest] = networks;
  const volumes = (inputs.volumes ?? []) as {
    volumeName?: string;
    hostPath?: string;
    containerPath: string;
    readOnly?: boolean;
  }[];
  const health = inputs.healthcheck as
    | { tests: string[]; interval?: string; timeout?: string; startPeriod?: string; retries?: number }
    | undefined;
  const capabilities = (inputs.capabilities ?? {}) as { adds?: string[]; drops?: string[] };
  const { ExposedPorts, PortBindings } = portBindings((inputs.ports ?? []) as PortInput[]);
  const create: Dockerode.ContainerCreateOptions = {
    name: inputs.name as string,
    Image: inputs.image as string,
    Labels: labelsOf(inputs),
    ExposedPorts,
    ...(inputs.command ? { Cmd: inputs.command as string[] } : {}),
    ...(inputs.entrypoints ? { Entrypoint: inputs.entrypoints as string[] } : {}),
    ...(inputs.envs ? { Env: inputs.envs as string[] } : {}),
    ...(inputs.user ? { User: inputs.user as string } : {}),
    ...(inputs.workingDir ? { WorkingDir: inputs.workingDir as string } : {}),
    ...(health
      ? {
          Healthcheck: {
            Test: health.tests,
            Interval: durationNs(health.interval),
            Timeout: durationNs(health.timeout),
            StartPeriod: durationNs(health.startPeriod),
            Retries: health.retries,
          },
        }
      : {}),
    HostConfig: {
      PortBindings,
      Binds: volumes.map((v) => `${v.volumeName ?? v.hostPath}:${v.containerPath}${v.readOnly ? ':ro' : ''}`),
      RestartPolicy: {
        Name: (inputs.restart as string | undefined) ?? 'no',
        ...(inputs.restart === 'on-failure' ? { MaximumRetryCount: (inputs.maxRetryCount as number) ?? 0 } : {}),
      },
      ReadonlyRootfs: inputs.readOnly === true,
      CapAdd: capabilities.adds ?? [],
      CapDrop: capabilities.drops ?? [],
      SecurityOpt: (inputs.securityOpts ?? []) as string[],
      ...(first ? { NetworkMode: first.name } : {}),
      ...(inputs.logDriver
        ? { LogConfig: { Type: inputs.logDriver as string, Config: (inputs.logOpts ?? {}) as Record<string, string> } }
        : {}),
    },
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.name]: { Aliases: first.aliases ?? [] } } } } : {}),
  };
  return {
    create,
    extraNetworks: rest.map((network) => ({ name: network.name, aliases: network.aliases ?? [] })),
    ...(inputs.wait === true ? { healthyWithinS: (inputs.waitTimeout as number | undefined) ?? 60 } : {}),
  };
}
