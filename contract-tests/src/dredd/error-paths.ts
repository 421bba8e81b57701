/**
 * How each documented error status is really produced: every error transaction starts from the operation's valid
 * request and breaks exactly one thing (a broken body for 400, no credentials for 401, another project for 403,
 * an unknown id for 404, an oversized body for 413, a tripped rate limiter for 429, a failing store for 500).
 * A status the spec documents and this file cannot produce fails its transaction instead of being skipped.
 */
import { PARAS_MAX_BYTES } from '../contract/limits.js';
import type { OperationId, SpecOperation } from '../contract/spec.js';
import { burstUntilRefused } from '../rate-limit.js';
import type { ContractSettings, Credentials } from '../settings.js';
import type { ChainedId } from './chain.js';
import {
  type PlannedRequest,
  type Scenario,
  withBody,
  withPathParam,
  withQuery,
  withRawBody,
} from './planned-request.js';
import { type ScenarioContext, successRequest } from './success.js';

const INVALID_INPUT = 'IOTDA.000006';

const UNKNOWN_ID_CODES: Record<ChainedId, string> = {
  device_id: 'IOTDA.014000',
  command_id: 'IOTDA.014113',
  rule_id: 'IOTDA.010002',
  action_id: 'IOTDA.010006',
};

// Above the dispatcher's default body limit (300 KiB), below the 1 MiB a reverse proxy such as nginx lets through
// by default, so a deployment behind one still answers with its own 413.
const OVERSIZED_BODY_BYTES = 512 * 1024;

type Json = Record<string, unknown>;

const invalidPathParam = (name: string, value: string, why: string) => (r: PlannedRequest) =>
  withPathParam(r, name, value, `{${name}} ${why}`, INVALID_INPUT);

const BAD_REQUEST: Record<OperationId, (request: PlannedRequest) => PlannedRequest> = {
  createAsyncCommand: (r) =>
    withBody(r, { ...(r.body as Json), send_strategy: 'sometimes' }, 'send_strategy outside its enum', INVALID_INPUT),
  showAsyncDeviceCommand: invalidPathParam('command_id', 'not!a-command', 'with a character its pattern refuses'),
  listAsyncCommands: (r) => withQuery(r, { limit: '51' }, 'limit above 50', 'IOTDA.000017'),
  listAsyncHistoryCommands: (r) =>
    withQuery(
      r,
      { start_time: '20241128T000000Z', end_time: '20241127T000000Z' },
      'start_time after end_time',
      'IOTDA.000010',
    ),
  countAsyncHistoryCommands: (r) =>
    withQuery(r, { start_time: '2024-11-27' }, "start_time not in yyyyMMdd'T'HHmmss'Z'", 'IOTDA.000009'),
  addDevice: (r) => withBody(r, r.body, 'the device of this run, registered a second time', 'IOTDA.014031'),
  listDevices: (r) => withQuery(r, { offset: '501' }, 'offset above 500', INVALID_INPUT),
  showDevice: invalidPathParam('device_id', 'd'.repeat(129), 'one character longer than allowed'),
  deleteDevice: invalidPathParam('device_id', 'not!a-device', 'with a character its pattern refuses'),
  createRoutingRule: (r) =>
    withBody(
      r,
      { ...(r.body as Json), subject: { resource: 'device.command.status', event: 'create' } },
      'a subject pairing a resource with an event it does not have',
      'IOTDA.010000',
    ),
  listRoutingRules: (r) => withQuery(r, { resource: 'device.shadow' }, 'resource outside its enum', INVALID_INPUT),
  showRoutingRule: invalidPathParam('rule_id', 'r'.repeat(37), 'one character longer than allowed'),
  updateRoutingRule: (r) =>
    withBody(
      r,
      { ...(r.body as Json), subject: { resource: 'device', event: 'create' } },
      'subject, which cannot change after creation',
      INVALID_INPUT,
    ),
  deleteRoutingRule: invalidPathParam('rule_id', 'not!a-rule', 'with a character its pattern refuses'),
  createRuleAction: (r) =>
    withBody(
      r,
      { ...(r.body as Json), channel_detail: { amqp_forwarding: { queue_name: 'contract-queue' } } },
      'channel HTTP_FORWARDING with an amqp_forwarding detail',
      'IOTDA.010005',
    ),
  listRuleActions: (r) => withQuery(r, { channel: 'KAFKA_FORWARDING' }, 'channel outside its enum', INVALID_INPUT),
  showRuleAction: invalidPathParam('action_id', 'not!an-action', 'with a character its pattern refuses'),
  updateRuleAction: (r) => withRawBody(r, '{"channel": "HTTP_FORWARDING",', 'malformed JSON', 'IOTDA.000008'),
  deleteRuleAction: invalidPathParam('action_id', 'a'.repeat(37), 'one character longer than allowed'),
};

