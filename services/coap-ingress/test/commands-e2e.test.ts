/**
 * Commands end to end over real UDP sockets and real Redis: the dispatcher's HTTP API (commands, and a
 * routing rule whose HTTP action receives the `device.command.status` notifications), the ingress and
 * simulated LwM2M devices.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { delayCommand, GIVE_UP_MS, RESULT_TIMEOUT_MS, type Stack, sleep, startStack } from './harness.js';

interface Pushed {
  status: string;
  result?: unknown;
}

/** The application server of the routing rule: keeps the pushed statuses of each command, in order. */
async function startReceiver(): Promise<{ url: string; pushes: Map<string, Pushed[]>; server: Server }> {
  const pushes = new Map<string, Pushed[]>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(raw).notify_data.body as { command_id: string; status: string; result?: unknown };
      const list = pushes.get(body.command_id) ?? [];
      list.push({ status: body.status, result: body.result });
      pushes.set(body.command_id, list);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`, pushes, server };
}

describe('commands end to end (Redis, HTTP API)', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    stack = await startStack({ redis: true, http: true });
    await stack.startIngress();
    receiver = await startReceiver();
    const rule = await stack.api('POST', '/routing-rule/rules', {
      rule_name: 'command-status',
      subject: { resource: 'device.command.status', event: 'update' },
      app_type: 'GLOBAL',
    });
    const ruleId = String(rule.body.rule_id);
    await stack.api('POST', '/routing-rule/actions', {
      rule_id: ruleId,
      channel: 'HTTP_FORWARDING',
      channel_detail: { http_forwarding: { url: receiver.url } },
    });
    expect((await stack.api('PUT', `/routing-rule/rules/${ruleId}`, { active: true })).status).toBe(200);
    await sleep(50);
  });
  afterAll(async () => {
    await stack.close();
    receiver.server.close();
  });

  /** The statuses pushed for a command, once `last` has been pushed. */
  async function pushedStatuses(commandId: string, last: string): Promise<Pushed[]> {
    const deadline = Date.now() + 5_000;
    while (!(receiver.pushes.get(commandId) ?? []).some((p) => p.status === last)) {
      if (Date.now() > deadline) throw new Error(`no ${last} pushed for ${commandId}`);
      await sleep(10);
    }
    return receiver.pushes.get(commandId) ?? [];
  }

  it('create (delay) → device wakes → DELIVERED → SUCCESSFUL, result in ShowAsyncDeviceCommand', async () => {
    const device = await stack.provision('e2e-delay');
    const created = await stack.api('POST', `/devices/${device.deviceId}/async-commands`, {
      service_id: 'Switch',
      command_name: 'ON_OFF',
      paras: { value: 'ON' },
      send_strategy: 'delay',
    });
    expect(created.status).toBe(200);
    expect(created.body.status).toBe('PENDING');
    const ref = { projectId: 'proj-e2e', deviceId: device.deviceId, commandId: String(created.body.command_id) };
    const sim = await stack.device({ nodeId: 'e2e-delay', resultDelayMs: 100 });
    expect((await sim.register()).code).toBe('2.01');
    await stack.waitForStatus(ref, 'DELIVERED');
    await stack.waitForStatus(ref, 'SUCCESSFUL');
    const shown = await stack.api('GET', `/devices/${device.deviceId}/async-commands/${ref.commandId}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ status: 'SUCCESSFUL', result: { errcode: 0, body: { executed: 'ON_OFF' } } });
    expect(shown.body.delivered_time).toBeTruthy();
    expect(shown.body.response_time).toBeTruthy();
    expect(sim.commands[0]?.message).toMatchObject({
      service_id: 'Switch',
      command_name: 'ON_OFF',
      paras: { value: 'ON' },
    });
    const pushed = await pushedStatuses(ref.commandId, 'SUCCESSFUL');
    expect(pushed.map((p) => p.status)).toEqual(['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL']);
    expect(pushed.at(-1)?.result).toEqual({ errcode: 0, body: { executed: 'ON_OFF' } });
  });

  it('DELIVERED is recorded with the result of a device that answers at once, on its own for a late one', async () => {
    const markDelivered = vi.spyOn(stack.service, 'markDelivered');
    const markedFor = (commandId: string) => markDelivered.mock.calls.filter(([ref]) => ref.commandId === commandId);
    const quick = await stack.provision('e2e-quick');
    const quickRef = await stack.service.createCommand(delayCommand(quick.deviceId));
    await (await stack.device({ nodeId: 'e2e-quick' })).register();
    await stack.waitForStatus(quickRef, 'SUCCESSFUL');
    const answered = await stack.service.getCommand(quickRef);
    expect(answered.deliveredAt).toBeGreaterThanOrEqual(answered.sentAt ?? Infinity);
    expect(answered.respondedAt).toBeGreaterThanOrEqual(answered.deliveredAt ?? Infinity);
    expect((await pushedStatuses(quickRef.commandId, 'SUCCESSFUL')).map((p) => p.status)).toEqual([
      'PENDING',
      'SENT',
      'DELIVERED',
      'SUCCESSFUL',
    ]);
    expect(markedFor(quickRef.commandId)).toHaveLength(0);

    const slow = await stack.provision('e2e-slow');
    const slowRef = await stack.service.createCommand(delayCommand(slow.deviceId));
    await (await stack.device({ nodeId: 'e2e-slow', resultDelayMs: 500 })).register();
    await stack.waitForStatus(slowRef, 'DELIVERED');
    expect(markedFor(slowRef.commandId)).toHaveLength(1);
    await stack.waitForStatus(slowRef, 'SUCCESSFUL');
    markDelivered.mockRestore();
  });

  it("a registered device waking with an update gets its command from the update's own store round trip", async () => {
    const device = await stack.provision('e2e-update');
    const sim = await stack.device({ nodeId: 'e2e-update', binding: 'UQ' });
    await sim.register();
    await sleep(100);
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const takeNext = vi.spyOn(stack.service, 'takeNext');
    expect((await sim.update()).code).toBe('2.04');
    await stack.waitForStatus(ref, 'SUCCESSFUL');
    expect(sim.commands).toHaveLength(1);
    expect(takeNext).not.toHaveBeenCalled();
    takeNext.mockRestore();
  });

  it("a device registering for the first time gets its command from the registration's own store round trip", async () => {
    const device = await stack.provision('e2e-first');
    await stack.service.createCommand(delayCommand(device.deviceId, { seq: 0 }));
    const second = await stack.service.createCommand(delayCommand(device.deviceId, { seq: 1 }));
    const takeNext = vi.spyOn(stack.service, 'takeNext');
    const sim = await stack.device({ nodeId: 'e2e-first', binding: 'UQ' });
    expect((await sim.register()).code).toBe('2.01');
    await stack.waitForStatus(second, 'SUCCESSFUL');
    expect(sim.commands.map((c) => (c.message as { paras: { seq: number } }).paras.seq)).toEqual([0, 1]);
    expect(takeNext).not.toHaveBeenCalled();
    takeNext.mockRestore();
  });

  it('immediate: reaches an awake device within milliseconds', async () => {
    const device = await stack.provision('e2e-awake');
    const sim = await stack.device({ nodeId: 'e2e-awake' });
    await sim.register();
    const started = performance.now();
    const created = await stack.api('POST', `/devices/${device.deviceId}/async-commands`, {
      paras: { value: 'OFF' },
      send_strategy: 'immediately',
    });
    expect(created.body.status).toBe('SENT');
    await sim.waitForCommands(1);
    expect(performance.now() - started).toBeLessThan(200);
    const ref = { projectId: 'proj-e2e', deviceId: device.deviceId, commandId: String(created.body.command_id) };
    await stack.waitForStatus(ref, 'SUCCESSFUL');
  });

  it('immediate: an asleep or unregistered device gets FAILED at once', async () => {
    const asleep = await stack.provision('e2e-asleep');
    const never = await stack.api('POST', `/devices/${asleep.deviceId}/async-commands`, {
      paras: { value: 'OFF' },
      send_strategy: 'immediately',
    });
    expect(never.body.status).toBe('FAILED');
    const sim = await stack.device({ nodeId: 'e2e-asleep' });
    await sim.register();
    expect((await sim.deregister()).code).toBe('2.02');
    const gone = await stack.api('POST', `/devices/${asleep.deviceId}/async-commands`, {
      paras: { value: 'OFF' },
      send_strategy: 'immediately',
    });
    expect(gone.body.status).toBe('FAILED');
    expect(sim.commands).toHaveLength(0);
  });

  it('drains 20 cached commands one at a time, in creation order', async () => {
    const device = await stack.provision('e2e-twenty');
    const refs = [];
    for (let i = 0; i < 20; i++)
      refs.push(await stack.service.createCommand(delayCommand(device.deviceId, { seq: i })));
    const sim = await stack.device({ nodeId: 'e2e-twenty', resultDelayMs: 5 });
    let inFlight = 0;
    let maxInFlight = 0;
    sim.on('command', () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
    });
    sim.on('answered', () => inFlight--);
    await sim.register();
    const received = await sim.waitForCommands(20, 10_000);
    expect(received.map((c) => (c.message as { paras: { seq: number } }).paras.seq)).toEqual([...Array(20).keys()]);
    expect(maxInFlight).toBe(1);
    for (const ref of refs) await stack.waitForStatus(ref, 'SUCCESSFUL');
  });

  it('a device that never acknowledges: CoAP retransmits, then TIMEOUT', async () => {
    const device = await stack.provision('e2e-never-ack');
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const sim = await stack.device({ nodeId: 'e2e-never-ack', behaviour: 'never-ack' });
    await sim.register();
    await stack.waitForStatus(ref, 'TIMEOUT', GIVE_UP_MS + 2_000);
    // The first transmission and MAX_RETRANSMIT (2) retransmissions.
    expect(sim.writeMids).toHaveLength(3);
    expect(new Set(sim.writeMids).size).toBe(1);
    expect((await pushedStatuses(ref.commandId, 'TIMEOUT')).map((p) => p.status)).toEqual([
      'PENDING',
      'SENT',
      'TIMEOUT',
    ]);
  });

  it('a device that acknowledges but never answers: DELIVERED, then TIMEOUT', async () => {
    const device = await stack.provision('e2e-no-result');
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const next = await stack.service.createCommand(delayCommand(device.deviceId, { second: true }));
    const sim = await stack.device({ nodeId: 'e2e-no-result', behaviour: 'ack-no-result' });
    await sim.register();
    await stack.waitForStatus(ref, 'DELIVERED');
    await stack.waitForStatus(ref, 'TIMEOUT', RESULT_TIMEOUT_MS + 2_000);
    const pushed = await pushedStatuses(ref.commandId, 'TIMEOUT');
    expect(pushed.map((p) => p.status)).toEqual(['PENDING', 'SENT', 'DELIVERED', 'TIMEOUT']);
    // The queue moves on after the timeout.
    await stack.waitForStatus(next, 'DELIVERED');
  });

  it('a result that arrives as the first message of the observation is not mistaken for its answer', async () => {
    const device = await stack.provision('e2e-first-notify');
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const sim = await stack.device({ nodeId: 'e2e-first-notify', deferObserveAnswer: true });
    await sim.register();
    expect((await stack.waitForStatus(ref, 'SUCCESSFUL')).result).toMatchObject({ errcode: 0 });
  });

  it('a device that reports an error code: FAILED with its result', async () => {
    const device = await stack.provision('e2e-fail');
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const sim = await stack.device({ nodeId: 'e2e-fail', behaviour: 'fail', errcode: 7 });
    await sim.register();
    const failed = await stack.waitForStatus(ref, 'FAILED');
    expect(failed.result).toEqual({ errcode: 7, body: { executed: 'ON_OFF' } });
  });

  it('a device that rejects the write (4.00): FAILED with the CoAP code', async () => {
    const device = await stack.provision('e2e-reject');
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const sim = await stack.device({ nodeId: 'e2e-reject', behaviour: 'reject' });
    await sim.register();
    const failed = await stack.waitForStatus(ref, 'FAILED');
    expect(failed.result).toEqual({ code: '4.00' });
  });

  it('a command that expired while the device slept never goes out', async () => {
    const device = await stack.provision('e2e-expiry');
    const expired = await stack.service.createCommand(
      delayCommand(device.deviceId, { stale: true }, { expireTime: 1 }),
    );
    const fresh = await stack.service.createCommand(delayCommand(device.deviceId, { stale: false }));
    await sleep(1_100);
    const sim = await stack.device({ nodeId: 'e2e-expiry' });
    await sim.register();
    await stack.waitForStatus(fresh, 'SUCCESSFUL');
    expect((await stack.service.getCommand(expired)).status).toBe('EXPIRED');
    expect(sim.commands.map((c) => c.message?.paras)).toEqual([{ stale: false }]);
  });

  it('uplink data wakes the queue of a registered device', async () => {
    const device = await stack.provision('e2e-uplink');
    const sim = await stack.device({ nodeId: 'e2e-uplink' });
    await sim.register();
    await sleep(50);
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    await sleep(100);
    expect(sim.commands).toHaveLength(0);
    sim.sendData({ temperature: 21.5 });
    await stack.waitForStatus(ref, 'SUCCESSFUL');
  });

  it('NAT rebinding: an update from a new port moves delivery there', async () => {
    const device = await stack.provision('e2e-nat');
    const sim = await stack.device({ nodeId: 'e2e-nat' });
    await sim.register();
    const oldPort = sim.localPort;
    await sim.rebind();
    expect(sim.localPort).not.toBe(oldPort);
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    expect((await sim.update()).code).toBe('2.04');
    await stack.waitForStatus(ref, 'SUCCESSFUL');
    expect(sim.commands).toHaveLength(1);
  });

  it('a device that re-registers from a new port mid-delivery gets the write there, once', async () => {
    const device = await stack.provision('e2e-moved');
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const sim = await stack.device({ nodeId: 'e2e-moved', behaviour: 'never-ack' });
    await sim.register();
    while (sim.writeMids.length === 0) await sleep(5);
    await sim.rebind();
    sim.setBehaviour('normal');
    expect((await sim.register()).code).toBe('2.01');
    await stack.waitForStatus(ref, 'SUCCESSFUL', 500);
    expect(sim.commands).toHaveLength(1);
    expect(sim.commands[0]?.mid).toBe(sim.writeMids[0]);
  });
});
