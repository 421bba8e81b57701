/**
 * The deploy verification's steps on a Docker engine that .ci/deploy-verify.sh started and owns (DOCKER_HOST):
 * capture what the Pulumi program declares for the stack, build stand-ins for the public base images, apply
 * the plan with dockerode, check the running stack through its published 127.0.0.1 ports, then destroy it
 * and check that nothing is left. Prints each phase's duration and the images' sizes.
 *
 * Env: DOCKER_HOST (required), SNOOZE_STAND_IN_BASE (a local Debian image), SNOOZE_VERIFY_WORK (scratch
 * folder), SNOOZE_VERIFY_STACK (default dev).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import program from '../index.js';
import { capturePlan, resourcesOfType } from '../plan/capture.js';
import { lastLogLines, PlanApplier, seconds } from './engine.js';
import { DOCKER_TYPES } from './engine-spec.js';
import {
  coapRoundTrip,
  contractSuite,
  imagesAsBuilt,
  pendingSurvivesRedisRestart,
  replicasShareState,
  type Target,
} from './scenarios.js';
import { verificationConfig } from './stack-config.js';
import { buildStandIns } from './stand-ins.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through .ci/deploy-verify.sh (npm run test:deploy)`);
  return value;
}

const dockerHost = required('DOCKER_HOST');
const standInBase = required('SNOOZE_STAND_IN_BASE');
const workDir = required('SNOOZE_VERIFY_WORK');
const stack = process.env.SNOOZE_VERIFY_STACK || 'dev';

const log = (line: string): void => {
  process.stdout.write(`  ${line}\n`);
};
const durations: [string, string][] = [];
let passed = 0;

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  process.stdout.write(`\n-- ${name}\n`);
  const started = performance.now();
  const result = await work();
  durations.push([name, seconds(started)]);
  passed++;
  return result;
}

// A hung build or scenario fails the run instead of eating CI's time; the script's trap still cleans up.
const DEADLINE_MS = 20 * 60 * 1000;
setTimeout(() => {
  process.stderr.write(`deploy verification: still running after ${DEADLINE_MS / 60_000} minutes, giving up\n`);
  process.exit(1);
}, DEADLINE_MS).unref();

const docker = new Dockerode({ socketPath: dockerHost.replace(/^unix:\/\//, '') });

const settings = await verificationConfig(stack);
const plan = await phase(`capture: the program under mocks, stack ${stack}`, async () => {
  const captured = await capturePlan({
    project: 'snooze',
    stack,
    config: settings.config,
    secretKeys: settings.secretKeys,
    program,
  });
  // Secrets serialize as placeholders (plan/secret.ts): the file is safe to keep as a CI artefact.
  await writeFile(join(workDir, 'plan.json'), `${JSON.stringify(captured, null, 2)}\n`);
  for (const resource of captured.resources.filter((r) => r.custom)) log(`${resource.type}  ${resource.name}`);
  log(`plan: ${join(workDir, 'plan.json')}`);
  return captured;
});

const outputs = plan.outputs as { apiUrls: string[]; coapEndpoints: string[]; containers: string[] };
const target: Target = {
  apiUrls: outputs.apiUrls,
  coapPort: settings.coapPort,
  token: settings.token,
  projectId: settings.projectId,
};
const redisContainer = resourcesOfType(plan, DOCKER_TYPES.container).find((r) => r.parent?.includes('RedisStore'));
if (!redisContainer) throw new Error('the plan has no Redis container');

const applier = new PlanApplier(docker, plan, log);
const failures: unknown[] = [];

/** On a failure, what each container of the stack says about itself (service logs carry no credentials). */
async function describeContainers(): Promise<void> {
  for (const name of outputs.containers) {
    const container = docker.getContainer(name);
    const state = await container.inspect().then(
      ({ State }) => `${State.Status}${State.Health ? `, ${State.Health.Status}` : ''}`,
      () => 'not created',
    );
    process.stdout.write(`\n-- ${name}: ${state}\n`);
    if (state !== 'not created') process.stdout.write(await lastLogLines(container, 20));
  }
}

try {
  const standInSizes = await phase('stand-ins for the public base images', () =>
    buildStandIns(docker, plan, standInBase, workDir, log),
  );
  await phase('apply: network, volume, images, containers (healthy)', () => applier.apply());
  await phase('service images: non-root, own HEALTHCHECK, only the bundle', () => imagesAsBuilt(docker, plan, log));
  await phase('API replicas through their published ports', () => replicasShareState(target, log));
  await phase('contract suite against the published API', () => contractSuite(target, log));
  await phase('CoAP round trip through the published UDP port', () => coapRoundTrip(target, log));
  await phase('PENDING commands survive a Redis restart', () =>
    pendingSurvivesRedisRestart(target, docker, redisContainer.inputs.name as string, log),
  );
  process.stdout.write('\n-- image sizes\n');
  for (const [tag, size] of [...standInSizes, ...applier.imageSizes]) log(`${tag}: ${(size / 1e6).toFixed(1)} MB`);
} catch (error) {
  failures.push(error);
  await describeContainers().catch(() => undefined);
}
await phase('destroy, then nothing of the stack is left', async () => {
  await applier.destroy();
  const filters = JSON.stringify({ label: [`com.snooze.stack=${stack}`] });
  const left = [
    ...(await docker.listContainers({ all: true, filters })).map((c) => `container ${c.Names.join(',')}`),
    ...(await docker.listNetworks({ filters })).map((n) => `network ${n.Name}`),
    ...((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
  if (left.length > 0) throw new Error(`left behind: ${left.join(', ')}`);
}).catch((error: unknown) => failures.push(error));

process.stdout.write('\n-- durations\n');
for (const [name, took] of durations) log(`${took.padStart(7)}  ${name}`);
for (const failure of failures) {
  process.stderr.write(`\ndeploy verification failed: ${(failure as Error).stack ?? String(failure)}\n`);
}
process.stdout.write(`deploy: ${passed} passed, ${failures.length} failed\n`);
process.exit(failures.length > 0 ? 1 : 0);
