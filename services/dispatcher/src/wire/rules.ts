/** Rules and actions between the core's model and the IoTDA wire shapes of the spec. */

import type { components } from '@snooze/client/schema';
import { type ChannelDetail, compact, type RoutingRule, type RuleAction } from '@snooze/core';

type Schemas = components['schemas'];

export function toWireRule(rule: RoutingRule): Schemas['RoutingRule'] {
  return compact({
    rule_id: rule.ruleId,
    rule_name: rule.ruleName,
    description: rule.description,
    subject: rule.subject as Schemas['RoutingRuleSubject'],
    app_type: rule.appType,
    app_id: rule.appId,
    select: rule.select,
    where: rule.where,
    active: rule.active,
  });
}

export function fromWireChannelDetail(detail: Schemas['ChannelDetail']): ChannelDetail {
  const http = detail.http_forwarding;
  const amqp = detail.amqp_forwarding;
  return compact({
    httpForwarding: http
      ? compact({
          url: http.url,
          certId: http.cert_id,
          cnName: http.cn_name,
          sniEnable: http.sni_enable,
          signatureEnable: http.signature_enable,
          token: http.token,
        })
      : undefined,
    amqpForwarding: amqp ? { queueName: amqp.queue_name } : undefined,
  });
}

/** The token is a signing key: stored, never shown back (the spec marks it writeOnly). */
function toWireChannelDetail(detail: ChannelDetail): Schemas['ChannelDetail'] {
  const http = detail.httpForwarding;
  return compact({
    http_forwarding: http
      ? compact({
          url: http.url,
          cert_id: http.certId,
          cn_name: http.cnName,
          sni_enable: http.sniEnable,
          signature_enable: http.signatureEnable,
        })
      : undefined,
    amqp_forwarding: detail.amqpForwarding ? { queue_name: detail.amqpForwarding.queueName } : undefined,
  });
}

export function toWireAction(action: RuleAction): Schemas['RuleAction'] {
  return compact({
    action_id: action.actionId,
    rule_id: action.ruleId,
    app_id: action.appId,
    channel: action.channel,
    channel_detail: toWireChannelDetail(action.channelDetail),
  });
}
