import { randomUUID } from 'node:crypto';
import { CommandService } from '../../src/command-service.js';
import { LocalDelivery } from '../../src/delivery.js';
import { MemoryStore } from '../../src/memory-store.js';
import { MemoryPartitionLeases } from '../../src/notifications/memory-leases.js';
import { MemoryForwarderLog } from '../../src/notifications/memory-log.js';
import type { ForwarderLog, PartitionLeases } from '../../src/notifications/ports.js';
import { NotifyKeys } from '../../src/notifications/redis-keys.js';
import { RedisPartitionLeases } from '../../src/notifications/redis-leases.js';
import { RedisForwarderLog } from '../../src/notifications/redis-log.js';
import { RedisStore } from '../../src/redis/store.js';
import { MemoryRuleStore } from '../../src/rules/memory-rule-store.js';
import { COMMAND_STATUS_SUBJECT, type RuleAction } from '../../src/rules/model.js';
import { RedisRuleStore } from '../../src/rules/redis-rule-store.js';
import { RuleService } from '../../src/rules/rule-service.js';
import type { CommandStore } from '../../src/store.js';
import type { TestRedis } from '../redis-helper.js';

export type Kind = 'memory' | 'redis';

/** A store, rules and forwarder ports of one kind, on an empty keyspace of their own. */
export interface NotifyEnv {
  store: CommandStore;
  rules: RuleService;
  service: CommandService;
  log: ForwarderLog;
  leases: PartitionLeases;
  /** Another replica's view of the same state (Redis: its own ports; memory: the same ones). */
  replica(): { log: ForwarderLog; leases: PartitionLeases };
  close(): Promise<void>;
}

export function notifyEnv(kind: Kind, t: TestRedis, partitions = 4): NotifyEnv {
  const delivery = new LocalDelivery();
  if (kind === 'memory') {
    const store = new MemoryStore({ partitions });
    const leases = new MemoryPartitionLeases();
    const log = new MemoryForwarderLog(store, leases, { deadLetterMaxLen: 1000 });
    return {
      store,
      rules: new RuleService(new MemoryRuleStore(), randomUUID),
      service: new CommandService({ store, delivery }),
      log,
      leases,
      replica: () => ({ log, leases }),
      close: () => log.close(),
    };
  }
  const prefix = t.subPrefix();
  const store = new RedisStore(t.redis, { keyPrefix: prefix, partitions });
  const keys = new NotifyKeys(store.keys);
  const logs: ForwarderLog[] = [];
  const ports = () => {
    const log = new RedisForwarderLog(t.redis, keys, { deadLetterMaxLen: 1000 });
    logs.push(log);
    return { log, leases: new RedisPartitionLeases(t.redis, keys) };
  };
  const first = ports();
  return {
    store,
    rules: new RuleService(new RedisRuleStore(t.redis, prefix), randomUUID),
    service: new CommandService({ store, delivery }),
    ...first,
    replica: ports,
    close: async () => {
      await Promise.all(logs.map((log) => log.close()));
    },
  };
}

/** An active `device.command.status` rule with one HTTP action, as an application sets it up. */
export async function activeAction(
  rules: RuleService,
  projectId: string,
  url = 'http://127.0.0.1:9/x',
): Promise<RuleAction> {
  const rule = await rules.createRule({ projectId, subject: COMMAND_STATUS_SUBJECT });
  const action = await rules.createAction({
    projectId,
    ruleId: rule.ruleId,
    channel: 'HTTP_FORWARDING',
    channelDetail: { httpForwarding: { url } },
  });
  await rules.updateRule(projectId, rule.ruleId, { active: true });
  return action;
}
