/**
 * What the deployed stack must do, checked from this host through the ports it publishes on 127.0.0.1:
 * the API contract, state shared by the dispatcher replicas, a device's CoAP round trip, and PENDING
 * commands surviving a restart of Redis.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createSnoozeClient, type SnoozeClient } from '@snooze/client';
import { SimulatedDevice } from '@snooze/device-simulator';
import type Dockerode from 'dockerode';
import type { Plan } from '../plan/capture.js';
import { demultiplex, type Log, waitHealthy } from './engine.js';
import { DOCKER_TYPES, imageBuildSpec } from './engine-spec.js';

export interface Target {
  apiUrls: string[];
  coapPort: number;
  token: string;
  projectId: string;
}

const PRODUCT = 'deploy-verify';

function client(target: Target, replica = 0): SnoozeClient {
  const url = target.apiUrls[replica];
  if (!url) throw new Error(`no dispatcher replica ${replica}`);
  return createSnoozeClient(url, { token: target.token });
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function addDevice(api: SnoozeClient, projectId: string): Promise<{ deviceId: string; nodeId: string }> {
  const nodeId = `86${randomBytes(6).toString('hex')}`;
  const { data, error } = await api.POST('/v5/iot/{project_id}/devices', {
    params: { path: { project_id: projectId } },
    body: { node_id: nodeId, product_id: PRODUCT },
  });
  check(data, `AddDevice failed: ${JSON.stringify(error)}`);
  return { deviceId: data.device_id, nodeId };
}

async function cacheCommand(api: SnoozeClient, projectId: string, deviceId: string): Promise<string> {
  const { data, error } = await api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
    params: { path: { project_id: projectId, device_id: deviceId } },
    body: { service_id: 'Switch', command_name: 'SET', paras: { value: 'ON' }, send_strategy: 'delay' },
  });
  check(data, `CreateAsyncCommand failed: ${JSON.stringify(error)}`);
  check(data.status === 'PENDING', `a delayed command for a sleeping device is PENDING, got ${data.status}`);
  return data.command_id;
}

async function commandStatus(api: SnoozeClient, projectId: string, deviceId: string, commandId: string) {
  const { data, error } = await api.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands/{command_id}', {
    params: { path: { project_id: projectId, device_id: deviceId, command_id: commandId } },
  });
  check(data, `ShowAsyncDeviceCommand failed: ${JSON.stringify(error)}`);
  return data;
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function runCommand(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

/** The Dredd contract suite (contract-tests/) against the API as published. */
export async function contractSuite(target: Target, log: Log): Promise<void> {
  const url = target.apiUrls[0] ?? '';
  log(`npm run test:contract -- --url ${url}`);
  await runCommand('npm', ['run', 'test:contract', '--', '--url', url], {
    SNOOZE_URL: url,
    SNOOZE_TOKEN: target.token,
    SNOOZE_PROJECT_ID: target.projectId,
  });
}

/** Every replica answers on its published port, and what one replica stores the others read. */
export async function replicasShareState(target: Target, log: Log): Promise<void> {
  const { deviceId } = await addDevice(client(target, 0), target.projectId);
  for (let replica = 0; replica < target.apiUrls.length; replica++) {
    const ready = await fetch(`${target.apiUrls[replica]}/readyz`);
    check(ready.ok, `replica ${replica} /readyz answered ${ready.status}`);
    const { data } = await client(target, replica).GET('/v5/iot/{project_id}/devices/{device_id}', {
      params: { path: { project_id: target.projectId, device_id: deviceId } },
    });
    check(data?.device_id === deviceId, `replica ${replica} does not see the device created through replica 0`);
  }
  log(`${target.apiUrls.length} dispatcher replica(s) ready on their published ports, one shared store`);
}

/**
 * A sleeping device's command is cached (PENDING); the device wakes up over CoAP through the published UDP
 * port, registers, gets the command, answers; the API then reports the command SUCCESSFUL with the result.
 */
