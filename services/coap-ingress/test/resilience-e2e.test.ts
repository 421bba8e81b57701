/**
 * What goes wrong in the field, end to end on real UDP and Redis: an ingress restarted mid-delivery,
 * several replicas, expiry with no sweeper, duplicates, malformed datagrams, observations that must go,
 * queue mode.
 */
import { CommandService } from '@snooze/core';
import { afterEach, describe, expect, it } from 'vitest';
import { delayCommand, PROJECT, type Stack, sleep, startStack } from './harness.js';
import { codeOf, encode, OPTION, rawSocket } from './raw-coap.js';

async function counter(metric: { get(): Promise<{ values: { value: number; labels: object }[] }> }, labels = {}) {
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('resilience (Redis)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('an ingress restarted mid-delivery loses no command (SENT: written again with its mid)', async () => {
    stack = await startStack({ redis: true });
    const first = await stack.startIngress();
    const device = await stack.provision('restart-sent');
    const one = await stack.service.createCommand(delayCommand(device.deviceId, { n: 1 }));
    const two = await stack.service.createCommand(delayCommand(device.deviceId, { n: 2 }));
    const sim = await stack.device({ nodeId: 'restart-sent', behaviour: 'never-ack' }, first);
    await sim.register();
    await until(() => sim.writeMids.length > 0);
    await first.close();
    expect((await stack.service.getCommand(one)).status).toBe('SENT');
    const second = await stack.startIngress();
    sim.setBehaviour('normal');
    sim.retarget(second.port);
    expect((await sim.register()).code).toBe('2.01');
    await stack.waitForStatus(one, 'SUCCESSFUL');
    await stack.waitForStatus(two, 'SUCCESSFUL');
    // The repeat carried the first write's mid; each command ran once, in order.
    expect(sim.commands.map((c) => c.message?.paras)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(sim.commands[0]?.mid).toBe(sim.writeMids[0]);
  });

  it('an ingress restarted while the device executes loses no result (DELIVERED: the device repeats it)', async () => {
    stack = await startStack({ redis: true });
    const first = await stack.startIngress();
    const device = await stack.provision('restart-delivered');
    const ref = await stack.service.createCommand(delayCommand(device.deviceId));
    const sim = await stack.device({ nodeId: 'restart-delivered', resultDelayMs: 300 }, first);
    await sim.register();
    await stack.waitForStatus(ref, 'DELIVERED');
    await first.close();
    await sleep(400);
    // The result went to the stopped replica's port and was lost.
    expect((await stack.service.getCommand(ref)).status).toBe('DELIVERED');
    const second = await stack.startIngress();
    sim.retarget(second.port);
    await sim.register();
    const done = await stack.waitForStatus(ref, 'SUCCESSFUL');
    expect(done.result).toEqual({ errcode: 0, body: { executed: 'ON_OFF' } });
    expect(sim.commands).toHaveLength(1);
  });

  it('two replicas: an immediate command reaches the device through the replica holding it', async () => {
    stack = await startStack({ redis: true });
    const a = await stack.startIngress();
    const b = await stack.startIngress();
    const device = await stack.provision('two-replicas');
    const sim = await stack.device({ nodeId: 'two-replicas' }, a);
    await sim.register();
    if (stack.runtime.mode !== 'redis') throw new Error('redis expected');
    expect(await stack.runtime.delivery.ingressOf(device)).toBe(a.ingressId);
    const command = await stack.service.createCommand({
      ...delayCommand(device.deviceId),
      sendStrategy: 'immediately',
    });
    expect(command.status).toBe('SENT');
    await stack.waitForStatus(command, 'SUCCESSFUL');
    expect(await counter(a.metrics.commandsSent, { reason: 'immediate' })).toBe(1);
    expect(await counter(b.metrics.commandsSent)).toBe(0);
  });

  it('expiry is checked at dequeue, with no sweeper running', async () => {
    stack = await startStack({ redis: true, sweeper: false });
    const ingress = await stack.startIngress();
    const device = await stack.provision('expiry-dequeue');
    const stale = await stack.service.createCommand(delayCommand(device.deviceId, { stale: true }, { expireTime: 1 }));
    await sleep(1_100);
    expect((await stack.service.getCommand(stale)).status).toBe('PENDING');
    const sim = await stack.device({ nodeId: 'expiry-dequeue' });
    await sim.register();
    await stack.waitForStatus(stale, 'EXPIRED');
    await until(async () => (await counter(ingress.metrics.expiredAtDequeue)) === 1);
    expect(await stack.statusTrail(stale)).toEqual(['PENDING', 'EXPIRED']);
    expect(sim.commands).toHaveLength(0);
  });

  it('a result takes the next command with it: expiry at dequeue there too, one event per status', async () => {
    stack = await startStack({ redis: true, sweeper: false, resultTimeoutMs: 5_000 });
    const ingress = await stack.startIngress();
    const device = await stack.provision('result-takes-next');
    const first = await stack.service.createCommand(delayCommand(device.deviceId, { n: 1 }));
    const stale = await stack.service.createCommand(delayCommand(device.deviceId, { n: 2 }, { expireTime: 1 }));
    const last = await stack.service.createCommand(delayCommand(device.deviceId, { n: 3 }));
    // The first result comes after the second command expired: the take that goes with it expires that one.
    const sim = await stack.device({ nodeId: 'result-takes-next', resultDelayMs: 1_200 });
    await sim.register();
    await stack.waitForStatus(last, 'SUCCESSFUL', 6_000);
    expect(sim.commands.map((c) => (c.message as { paras: { n: number } }).paras.n)).toEqual([1, 3]);
    const delivered = ['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL'];
    expect(await stack.statusTrail(first)).toEqual(delivered);
    expect(await stack.statusTrail(stale)).toEqual(['PENDING', 'EXPIRED']);
    expect(await stack.statusTrail(last)).toEqual(delivered);
    expect(await counter(ingress.metrics.expiredAtDequeue)).toBe(1);
    expect(await counter(ingress.metrics.commandsSent, { reason: 'wake' })).toBe(2);
  });

  it('a cached node id whose device is gone: the registration checks the device in the store', async () => {
    stack = await startStack({ redis: true });
    await stack.startIngress({ deviceCacheMs: 60_000 });
    const gone = await stack.provision('cached-node');
    const sim = await stack.device({ nodeId: 'cached-node' });
    expect((await sim.register()).code).toBe('2.01');
    // Deleted and provisioned again under another device id: the cached answer is refused by the store,
    // the node id is looked up afresh at once, and the new device gets its command.
    await stack.service.deleteDevice(gone);
    const again = await stack.service.addDevice({
      projectId: PROJECT,
      nodeId: 'cached-node',
      productId: 'prod-e2e',
      deviceId: 'cached-node-2',
    });
    const ref = await stack.service.createCommand(delayCommand(again.deviceId));
    expect((await sim.register()).code).toBe('2.01');
    await stack.waitForStatus(ref, 'SUCCESSFUL');
    // Deleted for good: a cached answer no longer registers anything.
    await stack.service.deleteDevice(again);
    expect((await sim.register()).code).toBe('4.03');
  });

  it('an immediate command handed off twice at once is written once', async () => {
    stack = await startStack({ redis: true });
    await stack.startIngress();
    const device = await stack.provision('handoff-twice');
    const sim = await stack.device({ nodeId: 'handoff-twice' });
    await sim.register();
    await until(() => sim.observed);
    // SENT without its hand-off yet, so that both hand-offs below reach the ingress together: the second
    // (a retry, a duplicated message) arrives while the first waits for its mid.
    const withheld = new CommandService({
      store: stack.runtime.store,
      delivery: { isAwake: async () => true, handOff: async () => {} },
    });
    const command = await withheld.createCommand({ ...delayCommand(device.deviceId), sendStrategy: 'immediately' });
    await Promise.all([stack.runtime.delivery.handOff(command), stack.runtime.delivery.handOff(command)]);
    await stack.waitForStatus(command, 'SUCCESSFUL');
    await sleep(100);
    expect(sim.writeMids).toHaveLength(1);
  });

  it('a command too large for one CoAP message fails at once and does not hold up the queue', async () => {
    stack = await startStack({ redis: true });
    await stack.startIngress();
    const device = await stack.provision('too-large');
    const large = await stack.service.createCommand(delayCommand(device.deviceId, { blob: 'x'.repeat(2_000) }));
    const next = await stack.service.createCommand(delayCommand(device.deviceId, { n: 2 }));
    const sim = await stack.device({ nodeId: 'too-large' });
    await sim.register();
    const failed = await stack.waitForStatus(large, 'FAILED');
    expect(failed.result).toMatchObject({ error: 'TOO_LARGE' });
    await stack.waitForStatus(next, 'SUCCESSFUL');
    expect(sim.commands.map((c) => c.message?.paras)).toEqual([{ n: 2 }]);
  });

  it('a duplicated CON (same message id) is processed once', async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress();
    await stack.provision('dup-con');
    const raw = await rawSocket();
    const register = encode({
      code: '0.02',
      messageId: 0x1234,
      token: Buffer.of(1, 2),
      options: [
        [OPTION.uriPath, 'rd'],
        [OPTION.uriQuery, 'ep=dup-con'],
        [OPTION.uriQuery, 'lt=60'],
      ],
    });
    raw.send(register, ingress.port);
    raw.send(register, ingress.port);
    await sleep(200);
    raw.send(register, ingress.port);
    await sleep(200);
    raw.close();
    expect(await counter(ingress.metrics.registrations, { op: 'register' })).toBe(1);
    const answers = raw.received.filter((d) => codeOf(d) === '2.01');
    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(new Set(answers.map((d) => d.toString('hex'))).size).toBe(1);
    // One registration, so one observe request (retransmitted: nobody acknowledges it here).
    const observes = raw.received.filter((d) => codeOf(d) === '0.01').map((d) => d.readUInt16BE(2));
    expect(new Set(observes).size).toBe(1);
  });

  it('a request slower than the piggy-back window: empty ACK, then a separate response, handled once', async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress({ piggybackMs: 0 });
    await stack.provision('separate');
    const raw = await rawSocket();
    const register = encode({
      code: '0.02',
      messageId: 0x2345,
      token: Buffer.of(7, 7),
      options: [
        [OPTION.uriPath, 'rd'],
        [OPTION.uriQuery, 'ep=separate'],
      ],
    });
    raw.send(register, ingress.port);
    await sleep(200);
    // The device missed the ACK: its retransmission gets the same empty ACK, and is not handled again.
    raw.send(register, ingress.port);
    await sleep(200);
    raw.close();
    const types = (d: Buffer) => ((d[0] as number) >> 4) & 0x03;
    const acks = raw.received.filter((d) => types(d) === 2 && codeOf(d) === '0.00');
    expect(acks.map((d) => d.readUInt16BE(2))).toEqual([0x2345, 0x2345]);
    const separate = raw.received.filter((d) => types(d) === 0 && codeOf(d) === '2.01');
    expect(separate.length).toBeGreaterThanOrEqual(1);
    expect(separate[0]?.subarray(4, 6)).toEqual(Buffer.of(7, 7));
    expect(await counter(ingress.metrics.registrations, { op: 'register' })).toBe(1);
    // A device of our own simulator, which handles separate responses, registers as usual.
    await stack.provision('separate-sim');
    expect((await (await stack.device({ nodeId: 'separate-sim' })).register()).code).toBe('2.01');
  });

  it('malformed datagrams are dropped or reset, never crash the ingress', async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress();
    await stack.provision('after-garbage');
    const raw = await rawSocket();
    raw.send(Buffer.from('hello, not coap'), ingress.port);
    raw.send(Buffer.of(0x49, 0x02, 0x00, 0x07), ingress.port); // CON with token length 9: RST
    raw.send(Buffer.of(0x80, 0x02, 0x00, 0x08), ingress.port); // version 2: ignored
    raw.send(Buffer.of(0x40, 0x02, 0x00, 0x09, 0xff), ingress.port); // payload marker, no payload
    raw.send(Buffer.of(0x40, 0x02, 0x00, 0x0a, 0xe0, 0x01), ingress.port); // truncated extended option
    raw.send(Buffer.of(0x40), ingress.port);
    await sleep(200);
    raw.close();
    const resets = raw.received.filter((d) => (d[0] as number) >> 4 === 0x7);
    expect(resets.map((d) => d.readUInt16BE(2))).toContain(0x0007);
    expect(await counter(ingress.metrics.malformed)).toBeGreaterThanOrEqual(3);
    const sim = await stack.device({ nodeId: 'after-garbage' });
    expect((await sim.register()).code).toBe('2.01');
  });

  it('de-registration ends the observation; later notifications are refused', async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress();
    await stack.provision('obs-dereg');
    const sim = await stack.device({ nodeId: 'obs-dereg' });
    await sim.register();
    await until(() => sim.observed && ingress.stats().observations === 1);
    await sim.deregister({ keepObserver: true });
    expect(ingress.stats()).toEqual({ sessions: 0, observations: 0 });
    const before = await counter(ingress.metrics.uplinks);
    sim.sendData({ late: true });
    await sleep(100);
    expect(await counter(ingress.metrics.uplinks)).toBe(before);
  });

  it('the end of a registration lifetime ends observation, presence and registration', async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress();
    const device = await stack.provision('obs-lifetime');
    const sim = await stack.device({ nodeId: 'obs-lifetime', lifetimeS: 1 });
    await sim.register();
    await until(() => ingress.stats().observations === 1);
    expect(await stack.runtime.delivery.isAwake(device)).toBe(true);
    await until(() => ingress.stats().sessions === 0, 2_000);
    expect(ingress.stats().observations).toBe(0);
    expect(await stack.runtime.delivery.isAwake(device)).toBe(false);
    expect((await sim.update()).code).toBe('4.04');
  });

  it('queue mode (UQ): reachable only in the window after its own message', async () => {
    stack = await startStack({ redis: true });
    await stack.startIngress({ queueModeAwakeMs: 300 });
    const device = await stack.provision('queue-mode');
    const sim = await stack.device({ nodeId: 'queue-mode', binding: 'UQ' });
    await sim.register();
    const now = await stack.service.createCommand({ ...delayCommand(device.deviceId), sendStrategy: 'immediately' });
    await stack.waitForStatus(now, 'SUCCESSFUL');
    await sleep(400);
    const late = await stack.service.createCommand({ ...delayCommand(device.deviceId), sendStrategy: 'immediately' });
    expect(late.status).toBe('FAILED');
    const cached = await stack.service.createCommand(delayCommand(device.deviceId));
    await sleep(50);
    expect((await stack.service.getCommand(cached)).status).toBe('PENDING');
    sim.sendData({ meter: 42 });
    await stack.waitForStatus(cached, 'SUCCESSFUL');
  });

  it('queue mode (UQ): the store sees the device awake for the window after its last message', async () => {
    stack = await startStack({ redis: true });
    await stack.startIngress({ queueModeAwakeMs: 1_000 });
    const device = await stack.provision('queue-presence');
    const sim = await stack.device({ nodeId: 'queue-presence', binding: 'UQ' });
    await sim.register();
    await until(() => sim.observed);
    await sleep(500);
    sim.sendData({ meter: 1 });
    await sleep(700);
    // 1.2 s after the registration, 0.7 s after the data: inside the window the data opened.
    expect(await stack.runtime.delivery.isAwake(device)).toBe(true);
    await sleep(600);
    expect(await stack.runtime.delivery.isAwake(device)).toBe(false);
  });

  it("a notification whose message id equals one of the ingress's outstanding requests still arrives", async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress();
    await stack.provision('guard-a');
    await stack.provision('guard-b');
    const register = (ep: string) =>
      encode({
        code: '0.02',
        messageId: 1,
        token: Buffer.of(9),
        options: [
          [OPTION.uriPath, 'rd'],
          [OPTION.uriQuery, `ep=${ep}`],
        ],
      });
    const observeOf = async (raw: Awaited<ReturnType<typeof rawSocket>>) => {
      await until(() => raw.received.some((d) => codeOf(d) === '0.01'));
      const get = raw.received.find((d) => codeOf(d) === '0.01') as Buffer;
      const tokenLength = (get[0] as number) & 0x0f;
      return { messageId: get.readUInt16BE(2), token: get.subarray(4, 4 + tokenLength) };
    };
    // Device A never answers the observe: the ingress keeps that request outstanding.
    const a = await rawSocket();
    a.send(register('guard-a'), ingress.port);
    const outstanding = await observeOf(a);
    // Device B answers it, then notifies with A's request's message id (its own id space, by chance).
    const b = await rawSocket();
    b.send(register('guard-b'), ingress.port);
    const observe = await observeOf(b);
    b.send(
      encode({
        type: 2,
        code: '2.05',
        messageId: observe.messageId,
        token: observe.token,
        options: [[OPTION.observe, Buffer.of(1)]],
      }),
      ingress.port,
    );
    await sleep(20);
    b.send(
      encode({
        type: 1,
        code: '2.05',
        messageId: outstanding.messageId,
        token: observe.token,
        options: [
          [OPTION.observe, Buffer.of(2)],
          [OPTION.contentFormat, Buffer.of(50)],
        ],
        payload: '{"level":3}',
      }),
      ingress.port,
    );
    await until(async () => (await counter(ingress.metrics.uplinks, { kind: 'data' })) === 1);
    a.close();
    b.close();
  });

  it('a bad uplink payload is counted and ignored; the device keeps working', async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress();
    const device = await stack.provision('bad-uplink');
    const sim = await stack.device({ nodeId: 'bad-uplink' });
    await sim.register();
    await until(() => sim.observed);
    sim.notify(Buffer.from('{not json'), 50);
    sim.notify(Buffer.from('{}'), 42);
    await until(async () => (await counter(ingress.metrics.uplinks, { kind: 'invalid' })) === 2);
    const ref = await stack.service.createCommand({ ...delayCommand(device.deviceId), sendStrategy: 'immediately' });
    await stack.waitForStatus(ref, 'SUCCESSFUL');
    expect(ref.projectId).toBe(PROJECT);
  });
});
