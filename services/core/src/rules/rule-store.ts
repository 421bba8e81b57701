import type { RoutingRule, RuleAction } from './model.js';

/**
 * Persistence of rules and actions, per project. Rules of one project are few (IoTDA caps them in the
 * hundreds), so lists return everything and the service filters and pages; the store's job is the two
 * changes that must be atomic: deleting a rule takes its actions with it, and an action can only be
 * written while its rule exists.
 */
export interface RuleStore {
  putRule(rule: RoutingRule): Promise<void>;
  getRule(projectId: string, ruleId: string): Promise<RoutingRule | undefined>;
  listRules(projectId: string): Promise<RoutingRule[]>;
  /** Removes the rule and all its actions; false when the rule did not exist. */
  deleteRule(projectId: string, ruleId: string): Promise<boolean>;
  /** Creates or replaces the action; false (and nothing written) when its rule does not exist. */
  putAction(action: RuleAction): Promise<boolean>;
  getAction(projectId: string, actionId: string): Promise<RuleAction | undefined>;
  listActions(projectId: string): Promise<RuleAction[]>;
  deleteAction(projectId: string, actionId: string): Promise<boolean>;
}
