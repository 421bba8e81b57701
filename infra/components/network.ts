/** The stack's private network: the services find each other on it by name, nothing else shares it. */
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { type Labels, toDockerLabels } from './shared.js';

export interface SnoozeNetworkArgs {
  /** Docker's network name. */
  networkName: string;
  labels: Labels;
}

export class SnoozeNetwork extends pulumi.ComponentResource {
  readonly network: docker.Network;
  /** Docker's network name, for containers to join. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: SnoozeNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('snooze:infra:Network', name, {}, opts);
    this.network = new docker.Network(
      name,
      { name: args.networkName, driver: 'bridge', labels: toDockerLabels(args.labels) },
      { parent: this },
    );
    this.name = this.network.name;
    this.registerOutputs({ name: this.name });
  }
}
