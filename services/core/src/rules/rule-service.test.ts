import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { MemoryRuleStore } from './memory-rule-store.js';
import { COMMAND_STATUS_SUBJECT } from './model.js';
import { RedisRuleStore } from './redis-rule-store.js';
import { RuleService } from './rule-service.js';
import type { RuleStore } from './rule-store.js';

const prefix = `snooze-test:${randomUUID()}:`;
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, lazyConnect: false });
redis.on('error', () => {});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const page = { limit: 10, offset: 0 };
const http = { httpForwarding: { url: 'http://127.0.0.1:9000/iot/command-status' } };

function sequentialIds(): () => string {
  let n = 0;
  return () => `id-${String(++n).padStart(6, '0')}`;
}

describe.each<[string, () => RuleStore]>([
  ['memory', () => new MemoryRuleStore()],
  ['redis', () => new RedisRuleStore(redis, `${prefix}${randomUUID()}:`)],
])('RuleService on the %s store', (_name, makeStore) => {
  let rules: RuleService;
  beforeEach(() => {
    rules = new RuleService(makeStore(), sequentialIds());
  });

  it('creates rules inactive, activates them and reports active actions only then', async () => {
    const rule = await rules.createRule({ projectId: 'p1', ruleName: 'cmd', subject: COMMAND_STATUS_SUBJECT });
    expect(rule).toMatchObject({ active: false, appType: 'GLOBAL' });
    const action = await rules.createAction({
      projectId: 'p1',
      ruleId: rule.ruleId,
      channel: 'HTTP_FORWARDING',
      channelDetail: http,
    });
    expect(await rules.activeActions('p1', 'device.command.status', 'update')).toEqual([]);
    await rules.updateRule('p1', rule.ruleId, { active: true });
    expect(await rules.activeActions('p1', 'device.command.status', 'update')).toEqual([action]);
    expect(await rules.activeActions('p2', 'device.command.status', 'update')).toEqual([]);
    expect(await rules.activeActions('p1', 'device.message', 'report')).toEqual([]);
  });

  it('rejects subjects IoTDA does not know and actions without their channel detail', async () => {
    await expect(
      rules.createRule({ projectId: 'p1', subject: { resource: 'device.command.status', event: 'create' } }),
    ).rejects.toMatchObject({ key: 'RULE_INVALID' });
    const rule = await rules.createRule({ projectId: 'p1', subject: COMMAND_STATUS_SUBJECT });
    await expect(
      rules.createAction({ projectId: 'p1', ruleId: rule.ruleId, channel: 'AMQP_FORWARDING', channelDetail: http }),
    ).rejects.toMatchObject({ key: 'ACTION_INVALID' });
    await expect(
      rules.createAction({
        projectId: 'p1',
        ruleId: rule.ruleId,
        channel: 'HTTP_FORWARDING',
        channelDetail: { httpForwarding: { url: 'http://127.0.0.1:1/x', signatureEnable: true } },
      }),
    ).rejects.toMatchObject({ key: 'ACTION_INVALID' });
  });

  it('needs select and where together', async () => {
    const rule = await rules.createRule({ projectId: 'p1', subject: COMMAND_STATUS_SUBJECT });
    await expect(rules.updateRule('p1', rule.ruleId, { select: '*' })).rejects.toMatchObject({ key: 'RULE_INVALID' });
    expect(await rules.updateRule('p1', rule.ruleId, { select: '*', where: '' })).toMatchObject({ select: '*' });
  });

  it('deleting a rule deletes its actions; unknown ids are 404 errors', async () => {
    const rule = await rules.createRule({ projectId: 'p1', subject: COMMAND_STATUS_SUBJECT });
    const action = await rules.createAction({
      projectId: 'p1',
      ruleId: rule.ruleId,
      channel: 'AMQP_FORWARDING',
      channelDetail: { amqpForwarding: { queueName: 'command-status' } },
    });
    await rules.deleteRule('p1', rule.ruleId);
    await expect(rules.getAction('p1', action.actionId)).rejects.toMatchObject({ key: 'ACTION_NOT_FOUND' });
    await expect(rules.deleteRule('p1', rule.ruleId)).rejects.toMatchObject({ key: 'RULE_NOT_FOUND' });
    await expect(
      rules.createAction({ projectId: 'p1', ruleId: rule.ruleId, channel: 'HTTP_FORWARDING', channelDetail: http }),
    ).rejects.toBeInstanceOf(AppError);
  });

  it('keeps projects apart', async () => {
    const rule = await rules.createRule({ projectId: 'p1', subject: COMMAND_STATUS_SUBJECT });
    await expect(rules.getRule('p2', rule.ruleId)).rejects.toMatchObject({ key: 'RULE_NOT_FOUND' });
    expect((await rules.listRules('p2', {}, page)).count).toBe(0);
  });

  it('lists newest first with marker, offset and filters', async () => {
    for (let i = 0; i < 5; i++) {
      await rules.createRule({ projectId: 'p1', ruleName: `r${i}`, subject: COMMAND_STATUS_SUBJECT });
    }
    await rules.createRule({ projectId: 'p1', subject: { resource: 'device', event: 'create' } });
    const all = await rules.listRules('p1', { resource: 'device.command.status' }, { limit: 2, offset: 0 });
    expect(all.count).toBe(5);
    expect(all.items.map((r) => r.ruleName)).toEqual(['r4', 'r3']);
    const next = await rules.listRules(
      'p1',
      { resource: 'device.command.status' },
      { limit: 2, offset: 1, marker: all.marker },
    );
    expect(next.items.map((r) => r.ruleName)).toEqual(['r1', 'r0']);
  });
});
