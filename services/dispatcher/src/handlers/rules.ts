import { compact, type RuleService } from '@snooze/core';
import type { OperationHandlers } from '../http/operations.js';
import { toPageQuery } from '../wire/query.js';
import { fromWireChannelDetail, toWireAction, toWireRule } from '../wire/rules.js';

type RuleOperations =
  | 'createRoutingRule'
  | 'showRoutingRule'
  | 'updateRoutingRule'
  | 'deleteRoutingRule'
  | 'listRoutingRules'
  | 'createRuleAction'
  | 'showRuleAction'
  | 'updateRuleAction'
  | 'deleteRuleAction'
  | 'listRuleActions';

export function ruleHandlers(rules: RuleService): Pick<OperationHandlers, RuleOperations> {
  return {
    async createRoutingRule({ params, body }) {
      const rule = await rules.createRule(
        compact({
          projectId: params.project_id,
          ruleName: body.rule_name,
          description: body.description,
          subject: body.subject,
          appType: body.app_type,
          appId: body.app_id,
          select: body.select,
          where: body.where,
        }),
      );
      return { status: 201, body: toWireRule(rule) };
    },

    async showRoutingRule({ params }) {
      return { status: 200, body: toWireRule(await rules.getRule(params.project_id, params.rule_id)) };
    },

    async updateRoutingRule({ params, body }) {
      const update = compact({
        ruleName: body.rule_name,
        description: body.description,
        select: body.select,
        where: body.where,
        active: body.active,
      });
      return { status: 200, body: toWireRule(await rules.updateRule(params.project_id, params.rule_id, update)) };
    },

    async deleteRoutingRule({ params }) {
      await rules.deleteRule(params.project_id, params.rule_id);
      return { status: 204, body: undefined };
    },

    async listRoutingRules({ params, query }) {
      const filter = compact({
        resource: query.resource,
        event: query.event,
        appType: query.app_type,
        appId: query.app_id,
        ruleName: query.rule_name,
        active: query.active,
      });
      const page = await rules.listRules(params.project_id, filter, toPageQuery(query));
      return {
        status: 200,
        body: compact({ rules: page.items.map(toWireRule), count: page.count, marker: page.marker }),
      };
    },

    async createRuleAction({ params, body }) {
      const action = await rules.createAction({
        projectId: params.project_id,
        ruleId: body.rule_id,
        channel: body.channel,
        channelDetail: fromWireChannelDetail(body.channel_detail),
      });
      return { status: 201, body: toWireAction(action) };
    },

    async showRuleAction({ params }) {
      return { status: 200, body: toWireAction(await rules.getAction(params.project_id, params.action_id)) };
    },

    async updateRuleAction({ params, body }) {
      const update = compact({
        channel: body.channel,
        channelDetail: body.channel_detail && fromWireChannelDetail(body.channel_detail),
      });
      return { status: 200, body: toWireAction(await rules.updateAction(params.project_id, params.action_id, update)) };
    },

    async deleteRuleAction({ params }) {
      await rules.deleteAction(params.project_id, params.action_id);
      return { status: 204, body: undefined };
    },

    async listRuleActions({ params, query }) {
      const filter = compact({
        ruleId: query.rule_id,
        channel: query.channel,
        appType: query.app_type,
        appId: query.app_id,
      });
      const page = await rules.listActions(params.project_id, filter, toPageQuery(query));
      return {
        status: 200,
        body: compact({ actions: page.items.map(toWireAction), count: page.count, marker: page.marker }),
      };
    },
  };
}