function notFound(base: PlannedRequest, op: SpecOperation, ctx: ScenarioContext): PlannedRequest {
  if (op.id === 'createRuleAction') {
    return withBody(
      base,
      { ...(base.body as Json), rule_id: ctx.chain.unknownId },
      'rule_id of no rule',
      'IOTDA.010002',
    );
  }
  const id = op.parameters.findLast((p) => p.in === 'path' && p.name in UNKNOWN_ID_CODES)?.name as ChainedId;
  if (!id) throw new Error(`${op.id} documents 404 but has no id that could name nothing`);
  return withPathParam(base, id, ctx.chain.unknownId, `{${id}} of nothing that exists`, UNKNOWN_ID_CODES[id]);
}

function payloadTooLarge(base: PlannedRequest, op: SpecOperation): PlannedRequest {
  if (op.id === 'createAsyncCommand') {
    // Padded `paras` keep the body below the body limit: the 413 is the one the spec documents for `paras`.
    const body = base.body as Json;
    const paras = { ...(body.paras as Json), padding: 'p'.repeat(PARAS_MAX_BYTES) };
    return withBody(base, { ...body, paras }, `paras above ${PARAS_MAX_BYTES} bytes`, 'IOTDA.000024');
  }
  const padded = JSON.stringify(base.body) + ' '.repeat(OVERSIZED_BODY_BYTES);
  return withRawBody(base, padded, 'a valid body padded with whitespace to 512 KiB', 'IOTDA.000024');
}

function burst(ctx: ScenarioContext, limited: Credentials): Promise<void> {
  const request = {
    why: 'a burst',
    target: 'rateLimited',
    credentials: limited,
    path: { project_id: limited.projectId },
    query: { limit: '1' },
  } as const;
  return burstUntilRefused(() => ctx.send('listDevices', request), limited.projectId);
}

function rateLimited(base: PlannedRequest, _op: SpecOperation, ctx: ScenarioContext): PlannedRequest {
  const limited = ctx.settings.rateLimited;
  if (ctx.settings.mode === 'mock' || !limited) return { ...base, why: 'asked of the mock' };
  return {
    ...base,
    why: 'right after a burst that emptied the project rate limit',
    target: 'rateLimited',
    credentials: limited,
    path: { ...base.path, project_id: limited.projectId },
    errorCode: 'IOTDA.021101',
    prepare: () => burst(ctx, limited),
  };
}

interface ErrorPath {
  /** Why this status cannot be produced on this target (only servers: the mock answers any status asked of it). */
  skip?: (settings: ContractSettings) => string | undefined;
  build: (base: PlannedRequest, op: SpecOperation, ctx: ScenarioContext) => PlannedRequest;
}

const withoutCredentials = ({ credentials: _, ...request }: PlannedRequest): PlannedRequest => ({
  ...request,
  why: 'no credentials',
  errorCode: 'IOTDA.000002',
});

const ERROR_PATHS: Record<number, ErrorPath> = {
  400: { build: (base, op) => BAD_REQUEST[op.id](base) },
  401: { build: withoutCredentials },
  403: {
    build: (base, _op, ctx) =>
      withPathParam(
        base,
        'project_id',
        ctx.settings.forbiddenProjectId,
        'a project the token does not grant',
        'IOTDA.000021',
      ),
  },
  404: { build: notFound },
  413: { build: payloadTooLarge },
  429: {
    skip: (s) =>
      s.rateLimited
        ? undefined
        : 'no rate-limited project configured: set SNOOZE_RATE_LIMIT_TOKEN and SNOOZE_RATE_LIMIT_PROJECT_ID ' +
          '(and SNOOZE_RATE_LIMIT_URL when another replica enforces the limit) to cover 429',
    build: rateLimited,
  },
  500: {
    skip: (s) =>
      s.failingUrl
        ? undefined
        : 'a healthy deployment cannot be made to fail on purpose: set SNOOZE_FAILING_URL to a replica whose ' +
          'store is down to cover 500',
    build: (base, _op, ctx) =>
      ctx.settings.mode === 'mock'
        ? { ...base, why: 'asked of the mock' }
        : {
            ...base,
            target: 'failing',
            why: 'the valid request, to a replica whose store fails',
            errorCode: 'IOTDA.000001',
          },
  },
};

/** What the transaction for `status` of `op` sends; `example` is the spec's example request body. */
export function scenarioFor(op: SpecOperation, status: number, example: unknown, ctx: ScenarioContext): Scenario {
  if (status >= 200 && status < 300) return { request: successRequest(op, example, ctx) };
  const path = ERROR_PATHS[status];
  if (!path) {
    throw new Error(`no way to produce ${status}: teach contract-tests/src/dredd/error-paths.ts how to make it`);
  }
  const skip = ctx.settings.mode === 'server' ? path.skip?.(ctx.settings) : undefined;
  if (skip) return { skip };
  // The success request's setup serves the success answer; an error path needs none of it.
  const { prepare: _, ...base } = successRequest(op, example, ctx);
  return { request: path.build(base, op, ctx) };
}
