import type { RoutingRule, RuleAction } from './model.js';
import type { RuleStore } from './rule-store.js';

/** The embedded store's rules: plain maps; single-threaded JavaScript makes each method atomic. */
export class MemoryRuleStore implements RuleStore {
  private readonly rules = new Map<string, Map<string, RoutingRule>>();
  private readonly actions = new Map<string, Map<string, RuleAction>>();

  private of<T>(maps: Map<string, Map<string, T>>, projectId: string): Map<string, T> {
    let map = maps.get(projectId);
    if (!map) {
      map = new Map();
      maps.set(projectId, map);
    }
    return map;
  }

  async putRule(rule: RoutingRule): Promise<void> {
    this.of(this.rules, rule.projectId).set(rule.ruleId, structuredClone(rule));
  }

  async getRule(projectId: string, ruleId: string): Promise<RoutingRule | undefined> {
    const rule = this.rules.get(projectId)?.get(ruleId);
    return rule && structuredClone(rule);
  }

  async listRules(projectId: string): Promise<RoutingRule[]> {
    return [...(this.rules.get(projectId)?.values() ?? [])].map((r) => structuredClone(r));
  }

  async deleteRule(projectId: string, ruleId: string): Promise<boolean> {
    const existed = this.rules.get(projectId)?.delete(ruleId) ?? false;
    const actions = this.actions.get(projectId);
    for (const [id, action] of actions ?? []) if (action.ruleId === ruleId) actions?.delete(id);
    return existed;
  }

  async putAction(action: RuleAction): Promise<boolean> {
    if (!this.rules.get(action.projectId)?.has(action.ruleId)) return false;
    this.of(this.actions, action.projectId).set(action.actionId, structuredClone(action));
    return true;
  }

  async getAction(projectId: string, actionId: string): Promise<RuleAction | undefined> {
    const action = this.actions.get(projectId)?.get(actionId);
    return action && structuredClone(action);
  }

  async listActions(projectId: string): Promise<RuleAction[]> {
    return [...(this.actions.get(projectId)?.values() ?? [])].map((a) => structuredClone(a));
  }

  async deleteAction(projectId: string, actionId: string): Promise<boolean> {
    return this.actions.get(projectId)?.delete(actionId) ?? false;
  }
}
