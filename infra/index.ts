/**
 * The Pulumi program (Pulumi.yaml's `main`): Pulumi calls the default export and publishes what it returns
 * as the stack outputs. Everything lives in stack.ts so tests and the deploy verification run the same code.
 */
import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig, pulumiConfigReader } from './config.js';
import { createSnooze, type SnoozeOutputs } from './stack.js';

export default function snooze(): SnoozeOutputs {
  return createSnooze(loadStackConfig(pulumiConfigReader(), pulumi.getStack()));
}
