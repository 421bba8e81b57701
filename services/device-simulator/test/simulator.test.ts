/**
 * The simulator against a real ingress (embedded store): a fleet run, and the CLI provisioning through
 * the dispatcher's HTTP API.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startIngress } from '@snooze/coap-ingress';
import { openRuntime } from '@snooze/core';
import { createLogger, startDispatcher } from '@snooze/dispatcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleet, SimulatedDevice, summarize } from '../src/index.js';

const run = promisify(execFile);
const logger = createLogger('silent');
const PROJECT = 'sim-test';

describe('device simulator', () => {
  const runtime = openRuntime({ partitions: 4 });
  let dispatcher: Awaited<ReturnType<typeof startDispatcher>>;
  let ingress: Awaited<ReturnType<typeof startIngress>>;
  beforeAll(async () => {
    dispatcher = await startDispatcher({ runtime, config: { port: 0, apiTokens: `tok:${PROJECT}` }, logger });
    ingress = await startIngress({
      runtime,
      service: dispatcher.service,
      logger,
      config: {
        port: 0,
        timing: { ackTimeoutMs: 200, ackRandomFactor: 1, maxRetransmit: 2 },
        metricsPort: 0,
      },
    });
  });
  afterAll(async () => {
    await ingress.close();
    await dispatcher.close();
    await runtime.close();
  });

  it('runs a fleet: every device wakes, gets its command and answers', async () => {
    const devices = 20;
    for (let i = 0; i < devices; i++) {
      const device = await dispatcher.service.addDevice({ projectId: PROJECT, nodeId: `fleet-${i}`, productId: 'p' });
      await dispatcher.service.createCommand({
        projectId: PROJECT,
        deviceId: device.deviceId,
        paras: { i },
        sendStrategy: 'delay',
      });
    }
    const progress: number[] = [];
    const report = await runFleet({
      devices,
      host: '127.0.0.1',
      port: ingress.port,
      nodePrefix: 'fleet-',
      rate: 200,
      commandsPerDevice: 1,
      drainMs: 5_000,
      progressEveryMs: 20,
      onProgress: (p) => progress.push(p.answered),
    });
    expect(report).toMatchObject({
      devices,
      registered: devices,
      retried: 0,
      commands: devices,
      answered: devices,
      failures: 0,
    });
    expect(report.wakeToCommandMs.count).toBe(devices);
    expect(report.roundTripsPerSecond).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('wakes a registered fleet with registration updates, its commands cached while it slept', async () => {
    const devices = 10;
    const ids: string[] = [];
    for (let i = 0; i < devices; i++) {
      ids.push(
        (await dispatcher.service.addDevice({ projectId: PROJECT, nodeId: `upd-${i}`, productId: 'p' })).deviceId,
      );
    }
    let cachedAt = 0;
    const report = await runFleet({
      devices,
      host: '127.0.0.1',
      port: ingress.port,
      nodePrefix: 'upd-',
      rate: 200,
      wakeWith: 'update',
      beforeWake: async () => {
        for (const deviceId of ids) {
          await dispatcher.service.createCommand({ projectId: PROJECT, deviceId, paras: {}, sendStrategy: 'delay' });
        }
        cachedAt = performance.now();
      },
      commandsPerDevice: 1,
      drainMs: 5_000,
      device: { binding: 'UQ' },
    });
    expect(report).toMatchObject({ devices, registered: devices, updated: devices, answered: devices, failures: 0 });
    // Measured from the updates, which all came after the commands were cached.
    expect(cachedAt).toBeGreaterThan(0);
    expect(report.wakeToCommandMs.count).toBe(devices);
    expect(report.wakeToCommandMs.max).toBeLessThan(report.durationMs);
  });

  it('reports registration failures (an unprovisioned fleet)', async () => {
    const report = await runFleet({
      devices: 3,
      host: '127.0.0.1',
      port: ingress.port,
      nodePrefix: 'nobody-',
      rate: 100,
      commandsPerDevice: 0,
      drainMs: 100,
    });
    expect(report.failures).toBe(3);
    expect(report.registered).toBe(0);
  });

  it('the CLI provisions through the HTTP API, wakes the fleet and prints a summary', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'services/device-simulator/src/cli.ts',
        ...[
          '--devices',
          '5',
          '--port',
          String(ingress.port),
          '--node-prefix',
          'cli-',
          '--rate',
          '100',
          '--commands',
          '2',
        ],
        ...[
          '--provision',
          dispatcher.url,
          '--token',
          'tok',
          '--project',
          PROJECT,
          '--product',
          'cli-product',
          '--json',
        ],
      ],
      { timeout: 30_000 },
    );
    expect(stderr).toMatch(/provisioned 5 devices/);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(report).toMatchObject({ devices: 5, registered: 5, commands: 10, answered: 10, failures: 0 });
  });

  it('the CLI in update mode holds the registered fleet until told to wake it', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'services/device-simulator/src/cli.ts',
        ...['--devices', '4', '--port', String(ingress.port), '--node-prefix', 'hold-', '--rate', '100'],
        ...['--wake', 'update', '--hold', '--binding', 'UQ', '--provision', dispatcher.url, '--token', 'tok'],
        ...['--project', PROJECT, '--product', 'hold-product', '--json'],
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    let out = '';
    const registered = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.startsWith('registered\n')) resolve();
      }),
    );
    await registered;
    // Held: registered, its commands cached (--provision), none delivered yet.
    for (let i = 0; i < 4; i++) {
      const ref = { projectId: PROJECT, deviceId: `hold-product_hold-${i}` };
      const queue = await dispatcher.service.listQueue(ref, {}, { limit: 10, offset: 0 });
      expect(queue.items.map((c) => c.status)).toEqual(['PENDING']);
    }
    child.stdin.write('\n');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const report = JSON.parse(out.trim().split('\n').at(-1) as string);
    expect(report).toMatchObject({ devices: 4, registered: 4, updated: 4, commands: 4, answered: 4, failures: 0 });
  });

  it('a device can re-register with a new lifetime and binding', async () => {
    await dispatcher.service.addDevice({ projectId: PROJECT, nodeId: 'single', productId: 'p' });
    const device = await SimulatedDevice.open({ nodeId: 'single', host: '127.0.0.1', port: ingress.port });
    expect((await device.register()).code).toBe('2.01');
    expect((await device.update({ lifetimeS: 600, binding: 'UQ' })).code).toBe('2.04');
    expect((await device.deregister()).code).toBe('2.02');
    expect((await device.update()).code).toBe('4.04');
    await device.close();
  });
});

describe('latency summary', () => {
  it('uses nearest-rank percentiles', () => {
    const summary = summarize([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
    expect(summary).toMatchObject({ count: 10, p50: 5, p90: 9, p99: 10, max: 10, mean: 5.5 });
    expect(summarize([])).toMatchObject({ count: 0, p50: 0, p99: 0, max: 0 });
  });
});
