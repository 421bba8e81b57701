import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceRef } from '../../src/model.js';
import { Forwarder, type ForwarderOptions } from '../../src/notifications/forwarder.js';
import type { DeadLettered, RetryScheduled } from '../../src/notifications/observer.js';
import { NotifyKeys } from '../../src/notifications/redis-keys.js';
import type { RedisStore } from '../../src/redis/store.js';
import { testRedis } from '../redis-helper.js';
import { pause, waitFor } from '../wait.js';
import { activeAction, type Kind, type NotifyEnv, notifyEnv } from './env.js';
import { FakePusher } from './fake-pusher.js';

const t = testRedis();
afterAll(() => t.cleanup());

const FAST = {
  leaseTtlMs: 1_000,
  blockMs: 50,
  targetsTtlMs: 0,
  backoffBaseMs: 10,
  backoffMaxMs: 40,
  retryHorizonMs: 10_000,
  errorDelayMs: 20,
} as const;

describe.each<Kind>(['memory', 'redis'])('Forwarder (%s)', (kind) => {
  let env: NotifyEnv;
  let pusher: FakePusher;
  const forwarders: Forwarder[] = [];
  const devices: DeviceRef[] = Array.from({ length: 6 }, (_, i) => ({ projectId: 'proj1', deviceId: `dev${i}` }));

  const start = (options: Partial<ForwarderOptions> = {}) => {
    const forwarder = new Forwarder({
      ...env.replica(),
      rules: env.rules,
      pushers: { HTTP_FORWARDING: pusher },
      ...FAST,
      ...options,
    });
    forwarders.push(forwarder);
    forwarder.start();
    return forwarder;
  };

  /** Each device's command through PENDING, SENT, DELIVERED, SUCCESSFUL. */
  const runCommands = async (refs: DeviceRef[] = devices): Promise<string[]> =>
    Promise.all(
      refs.map(async (ref) => {
        const command = await env.service.createCommand({ ...ref, paras: { v: 1 }, sendStrategy: 'delay' });
        await env.service.takeNext(ref);
        await env.service.markDelivered(command);
        await env.service.recordResult(command, true, { code: 0 });
        return command.commandId;
      }),
    );

  const statusesOf = (commandId: string, actionId?: string) =>
    pusher.received
      .filter((r) => r.body.notify_data.body.command_id === commandId && (!actionId || r.actionId === actionId))
      .map((r) => r.body.notify_data.body.status);

  beforeEach(async () => {
    env = notifyEnv(kind, t);
    pusher = new FakePusher();
    for (const [i, ref] of devices.entries()) {
      await env.service.addDevice({ ...ref, nodeId: `node-${kind}-${i}`, productId: 'prod' });
    }
  });
  afterEach(async () => {
    await Promise.all(forwarders.splice(0).map((f) => f.stop()));
    await env.close();
  });

  it('pushes every status of every command to every active action, in order per device', async () => {
    const first = await activeAction(env.rules, 'proj1');
    const second = await activeAction(env.rules, 'proj1');
    // Deliveries take a while and finish out of order: only the per-device order may be relied on.
    pusher.behave = async () => {
      await pause(Math.random() * 5);
      return { ok: true };
    };
    start();
    const commands = await runCommands();
    await waitFor(() => pusher.received.length === commands.length * 4 * 2);
    for (const commandId of commands) {
      for (const action of [first, second]) {
        expect(statusesOf(commandId, action.actionId)).toEqual(['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL']);
      }
    }
    const ids = pusher.received.filter((r) => r.actionId === first.actionId).map((r) => r.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('retries a failing receiver with backoff and then delivers everything, in order', async () => {
    await activeAction(env.rules, 'proj1');
    let failures = 0;
    pusher.behave = () => (failures++ < 5 ? { ok: false, retryable: true, reason: 'HTTP 503' } : { ok: true });
    const retries: RetryScheduled[] = [];
    start({ observer: { retryScheduled: (r) => retries.push(r) } });
    const commands = await runCommands();
    await waitFor(() => pusher.received.length === commands.length * 4);
    for (const commandId of commands)
      expect(statusesOf(commandId)).toEqual(['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL']);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]?.reason).toBe('HTTP 503');
  });

  it('dead-letters a permanent failure at once and a retryable one past the horizon', async () => {
    await activeAction(env.rules, 'proj1');
    const [ref] = devices as [DeviceRef];
    const dead: DeadLettered[] = [];
    pusher.behave = (request) =>
      request.eventId.endsWith('-PENDING')
        ? { ok: false, retryable: false, reason: 'HTTP 404' }
        : { ok: false, retryable: true, reason: 'connect ECONNREFUSED' };
    start({ retryHorizonMs: 150, observer: { deadLettered: (d) => dead.push(d) } });
    const command = await env.service.createCommand({ ...ref, paras: {}, sendStrategy: 'delay' });
    await env.service.takeNext(ref);
    await waitFor(() => dead.flatMap((d) => d.letters).length === 2);
    const reasons = dead.flatMap((d) => d.letters.map((l) => [l.entry.event.status, l.cause, l.reason]));
    expect(reasons).toEqual([
      ['PENDING', 'rejected', 'HTTP 404'],
      ['SENT', 'horizon', 'retry horizon passed; last error: connect ECONNREFUSED'],
    ]);
    const stored = await env.log.deadLetters(env.store.partitionOf(ref), 10);
    expect(stored.map((l) => l.entry.eventId)).toEqual([`${command.commandId}-PENDING`, `${command.commandId}-SENT`]);
    expect(pusher.received).toEqual([]);
  });

  it('pushes nothing for an inactive rule, a deleted rule or a deleted action', async () => {
    const { rules } = env;
    const rule = await rules.createRule({
      projectId: 'proj1',
      subject: { resource: 'device.command.status', event: 'update' },
    });
    await rules.createAction({
      projectId: 'proj1',
      ruleId: rule.ruleId,
      channel: 'HTTP_FORWARDING',
      channelDetail: { httpForwarding: { url: 'http://127.0.0.1:9/inactive' } },
    });
    const deletedRule = await activeAction(rules, 'proj1');
    const deletedAction = await activeAction(rules, 'proj1');
    await rules.deleteRule('proj1', deletedRule.ruleId);
    await rules.deleteAction('proj1', deletedAction.actionId);
    // Another project's rule does not fire for proj1 either.
    await activeAction(rules, 'proj2');
    start();
    await runCommands();
    await pause(300);
    expect(pusher.attempts).toEqual([]);
  });

  it('writes nothing for events no rule wants until their cursor is due, then stores it', async () => {
    const cursors = () =>
      Promise.all(Array.from({ length: env.log.partitions }, (_, partition) => env.log.cursor(partition)));
    const before = await cursors();
    start({ cursorSaveMs: 2_000 });
    const [unwanted] = await runCommands(devices.slice(0, 1));
    await pause(300);
    // Read and skipped, but not written: every cursor is where it was.
    expect(await cursors()).toEqual(before);
    await waitFor(async () => (await cursors()).some((cursor, i) => cursor !== before[i]), 5_000);
    // A rule's events still go out, and the skipped ones never do.
    await activeAction(env.rules, 'proj1');
    const [wanted] = await runCommands(devices.slice(1, 2));
    await waitFor(() => statusesOf(wanted as string).length === 4);
    expect(statusesOf(unwanted as string)).toEqual([]);
  });

  it('dead-letters, without pushing, the backlog of an action deleted while its receiver was down', async () => {
    const action = await activeAction(env.rules, 'proj1');
    let down = true;
    pusher.behave = () => (down ? { ok: false, retryable: true, reason: 'timeout' } : { ok: true });
    const dead: DeadLettered[] = [];
    start({ backoffBaseMs: 100, backoffMaxMs: 100, observer: { deadLettered: (d) => dead.push(d) } });
    const commands = await runCommands(devices.slice(0, 2));
    await waitFor(() => pusher.attempts.length > 0);
    await env.rules.deleteAction('proj1', action.actionId);
    down = false;
    await waitFor(() => dead.flatMap((d) => d.letters).length === commands.length * 4);
    expect(dead[0]?.letters[0]?.reason).toBe('the action was deleted or its rule is no longer active');
    expect(pusher.received).toEqual([]);
  });

  it("never lets a hanging receiver hold up another action's pushes", async () => {
    const hanging = await activeAction(env.rules, 'proj1');
    const healthy = await activeAction(env.rules, 'proj1');
    pusher.behave = (request) =>
      request.action.actionId === hanging.actionId
        ? new Promise((resolve) =>
            request.signal.addEventListener('abort', () => resolve({ ok: false, retryable: true, reason: 'aborted' })),
          )
        : { ok: true };
    start();
    const commands = await runCommands();
    await waitFor(() => pusher.received.length === commands.length * 4, 2_000);
    expect(pusher.received.every((r) => r.actionId === healthy.actionId)).toBe(true);
  });

  it('stops a stopped replica cleanly and resumes from the durable state in the next one', async () => {
    await activeAction(env.rules, 'proj1');
    let down = true;
    pusher.behave = () => (down ? { ok: false, retryable: true, reason: 'HTTP 502' } : { ok: true });
    const first = start();
    const commands = await runCommands();
    await waitFor(() => pusher.attempts.length > 0);
    await first.stop();
    forwarders.splice(forwarders.indexOf(first), 1);
    down = false;
    start();
    await waitFor(() => commands.every((id) => statusesOf(id).length === 4));
    for (const id of commands) expect(statusesOf(id)).toEqual(['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL']);
  });
});

describe('Forwarder replicas (redis)', () => {
  let env: NotifyEnv;
  const forwarders: Forwarder[] = [];
  afterEach(async () => {
    await Promise.all(forwarders.splice(0).map((f) => f.stop()));
    await env.close();
  });

  it('share the partitions fairly, and the survivors take over a departed replica’s partitions', async () => {
    env = notifyEnv('redis', t, 8);
    const make = () => {
      const f = new Forwarder({ ...env.replica(), rules: env.rules, pushers: {}, ...FAST });
      forwarders.push(f);
      return f;
    };
    const [a, b, c] = [make(), make(), make()];
    // Driven by hand: every replica heartbeats first, then each takes its share.
    for (const f of [a, b, c]) await f.rebalance();
    for (let round = 0; round < 3; round++) for (const f of [a, b, c]) await f.rebalance();
    const shares = [a, b, c].map((f) => f.partitions());
    expect(shares.map((s) => s.length).sort()).toEqual([2, 3, 3]);
    expect(new Set(shares.flat()).size).toBe(8);

    await c.stop();
    for (let round = 0; round < 2; round++) for (const f of [a, b]) await f.rebalance();
    expect([a, b].map((f) => f.partitions().length)).toEqual([4, 4]);
    expect(new Set([...a.partitions(), ...b.partitions()]).size).toBe(8);
  });

  it('gives a partition up as soon as its lease is found taken', async () => {
    env = notifyEnv('redis', t, 2);
    const f = new Forwarder({ ...env.replica(), rules: env.rules, pushers: {}, ...FAST });
    forwarders.push(f);
    await f.rebalance();
    expect(f.partitions()).toEqual([0, 1]);
    // Another replica has the lease now (as after a long pause of this one).
    await t.redis.set(new NotifyKeys((env.store as RedisStore).keys).lease(0), 'intruder');
    await f.rebalance();
    expect(f.partitions()).toEqual([1]);
  });
});
