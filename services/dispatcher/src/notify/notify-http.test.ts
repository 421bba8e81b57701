import { createHmac, timingSafeEqual } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_PATH } from '../spec.js';
import { ALL_STATUSES, firstArrivals, type Mode, NotifyHarness, pause, waitFor } from './testing/harness.js';
import { type Push, TestReceiver } from './testing/receiver.js';

let validateNotification: (body: unknown) => boolean;
beforeAll(async () => {
  const api = (await SwaggerParser.dereference(DEFAULT_SPEC_PATH)) as unknown as {
    components: { schemas: Record<string, object> };
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(api.components.schemas.DeviceCommandStatusNotification as object);
  validateNotification = (body) => {
    const ok = validate(body);
    if (!ok) console.error(validate.errors);
    return ok;
  };
});

/**
 * A receiver's verification of `webhook-signature` using only what the spec documents and node:crypto:
 * HMAC-SHA256 keyed by the token's UTF-8 bytes over "<webhook-id>.<webhook-timestamp>.<raw body>", base64,
 * prefixed "v1,", compared in constant time, timestamp within 5 minutes.
 */
function verifies(push: Pick<Push, 'headers' | 'raw'>, token: string): boolean {
  const id = String(push.headers['webhook-id']);
  const timestamp = String(push.headers['webhook-timestamp']);
  const received = Buffer.from(String(push.headers['webhook-signature'] ?? ''));
  const mac = createHmac('sha256', Buffer.from(token, 'utf8'))
    .update(`${id}.${timestamp}.${push.raw}`)
    .digest('base64');
  const expected = Buffer.from(`v1,${mac}`);
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
  return fresh && received.length === expected.length && timingSafeEqual(received, expected);
}

describe.each<Mode>(['redis', 'embedded'])('command status notifications over HTTP (%s)', (mode) => {
  let h: NotifyHarness;
  const receivers: TestReceiver[] = [];
  const receiver = async () => {
    const r = await new TestReceiver().start();
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await h.close();
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });

  it('pushes each status of a command, in IoTDA shape, after rule + action + activation (the original page)', async () => {
    h = new NotifyHarness(mode);
    const app = await receiver();
    // 1. CreateRoutingRule, 2. CreateRuleAction, 3. UpdateRoutingRule {active: true}
    const rule = await h.rules.createRule({
      projectId: 'proj1',
      ruleName: 'cmd-status',
      subject: { resource: 'device.command.status', event: 'update' },
      appType: 'GLOBAL',
    });
    await h.rules.createAction({
      projectId: 'proj1',
      ruleId: rule.ruleId,
      channel: 'HTTP_FORWARDING',
      channelDetail: { httpForwarding: { url: app.url } },
    });
    await h.rules.updateRule('proj1', rule.ruleId, { active: true });
    h.startForwarder();
    const device = await h.service.addDevice({ projectId: 'proj1', nodeId: '860123456789012', productId: 'meter' });
    const commandId = await h.runCommand(device);

    await waitFor(() => app.pushes.length === 4);
    const command = await h.service.getCommand({ ...device, commandId });
    const compact = (ms: number | undefined) =>
      ms === undefined ? '' : new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
    expect(app.pushes.map((p) => p.body.notify_data.body.status)).toEqual(ALL_STATUSES);
    for (const [i, push] of app.pushes.entries()) {
      const status = ALL_STATUSES[i];
      expect(validateNotification(push.body)).toBe(true);
      expect(push.headers['content-type']).toBe('application/json');
      expect(push.headers['webhook-id']).toBe(`${commandId}-${status}`);
      expect(push.body.request_id).toBe(push.headers['webhook-id']);
      expect(Math.abs(Number(push.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
      expect(push.headers['webhook-signature']).toBeUndefined();
      expect(push.body).toMatchObject({
        resource: 'device.command.status',
        event: 'update',
        notify_data: {
          header: {
            device_id: device.deviceId,
            node_id: '860123456789012',
            product_id: 'meter',
            gateway_id: device.deviceId,
            tags: [],
          },
          body: { command_id: commandId, status, created_time: compact(command.createdAt) },
        },
      });
      expect(push.body.event_time_ms).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const [pending, sent, delivered, done] = app.pushes.map((p) => p.body.notify_data.body);
    expect(pending).toMatchObject({ sent_time: '', delivered_time: '', response_time: '', result: null });
    expect(sent).toMatchObject({
      sent_time: compact(command.sentAt),
      delivered_time: '',
      response_time: '',
      result: null,
    });
    expect(delivered).toMatchObject({ delivered_time: compact(command.deliveredAt), response_time: '', result: null });
    expect(done).toMatchObject({
      sent_time: compact(command.sentAt),
      delivered_time: compact(command.deliveredAt),
      response_time: compact(command.respondedAt),
      result: { code: 0, state: 'ON' },
    });
    expect(app.pushes[3]?.body.event_time).toBe(compact(command.respondedAt));
  });

  it('delivers everything, in order per device, once a receiver that was down comes back', async () => {
    h = new NotifyHarness(mode);
    const app = await receiver();
    await h.activeAction('proj1', { httpForwarding: { url: app.url } });
    await app.stop(); // connection refused
    h.startForwarder();
    const devices = await h.addDevices('proj1', 8);
    const commands = await Promise.all(devices.map((d) => h.runCommand(d)));
    await pause(300);
    let unavailable = 0;
    app.answer = () => (unavailable++ < 5 ? 503 : 200); // then up, but failing a while
    await app.start();
    await waitFor(() => commands.every((id) => (app.statusesByCommand().get(id) ?? []).length >= 4), 10_000);
    const byCommand = app.statusesByCommand();
    for (const id of commands) expect(firstArrivals(byCommand.get(id) ?? [])).toEqual(ALL_STATUSES);
    const metrics = await h.registry.getSingleMetricAsString('snooze_notifications_retried_total');
    expect(metrics).toMatch(/channel="HTTP_FORWARDING"} [1-9]/);
  });

  it('pushes nothing for an inactive rule, a deactivated or deleted rule, or a deleted action', async () => {
    h = new NotifyHarness(mode);
    const app = await receiver();
    const url = app.url;
    const inactive = await h.rules.createRule({
      projectId: 'proj1',
      subject: { resource: 'device.command.status', event: 'update' },
    });
    await h.rules.createAction({
      projectId: 'proj1',
      ruleId: inactive.ruleId,
      channel: 'HTTP_FORWARDING',
      channelDetail: { httpForwarding: { url } },
    });
    const deactivated = await h.activeAction('proj1', { httpForwarding: { url } });
    await h.rules.updateRule('proj1', deactivated.ruleId, { active: false });
    const ruleGone = await h.activeAction('proj1', { httpForwarding: { url } });
    await h.rules.deleteRule('proj1', ruleGone.ruleId);
    const actionGone = await h.activeAction('proj1', { httpForwarding: { url } });
    await h.rules.deleteAction('proj1', actionGone.actionId);
    h.startForwarder();
    const [device] = await h.addDevices('proj1', 1);
    if (device) await h.runCommand(device);
    await pause(500);
    expect(app.pushes).toEqual([]);
  });

  it('signs with the documented algorithm when the action asks for it', async () => {
    h = new NotifyHarness(mode);
    const signed = await receiver();
    const plain = await receiver();
    const token = 'Snooze2024Token';
    await h.activeAction('proj1', { httpForwarding: { url: signed.url, signatureEnable: true, token } });
    await h.activeAction('proj1', { httpForwarding: { url: plain.url, signatureEnable: false, token: 'unused123' } });
    // The receiver accepts only pushes it can verify.
    signed.answer = (push) => (verifies(push, token) ? 200 : 401);
    h.startForwarder();
    const [device] = await h.addDevices('proj1', 1);
    if (device) await h.runCommand(device);
    await waitFor(() => signed.pushes.length === 4 && plain.pushes.length === 4);
    for (const push of signed.pushes) {
      expect(push.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(verifies(push, token)).toBe(true);
      expect(verifies({ ...push, raw: push.raw.replace('"update"', '"updat3"') }, token)).toBe(false);
      expect(verifies(push, 'WrongToken1')).toBe(false);
    }
    expect(plain.pushes.every((p) => p.headers['webhook-signature'] === undefined)).toBe(true);
  });

  it("never lets a receiver that hangs delay another receiver's pushes", async () => {
    h = new NotifyHarness(mode);
    const hanging = await receiver();
    const healthy = await receiver();
    hanging.answer = () => 'hang';
    await h.activeAction('proj1', { httpForwarding: { url: hanging.url } });
    await h.activeAction('proj1', { httpForwarding: { url: healthy.url } });
    h.startForwarder({ httpTimeoutMs: 5_000 });
    const devices = await h.addDevices('proj1', 4);
    const started = Date.now();
    await Promise.all(devices.map((d) => h.runCommand(d)));
    await waitFor(() => healthy.pushes.length === 16, 3_000);
    // Well within one timeout of the hanging receiver.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(hanging.pushes).toEqual([]);
  });

  it('dead-letters a push the receiver refuses for good, visibly in metrics, logs and the dead-letter stream', async () => {
    h = new NotifyHarness(mode);
    const app = await receiver();
    app.answer = () => 404;
    const action = await h.activeAction('proj1', { httpForwarding: { url: app.url } });
    const handle = h.startForwarder();
    const [device] = await h.addDevices('proj1', 1);
    if (!device) throw new Error('no device');
    const command = await h.service.createCommand({ ...device, paras: {}, sendStrategy: 'delay' });
    await waitFor(async () =>
      /cause="rejected"} 1/.test(await h.registry.getSingleMetricAsString('snooze_notifications_dead_lettered_total')),
    );
    const line = h.logLines.find((l) => l.msg === 'notification dead-lettered');
    expect(line).toMatchObject({
      command_id: command.commandId,
      event_id: `${command.commandId}-PENDING`,
      action_id: action.actionId,
      reason: 'HTTP 404',
      level: 50,
    });
    expect(JSON.stringify(h.logLines)).not.toContain(app.url);
    const partition = h.runtime.store.partitionOf(device);
    const [letter] = await handle.forwarder.deadLetters(partition, 10);
    expect(letter).toMatchObject({
      cause: 'rejected',
      reason: 'HTTP 404',
      attempts: 1,
      entry: { eventId: `${command.commandId}-PENDING` },
    });
  });
});
