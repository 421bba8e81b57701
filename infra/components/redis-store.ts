/**
 * Redis, the services' shared state: every command, registration and event. Append-only file on a named
 * volume, so PENDING commands outlive a restart of the container or of the host; RDB snapshots are off so
 * the AOF is the one source a restart reloads from.
 */
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { containerBasics, FIXED_NAME, type Labels, toDockerLabels } from './shared.js';

export interface RedisStoreArgs {
  /** Image reference, pulled if the host lacks it (the official `redis:7` by default). */
  image: string;
  /** Prefix of the container and volume names. */
  namePrefix: string;
  network: pulumi.Input<string>;
  labels: Labels;
}

/** The name the services reach Redis by on the stack's network. */
export const REDIS_ALIAS = 'redis';
const REDIS_PORT = 6379;
const DATA_DIR = '/data';

export const REDIS_COMMAND = [
  'redis-server',
  '--appendonly',
  'yes',
  // At most one second of writes lost on a power cut; a clean stop flushes everything.
  '--appendfsync',
  'everysec',
  '--save',
  '',
  '--dir',
  DATA_DIR,
  // Only the stack's own network reaches this port (it is not published), the same stance the official
  // image takes by default; said here so any Redis image behaves alike.
  '--protected-mode',
  'no',
];

export class RedisStore extends pulumi.ComponentResource {
  readonly image: docker.RemoteImage;
  readonly volume: docker.Volume;
  readonly container: docker.Container;
  /** REDIS_URL for the services on the stack's network. */
  readonly url: string = `redis://${REDIS_ALIAS}:${REDIS_PORT}`;

  constructor(name: string, args: RedisStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super('snooze:infra:RedisStore', name, {}, opts);
    // Kept on `pulumi destroy`: other stacks on the host may run the same image.
    this.image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });
    this.volume = new docker.Volume(
      `${name}-data`,
      { name: `${args.namePrefix}-redis-data`, labels: toDockerLabels(args.labels) },
      { parent: this },
    );
    this.container = new docker.Container(
      name,
      {
        name: `${args.namePrefix}-redis`,
        image: this.image.imageId,
        command: REDIS_COMMAND,
        volumes: [{ volumeName: this.volume.name, containerPath: DATA_DIR }],
        networksAdvanced: [{ name: args.network, aliases: [REDIS_ALIAS] }],
        healthcheck: {
          // PING answers -LOADING while the AOF is replayed: healthy means it answers PONG.
          tests: ['CMD-SHELL', 'redis-cli ping | grep -q PONG'],
          interval: '5s',
          timeout: '3s',
          startPeriod: '10s',
          retries: 5,
        },
        ...containerBasics(args.labels),
      },
      { ...FIXED_NAME, parent: this },
    );
    this.registerOutputs({ url: this.url, container: this.container.name, volume: this.volume.name });
  }
}
