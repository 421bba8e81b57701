/**
 * The valid request of every operation, built from the spec's example and the chain: it produces the success
 * status, and every error path starts from it and breaks one thing. List queries filter on what this run
 * created, so the lists come back non-empty and their items are validated too.
 */
import type { OperationId, SpecOperation } from '../contract/spec.js';
import type { ContractSettings } from '../settings.js';
import type { Chain, ChainedId } from './chain.js';
import type { PlannedRequest } from './planned-request.js';

export interface ScenarioContext {
  settings: ContractSettings;
  chain: Chain;
  /** Where rule actions point: a receiver the hooks run (Prism's mock calls it back). */
  sinkUrl: string;
  /** Sends one request outside Dredd (setup work, not a transaction); the caller reads or cancels the body. */
  send(operationId: OperationId, request: PlannedRequest): Promise<Response>;
}

type Json = Record<string, unknown>;

interface SuccessRequest {
  query?: (ctx: ScenarioContext) => Record<string, string>;
  body?: (example: Json, ctx: ScenarioContext) => unknown;
  prepare?: (ctx: ScenarioContext) => Promise<void>;
}

function pointAtSink(body: Json, ctx: ScenarioContext): Json {
  const detail = body.channel_detail as { http_forwarding?: Json } | undefined;
  if (!detail?.http_forwarding) return body;
  return { ...body, channel_detail: { http_forwarding: { ...detail.http_forwarding, url: ctx.sinkUrl } } };
}

/** ListAsyncHistoryCommands lists finished commands only: an immediate command to an offline device fails at once. */
async function finishOneCommand(ctx: ScenarioContext): Promise<void> {
  const response = await ctx.send('createAsyncCommand', {
    why: 'setup',
    target: 'main',
    credentials: ctx.settings.main,
    path: { project_id: ctx.settings.main.projectId, device_id: ctx.chain.id('device_id') },
    query: {},
    body: { paras: { value: 'OFF' }, send_strategy: 'immediately' },
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`setup: an immediate command answered ${response.status} ${text}`);
}

const SUCCESS: Record<OperationId, SuccessRequest> = {
  addDevice: { body: (example, ctx) => ({ ...example, node_id: ctx.chain.nodeId }) },
  showDevice: {},
  listDevices: { query: (ctx) => ({ node_id: ctx.chain.nodeId, limit: '10' }) },
  deleteDevice: {},
  createAsyncCommand: {},
  showAsyncDeviceCommand: {},
  listAsyncCommands: { query: () => ({ status: 'PENDING', limit: '10' }) },
  listAsyncHistoryCommands: { query: () => ({ status: 'FAILED', limit: '10' }), prepare: finishOneCommand },
  countAsyncHistoryCommands: { query: () => ({ status: 'FAILED' }) },
  createRoutingRule: { body: (example, ctx) => ({ ...example, rule_name: ctx.chain.ruleName }) },
  showRoutingRule: {},
  listRoutingRules: {
    query: (ctx) => ({ resource: 'device.command.status', event: 'update', rule_name: ctx.chain.ruleName }),
  },
  updateRoutingRule: {},
  deleteRoutingRule: {},
  createRuleAction: {
    body: (example, ctx) => pointAtSink({ ...example, rule_id: ctx.chain.id('rule_id') }, ctx),
  },
  showRuleAction: {},
  listRuleActions: { query: (ctx) => ({ rule_id: ctx.chain.id('rule_id'), channel: 'HTTP_FORWARDING' }) },
  updateRuleAction: { body: pointAtSink },
  deleteRuleAction: {},
};

const CHAINED: readonly string[] = ['device_id', 'command_id', 'rule_id', 'action_id'] satisfies ChainedId[];

function pathParams(op: SpecOperation, ctx: ScenarioContext): Record<string, string> {
  const params: Record<string, string> = {};
  for (const { name } of op.parameters.filter((p) => p.in === 'path')) {
    if (name === 'project_id') params[name] = ctx.settings.main.projectId;
    else if (CHAINED.includes(name)) params[name] = ctx.chain.id(name as ChainedId);
    else throw new Error(`no value for the path parameter {${name}}: add it to the chain`);
  }
  return params;
}

/** The valid request of `op`; `example` is the spec's example request body, as Dredd sends it. */
export function successRequest(op: SpecOperation, example: unknown, ctx: ScenarioContext): PlannedRequest {
  const spec = SUCCESS[op.id];
  const body = spec.body && example !== undefined ? spec.body(example as Json, ctx) : example;
  const prepare = spec.prepare;
  return {
    why: 'the valid request',
    target: 'main',
    credentials: ctx.settings.main,
    path: pathParams(op, ctx),
    query: spec.query?.(ctx) ?? {},
    ...(body === undefined ? {} : { body }),
    ...(prepare && ctx.settings.mode === 'server' ? { prepare: () => prepare(ctx) } : {}),
  };
}
