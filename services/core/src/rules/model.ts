/** Data-forwarding rules and their actions (IoTDA "routing rules"), reference iotda-rules-devices.md §3–§4. */

export type AppType = 'GLOBAL' | 'APP';

export interface RuleSubject {
  resource: string;
  event: string;
}

export interface RoutingRule {
  projectId: string;
  ruleId: string;
  ruleName?: string;
  description?: string;
  subject: RuleSubject;
  appType: AppType;
  appId?: string;
  select?: string;
  where?: string;
  /** New rules are inactive until the application activates them, as in IoTDA. */
  active: boolean;
}

export type Channel = 'HTTP_FORWARDING' | 'AMQP_FORWARDING';

export interface HttpForwarding {
  url: string;
  certId?: string;
  cnName?: string;
  sniEnable?: boolean;
  signatureEnable?: boolean;
  /** Key of the notification signature; stored, never shown back. */
  token?: string;
}

export interface AmqpForwarding {
  queueName: string;
}

export interface ChannelDetail {
  httpForwarding?: HttpForwarding;
  amqpForwarding?: AmqpForwarding;
}

export interface RuleAction {
  projectId: string;
  actionId: string;
  ruleId: string;
  appId?: string;
  channel: Channel;
  channelDetail: ChannelDetail;
}

export type NewRule = Omit<RoutingRule, 'ruleId' | 'active' | 'appType'> & { appType?: AppType };
export type RuleUpdate = Partial<Pick<RoutingRule, 'ruleName' | 'description' | 'select' | 'where' | 'active'>>;
export type NewAction = Omit<RuleAction, 'actionId' | 'appId'>;
export type ActionUpdate = Partial<Pick<RuleAction, 'channel' | 'channelDetail'>>;

export interface RuleFilter {
  resource?: string;
  event?: string;
  appType?: AppType;
  appId?: string;
  ruleName?: string;
  active?: boolean;
}

export interface ActionFilter {
  ruleId?: string;
  channel?: Channel;
  appType?: AppType;
  appId?: string;
}

/** The resource/event pairs IoTDA accepts in a rule subject (reference §3.1). */
export const RULE_SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  device: ['create', 'delete', 'update'],
  'device.status': ['update'],
  'device.property': ['report'],
  'device.message': ['report'],
  'device.message.status': ['update'],
  batchtask: ['update'],
  product: ['create', 'delete', 'update'],
  'device.command.status': ['update'],
};

export const COMMAND_STATUS_SUBJECT: RuleSubject = { resource: 'device.command.status', event: 'update' };
