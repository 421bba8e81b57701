import { compact } from '../compact.js';
import { AppError } from '../errors.js';
import type { Page, PageQuery } from '../store.js';
import { byIdDesc, pageNewestFirst } from '../store-support.js';
import {
  type ActionFilter,
  type ActionUpdate,
  type ChannelDetail,
  type NewAction,
  type NewRule,
  type RoutingRule,
  RULE_SUBJECTS,
  type RuleAction,
  type RuleFilter,
  type RuleUpdate,
} from './model.js';
import type { RuleStore } from './rule-store.js';

/** Rule and action use cases: the checks the schema cannot express, and IoTDA's paging. */
export class RuleService {
  constructor(
    private readonly store: RuleStore,
    private readonly newId: () => string,
  ) {}

  async createRule(input: NewRule): Promise<RoutingRule> {
    const allowed = RULE_SUBJECTS[input.subject.resource];
    if (!allowed?.includes(input.subject.event)) {
      throw new AppError('RULE_INVALID', `Unsupported subject ${input.subject.resource}/${input.subject.event}.`);
    }
    const rule: RoutingRule = { ...input, appType: input.appType ?? 'GLOBAL', ruleId: this.newId(), active: false };
    await this.store.putRule(rule);
    return rule;
  }

  async getRule(projectId: string, ruleId: string): Promise<RoutingRule> {
    const rule = await this.store.getRule(projectId, ruleId);
    if (!rule) throw new AppError('RULE_NOT_FOUND');
    return rule;
  }

  async updateRule(projectId: string, ruleId: string, update: RuleUpdate): Promise<RoutingRule> {
    if ((update.select === undefined) !== (update.where === undefined)) {
      throw new AppError('RULE_INVALID', 'select and where must be updated together.');
    }
    const rule = { ...(await this.getRule(projectId, ruleId)), ...compact(update) };
    await this.store.putRule(rule);
    return rule;
  }

  async deleteRule(projectId: string, ruleId: string): Promise<void> {
    if (!(await this.store.deleteRule(projectId, ruleId))) throw new AppError('RULE_NOT_FOUND');
  }

  async listRules(projectId: string, filter: RuleFilter, page: PageQuery): Promise<Page<RoutingRule>> {
    const rules = (await this.store.listRules(projectId)).filter(
      (r) =>
        (filter.resource === undefined || r.subject.resource === filter.resource) &&
        (filter.event === undefined || r.subject.event === filter.event) &&
        (filter.appType === undefined || r.appType === filter.appType) &&
        (filter.appId === undefined || r.appId === filter.appId) &&
        (filter.ruleName === undefined || r.ruleName === filter.ruleName) &&
        (filter.active === undefined || r.active === filter.active),
    );
    return pageNewestFirst(
      rules.sort((a, b) => byIdDesc(a.ruleId, b.ruleId)),
      (r) => r.ruleId,
      page,
    );
  }

  async createAction(input: NewAction): Promise<RuleAction> {
    checkChannelDetail(input.channel, input.channelDetail);
    const rule = await this.getRule(input.projectId, input.ruleId);
    const action: RuleAction = {
      ...input,
      actionId: this.newId(),
      ...(rule.appId === undefined ? {} : { appId: rule.appId }),
    };
    // The rule may be deleted between the read above and this write; the store refuses the orphan.
    if (!(await this.store.putAction(action))) throw new AppError('RULE_NOT_FOUND');
    return action;
  }

  async getAction(projectId: string, actionId: string): Promise<RuleAction> {
    const action = await this.store.getAction(projectId, actionId);
    if (!action) throw new AppError('ACTION_NOT_FOUND');
    return action;
  }

  async updateAction(projectId: string, actionId: string, update: ActionUpdate): Promise<RuleAction> {
    const action = { ...(await this.getAction(projectId, actionId)), ...compact(update) };
    checkChannelDetail(action.channel, action.channelDetail);
    if (!(await this.store.putAction(action))) throw new AppError('ACTION_NOT_FOUND');
    return action;
  }

  async deleteAction(projectId: string, actionId: string): Promise<void> {
    if (!(await this.store.deleteAction(projectId, actionId))) throw new AppError('ACTION_NOT_FOUND');
  }

  async listActions(projectId: string, filter: ActionFilter, page: PageQuery): Promise<Page<RuleAction>> {
    const actions = (await this.store.listActions(projectId)).filter(
      (a) =>
        (filter.ruleId === undefined || a.ruleId === filter.ruleId) &&
        (filter.channel === undefined || a.channel === filter.channel) &&
        // IoTDA: app_id filters only when no rule_id is given and app_type is APP.
        (filter.ruleId !== undefined || filter.appType !== 'APP' || a.appId === filter.appId),
    );
    return pageNewestFirst(
      actions.sort((a, b) => byIdDesc(a.actionId, b.actionId)),
      (a) => a.actionId,
      page,
    );
  }

  /** Active rules of a project for a subject, with their actions: what the forwarder pushes to. */
  async activeActions(projectId: string, resource: string, event: string): Promise<RuleAction[]> {
    const rules = await this.store.listRules(projectId);
    const active = new Set(
      rules
        .filter((r) => r.active && r.subject.resource === resource && r.subject.event === event)
        .map((r) => r.ruleId),
    );
    if (active.size === 0) return [];
    return (await this.store.listActions(projectId)).filter((a) => active.has(a.ruleId));
  }
}

function checkChannelDetail(channel: RuleAction['channel'], detail: ChannelDetail): void {
  const wanted = channel === 'HTTP_FORWARDING' ? detail.httpForwarding : detail.amqpForwarding;
  if (!wanted) {
    const member = channel === 'HTTP_FORWARDING' ? 'http_forwarding' : 'amqp_forwarding';
    throw new AppError('ACTION_INVALID', `channel ${channel} needs channel_detail.${member}.`);
  }
  const http = detail.httpForwarding;
  if (channel === 'HTTP_FORWARDING' && http?.signatureEnable && !http.token) {
    throw new AppError('ACTION_INVALID', 'signature_enable needs a token.');
  }
}
