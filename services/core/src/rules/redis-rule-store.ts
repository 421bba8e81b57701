import type { Redis } from 'ioredis';
import { registerScriptTable, runTableScript } from '../redis/scripts.js';
import type { RoutingRule, RuleAction } from './model.js';
import type { RuleStore } from './rule-store.js';

// Both hashes of a project share the `{proj:<id>}` hash tag, so the scripts below touch one cluster slot.
const DELETE_RULE = `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 0 then return 0 end
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  if cjson.decode(all[i + 1]).ruleId == ARGV[1] then redis.call('HDEL', KEYS[2], all[i]) end
end
return 1`;

const PUT_ACTION = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`;

const RULE_SCRIPTS = {
  snoozeDeleteRule: { keys: 2, lua: DELETE_RULE },
  snoozePutAction: { keys: 2, lua: PUT_ACTION },
} as const;

/** Rules and actions as JSON values in two hashes per project. */
export class RedisRuleStore implements RuleStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    registerScriptTable(redis, RULE_SCRIPTS);
  }

  private keys(projectId: string): [rules: string, actions: string] {
    const tag = `${this.prefix}{proj:${projectId}}`;
    return [`${tag}:rules`, `${tag}:actions`];
  }

  async putRule(rule: RoutingRule): Promise<void> {
    await this.redis.hset(this.keys(rule.projectId)[0], rule.ruleId, JSON.stringify(rule));
  }

  async getRule(projectId: string, ruleId: string): Promise<RoutingRule | undefined> {
    const json = await this.redis.hget(this.keys(projectId)[0], ruleId);
    return json ? (JSON.parse(json) as RoutingRule) : undefined;
  }

  async listRules(projectId: string): Promise<RoutingRule[]> {
    return Object.values(await this.redis.hgetall(this.keys(projectId)[0])).map((j) => JSON.parse(j) as RoutingRule);
  }

  async deleteRule(projectId: string, ruleId: string): Promise<boolean> {
    return (await runTableScript(this.redis, RULE_SCRIPTS, 'snoozeDeleteRule', this.keys(projectId), [ruleId])) === 1;
  }

  async putAction(action: RuleAction): Promise<boolean> {
    const args = [action.ruleId, action.actionId, JSON.stringify(action)];
    return (await runTableScript(this.redis, RULE_SCRIPTS, 'snoozePutAction', this.keys(action.projectId), args)) === 1;
  }

  async getAction(projectId: string, actionId: string): Promise<RuleAction | undefined> {
    const json = await this.redis.hget(this.keys(projectId)[1], actionId);
    return json ? (JSON.parse(json) as RuleAction) : undefined;
  }

  async listActions(projectId: string): Promise<RuleAction[]> {
    return Object.values(await this.redis.hgetall(this.keys(projectId)[1])).map((j) => JSON.parse(j) as RuleAction);
  }

  async deleteAction(projectId: string, actionId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys(projectId)[1], actionId)) === 1;
  }
}