export async function coapRoundTrip(target: Target, log: Log): Promise<void> {
  const api = client(target, target.apiUrls.length - 1);
  const { deviceId, nodeId } = await addDevice(api, target.projectId);
  const commandId = await cacheCommand(api, target.projectId, deviceId);
  const device = await SimulatedDevice.open({ nodeId, host: '127.0.0.1', port: target.coapPort });
  try {
    const answer = await device.register();
    check(answer.code === '2.01', `registration answered ${answer.code}: ${answer.payload.toString()}`);
    const [command] = await device.waitForCommands(1, 15_000);
    check(command?.message?.command_name === 'SET', `the device got ${JSON.stringify(command?.message)}`);
    const done = await until('the command to be SUCCESSFUL', 15_000, async () => {
      const shown = await commandStatus(api, target.projectId, deviceId, commandId);
      return shown.status === 'SUCCESSFUL' ? shown : undefined;
    });
    log(`device ${nodeId}: registered, got command ${commandId}, answered; API shows ${done.status}`);
    await device.deregister();
  } finally {
    await device.close();
  }
}

/**
 * The service images as the Dockerfiles promise them: a HEALTHCHECK of their own, the `node` user, nothing in
 * /app but the bundle, and the running replicas' processes unprivileged.
 */
export async function imagesAsBuilt(docker: Dockerode, plan: Plan, log: Log): Promise<void> {
  for (const resource of plan.resources.filter((r) => r.type === DOCKER_TYPES.image)) {
    const { tag, context, dockerfile } = imageBuildSpec(resource);
    const image = await docker.getImage(tag).inspect();
    check(image.Config.User === 'node', `${tag} runs as "${image.Config.User}"`);
    check(image.Config.Healthcheck?.Test?.length, `${tag} has no HEALTHCHECK of its own`);
    const bundle = (await readdir(join(context, dirname(dockerfile), 'dist'))).sort();
    const replicas = plan.resources.filter((r) => r.type === DOCKER_TYPES.container && r.inputs.image === tag);
    for (const replica of replicas) {
      const container = docker.getContainer(replica.inputs.name as string);
      const app = (await exec(container, ['ls', '-A', '/app'])).split('\n').filter(Boolean).sort();
      check(JSON.stringify(app) === JSON.stringify(bundle), `${replica.name} /app holds ${app.join(' ')}`);
      const uid = (await exec(container, ['sh', '-c', 'stat -c %u /proc/1'])).trim();
      check(uid === '1000', `${replica.name} runs its process as uid ${uid}`);
    }
    log(
      `${tag}: user node, HEALTHCHECK, /app = the bundle (${bundle.length} entries), ${replicas.length} replica(s) as uid 1000`,
    );
  }
}

/** PENDING commands are in the AOF: they are all still there after Redis restarts. */
export async function pendingSurvivesRedisRestart(
  target: Target,
  docker: Dockerode,
  redisContainer: string,
  log: Log,
): Promise<void> {
  const api = client(target, 0);
  const { deviceId } = await addDevice(api, target.projectId);
  const commands = [
    await cacheCommand(api, target.projectId, deviceId),
    await cacheCommand(api, target.projectId, deviceId),
  ];
  const redis = docker.getContainer(redisContainer);
  const persistence = await exec(redis, ['redis-cli', 'INFO', 'persistence']);
  check(/aof_enabled:1/.test(persistence), 'Redis runs without the append-only file');
  check(/rdb_changes_since_last_save/.test(persistence), 'unexpected INFO persistence output');
  const before = (await redis.inspect()).State.StartedAt;
  await redis.restart({ t: 10 });
  check((await redis.inspect()).State.StartedAt !== before, 'the Redis container did not restart');
  await waitHealthy(redis, redisContainer, 60);
  await until('every dispatcher replica to be ready again', 30_000, async () => {
    const answers = await Promise.all(target.apiUrls.map((url) => fetch(`${url}/readyz`)));
    return answers.every((answer) => answer.ok) ? true : undefined;
  });
  for (const commandId of commands) {
    const shown = await commandStatus(api, target.projectId, deviceId, commandId);
    check(shown.status === 'PENDING', `command ${commandId} is ${shown.status} after the Redis restart`);
  }
  log(`Redis restarted (AOF on): ${commands.length} PENDING commands still PENDING, dispatchers ready again`);
}

async function exec(container: Dockerode.Container, cmd: string[]): Promise<string> {
  const run = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await run.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return demultiplex(Buffer.concat(chunks));
}
