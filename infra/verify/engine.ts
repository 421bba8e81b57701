/**
 * Carries out a captured plan on a real Docker engine the way `pulumi up` would: every Docker resource
 * once its dependencies are done (independent ones at the same time), containers started and, where the
 * program asks the provider to `wait`, healthy before anything that depends on them starts. `destroy()`
 * removes what was made, in reverse, as `pulumi destroy` would.
 */
import type Dockerode from 'dockerode';
import type { Plan, PlannedResource } from '../plan/capture.js';
import { contextFiles } from './build-context.js';
import {
  containerSpec,
  DOCKER_TYPES,
  imageBuildSpec,
  networkSpec,
  remoteImageName,
  UnsupportedInputError,
  volumeSpec,
} from './engine-spec.js';

export type Log = (line: string) => void;

interface Made {
  kind: 'container' | 'network' | 'volume';
  name: string;
}

export class PlanApplier {
  /** What was made, in order, for destroy(). */
  private readonly made: Made[] = [];
  readonly imageSizes = new Map<string, number>();

  constructor(
    private readonly docker: Dockerode,
    private readonly plan: Plan,
    private readonly log: Log,
  ) {}

  async apply(): Promise<void> {
    const custom = new Map(this.plan.resources.filter((r) => r.custom).map((r) => [r.urn, r]));
    const done = new Map<string, Promise<void>>();
    const run = (resource: PlannedResource): Promise<void> => {
      let promise = done.get(resource.urn);
      if (!promise) {
        const deps = resource.dependsOn.flatMap((urn) => {
          const dep = custom.get(urn);
          return dep ? [run(dep)] : [];
        });
        promise = Promise.all(deps).then(() => this.create(resource));
        done.set(resource.urn, promise);
      }
      return promise;
    };
    // allSettled first: a failure must not leave siblings running unnoticed while destroy() starts.
    const results = await Promise.allSettled([...custom.values()].map(run));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async destroy(): Promise<void> {
    for (const made of [...this.made].reverse()) {
      try {
        if (made.kind === 'container') await this.docker.getContainer(made.name).remove({ force: true });
        if (made.kind === 'network') await this.docker.getNetwork(made.name).remove();
        if (made.kind === 'volume') await this.docker.getVolume(made.name).remove();
        this.log(`removed ${made.kind} ${made.name}`);
      } catch (error) {
        this.log(`could not remove ${made.kind} ${made.name}: ${(error as Error).message}`);
      }
    }
    this.made.length = 0;
  }

  private async create(resource: PlannedResource): Promise<void> {
    const started = performance.now();
    switch (resource.type) {
      case DOCKER_TYPES.network: {
        const spec = networkSpec(resource);
        await this.docker.createNetwork(spec);
        this.made.push({ kind: 'network', name: spec.Name });
        break;
      }
      case DOCKER_TYPES.volume: {
        const spec = volumeSpec(resource);
        await this.docker.createVolume(spec);
        this.made.push({ kind: 'volume', name: spec.Name ?? resource.name });
        break;
      }
      case DOCKER_TYPES.remoteImage: {
        const name = remoteImageName(resource);
        await this.docker
          .getImage(name)
          .inspect()
          .catch(() => {
            throw new Error(`${name} is not on this engine and there is no registry to pull it from`);
          });
        break;
      }
      case DOCKER_TYPES.image:
        await this.build(resource);
        break;
      case DOCKER_TYPES.container:
        await this.run(resource);
        break;
      default:
        throw new UnsupportedInputError(
          `${resource.type} "${resource.name}" has no counterpart in infra/verify/engine.ts`,
        );
    }
    this.log(`${resource.type.split(':').pop()} ${resource.name}: done in ${seconds(started)}`);
  }

  private async build(resource: PlannedResource): Promise<void> {
    const spec = imageBuildSpec(resource);
    const size = await buildImage(this.docker, {
      context: spec.context,
      files: await contextFiles(spec.context),
      tag: spec.tag,
      dockerfile: spec.dockerfile,
      buildArgs: spec.buildArgs,
    });
    this.imageSizes.set(spec.tag, size);
  }

  private async run(resource: PlannedResource): Promise<void> {
    const spec = containerSpec(resource);
    const name = spec.create.name ?? resource.name;
    const container = await this.docker.createContainer(spec.create);
    this.made.push({ kind: 'container', name });
    for (const network of spec.extraNetworks) {
      await this.docker
        .getNetwork(network.name)
        .connect({ Container: name, EndpointConfig: { Aliases: network.aliases } });
    }
    await container.start();
    if (spec.healthyWithinS !== undefined) await waitHealthy(container, name, spec.healthyWithinS);
  }
}

export interface BuildOptions {
  context: string;
  /** Paths relative to the context; the context's .dockerignore still applies. */
  files: string[];
  tag: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  /** For RUN steps that need the network on an engine without a default bridge. */
  networkMode?: string;
}

/** Builds with the engine's own builder; resolves with the image's size in bytes. */
export async function buildImage(docker: Dockerode, options: BuildOptions): Promise<number> {
  const stream = await docker.buildImage(
    { context: options.context, src: options.files },
    {
      t: options.tag,
      dockerfile: options.dockerfile,
      buildargs: options.buildArgs,
      rm: true,
      forcerm: true,
      ...(options.networkMode ? { networkmode: options.networkMode } : {}),
    },
  );
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : resolve()),
      (event: { stream?: string; error?: string }) => {
        if (event.stream) output.push(event.stream);
        if (event.error) reject(new Error(`building ${options.tag}: ${event.error}\n${output.join('').slice(-2000)}`));
      },
    );
  });
  return (await docker.getImage(options.tag).inspect()).Size;
}

/** Resolves once Docker reports the container healthy; fails fast if it exits or turns unhealthy. */
export async function waitHealthy(container: Dockerode.Container, name: string, withinS: number): Promise<void> {
  const deadline = Date.now() + withinS * 1000;
  for (;;) {
    const { State } = await container.inspect();
    const health = State.Health?.Status;
    if (health === 'healthy') return;
    if (!State.Running || health === 'unhealthy' || Date.now() > deadline) {
      const probes = (State.Health?.Log ?? []).map((probe) => `  probe exit ${probe.ExitCode}: ${probe.Output.trim()}`);
      throw new Error(
        `${name} is ${State.Running ? (health ?? 'running') : State.Status} after ${withinS}s at most\n` +
          `${probes.join('\n')}\n--- last log lines ---\n${await lastLogLines(container)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The container's last log lines (stdout and stderr, as the engine multiplexes them without a TTY). */
export async function lastLogLines(container: Dockerode.Container, lines = 40): Promise<string> {
  return demultiplex((await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as Buffer);
}

/** The text of the engine's multiplexed stdout/stderr frames (an 8-byte header each, size at offset 4). */
export function demultiplex(raw: Buffer): string {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)}s`;
}
