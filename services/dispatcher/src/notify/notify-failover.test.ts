import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from '@snooze/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_STATUSES, FAST, firstArrivals, NotifyHarness, pause, waitFor } from './testing/harness.js';
import { TestReceiver } from './testing/receiver.js';

const CHILD = fileURLToPath(new URL('./testing/forwarder-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Starts a forwarder replica in its own process; resolves once it holds all `partitions`. */
async function spawnForwarder(h: NotifyHarness, partitions: number, config: object): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL,
      KEY_PREFIX: h.keyPrefix,
      PARTITIONS: String(partitions),
      HOLDER_ID: 'doomed-replica',
      NOTIFY_CONFIG: JSON.stringify(config),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const all = Array.from({ length: partitions }, (_, p) => p).join(',');
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`holding ${all}\n`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`forwarder process exited early (${code})`)));
  });
  return child;
}

describe('forwarder failover', () => {
  let h: NotifyHarness;
  let child: ChildProcess | undefined;
  const receiver = new TestReceiver();
  afterEach(async () => {
    child?.kill('SIGKILL');
    await h.close();
    await receiver.stop();
  });

  // Generous waits: a child process, a lease expiry and 120 slow pushes on a 2-core machine other tests share.
  it('delivers everything a forwarder killed with SIGKILL mid-stream left behind, from another replica', {
    timeout: 60_000,
  }, async () => {
    h = new NotifyHarness('redis');
    await receiver.start();
    // A slow receiver and one push at a time per outbox: the killed replica is surely mid-stream.
    receiver.answer = async () => {
      await pause(15);
      return 200;
    };
    await h.activeAction('proj1', { httpForwarding: { url: receiver.url } });
    child = await spawnForwarder(h, 4, { ...FAST, concurrency: 1 });

    const devices = await h.addDevices('proj1', 30);
    const commands = await Promise.all(devices.map((d) => h.runCommand(d)));
    const total = commands.length * ALL_STATUSES.length;
    await waitFor(() => receiver.pushes.length >= 20, 15_000);
    const exited = new Promise((resolve) => child?.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = receiver.pushes.length;
    expect(atKill).toBeLessThan(total);

    receiver.answer = () => 200;
    const survivor = h.startForwarder();
    await waitFor(() => commands.every((id) => (receiver.statusesByCommand().get(id) ?? []).length >= 4), 30_000);
    expect(survivor.forwarder.partitions()).toEqual([0, 1, 2, 3]);

    // At least once: every event arrived; each device's first arrivals are in transition order.
    const byCommand = receiver.statusesByCommand();
    for (const id of commands) expect(firstArrivals(byCommand.get(id) ?? [])).toEqual(ALL_STATUSES);
    const ids = receiver.pushes.map((p) => String(p.headers['webhook-id']));
    expect(new Set(ids).size).toBe(total);
    console.info(`failover: ${atKill}/${total} delivered before SIGKILL, ${ids.length - total} duplicate pushes after`);
  });
});
