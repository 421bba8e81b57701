/**
 * Runs the Pulumi program under Pulumi's mocks and records what it declares: every resource with its type,
 * name, parent, dependencies, options and inputs (Outputs resolved, secrets kept as `Secret`), and the stack
 * outputs as the engine would store them. The unit tests assert on this record; the deploy verification
 * applies it to a real Docker engine. Nothing here talks to Docker or to a Pulumi service.
 */
import * as pulumi from '@pulumi/pulumi';
import type {
  RegisterResourceOutputsRequest,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from '@pulumi/pulumi/proto/resource_pb.js';
import { Secret } from './secret.js';

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** false for ComponentResources (and the stack), which Docker never sees. */
  custom: boolean;
  parent?: string;
  /** URNs this resource waits for: explicit `dependsOn` and every Output it consumes. */
  dependsOn: string[];
  inputs: Record<string, unknown>;
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
}

export interface Plan {
  project: string;
  stack: string;
  /** In registration order, which respects dependencies. */
  resources: PlannedResource[];
  /** The stack outputs; secret ones hold a Secret. */
  outputs: Record<string, unknown>;
}

export interface CaptureOptions {
  project: string;
  stack: string;
  /** Stack config without namespace prefix handling: full keys such as `snooze:apiPort`. */
  config: Record<string, string>;
  /** Full keys of the config values that are secrets. */
  secretKeys?: string[];
  program: () => unknown;
}

/** What a provider would report back for a resource, so Outputs the program reads have values. */
function mockState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    // A local build's digest is the image ID; the tag names the same image, and is what the verification
    // builds, so containers that use `repoDigest` get the image the program built.
    case 'docker:index/image:Image':
      return { ...inputs, repoDigest: inputs.imageName, baseImageName: inputs.imageName };
    case 'docker:index/remoteImage:RemoteImage':
      return { ...inputs, imageId: inputs.name, repoDigest: inputs.name };
    default:
      return inputs;
  }
}

function fromRpc(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return new Secret(fromRpc(pulumi.runtime.unwrapRpcSecret(value)));
  if (Array.isArray(value)) return value.map(fromRpc);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fromRpc(inner)]));
  }
  return value;
}

function fromStruct(struct: Parameters<typeof pulumi.runtime.deserializeProperties>[0] | undefined) {
  return (struct ? fromRpc(pulumi.runtime.deserializeProperties(struct)) : {}) as Record<string, unknown>;
}

type Callback<T> = (error: Error | null, response?: T) => void;
interface MonitorCalls {
  registerResource(request: RegisterResourceRequest, callback: Callback<RegisterResourceResponse>): void;
  registerResourceOutputs(request: RegisterResourceOutputsRequest, callback: Callback<unknown>): void;
}

/** Runs `program` as the root of a mocked stack and returns what it declared. */
export async function capturePlan(options: CaptureOptions): Promise<Plan> {
  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => ({ id: `${name}-id`, state: mockState(type, inputs) }),
      call: ({ inputs }) => inputs,
    },
    options.project,
    options.stack,
    false,
  );
  pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorCalls;
  const resources: PlannedResource[] = [];
  let outputs: Record<string, unknown> = {};
  let inFlight = 0;

  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    inFlight++;
    registerResource(request, (error, response) => {
      inFlight--;
      if (!error && response) {
        resources.push({
          urn: response.getUrn(),
          type: request.getType(),
          name: request.getName(),
          custom: request.getCustom(),
          ...(request.getParent() ? { parent: request.getParent() } : {}),
          dependsOn: request.getDependenciesList(),
          inputs: fromStruct(request.getObject()),
          deleteBeforeReplace: request.getDeletebeforereplace(),
          additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
        });
      }
      callback(error, response);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request, callback) => {
    if (request.getUrn().includes('::pulumi:pulumi:Stack::')) {
      outputs = fromStruct(request.getOutputs());
    }
    registerOutputs(request, callback);
  };

  // A program that throws (invalid config) is reported as the program's error; left inside the stack it
  // would also surface as unhandled rejections from the SDK's own bookkeeping.
  let failure: { error: unknown } | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      return await options.program();
    } catch (error) {
      failure = { error };
      return {};
    }
  });
  // Registrations still on their way when the stack's outputs resolved.
  while (inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  if (failure) throw failure.error;
  return { project: options.project, stack: options.stack, resources, outputs };
}

/** The custom resources of one Pulumi type, e.g. `docker:index/container:Container`. */
export function resourcesOfType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((resource) => resource.type === type);
}
