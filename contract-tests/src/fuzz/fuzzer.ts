/**
 * Property-based contract fuzzing: thousands of generated requests (see requests.ts) against a running server.
 * The property: every answer has a status the spec documents for its operation, keeps that status's schema,
 * headers and content type (AnswerChecker), and is never a 5xx. Seeded, so a run is repeatable; a failure stops
 * the run at once (no shrinking: the server's state moves on) and reports the request and the answer in full.
 */
import fc from 'fast-check';
import { AnswerChecker, type HttpAnswer } from '../contract/answer-check.js';
import { type Contract, loadContract, type OperationId } from '../contract/spec.js';
import type { ContractSettings } from '../settings.js';
import { operationUrl, SpecClient } from '../spec-client.js';
import { startSink } from '../targets/sink.js';
import { ResourcePool } from './pool.js';
import { type FuzzContext, type FuzzRequest, requestArbitrary } from './requests.js';

export interface FuzzOptions {
  settings: ContractSettings;
  seed: number;
  numRuns: number;
  /** Only these operations (default: all of the spec's). */
  operations?: OperationId[];
}

export interface FuzzOutcome {
  /** Requests sent, including the pool's seeding. */
  requests: number;
  /** How many answers had each status. */
  statuses: Record<number, number>;
  /** How many requests each operation got. */
  operations: Partial<Record<OperationId, number>>;
  /** fast-check's report (seed, path, the request and the answer); absent when the property held. */
  failure?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
const SHOWN = 2_000;

async function send(settings: ContractSettings, contract: Contract, request: FuzzRequest): Promise<HttpAnswer> {
  const op = contract.operation(request.operationId);
  const response = await fetch(operationUrl(settings.url, op, request), {
    method: op.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function describe(request: FuzzRequest, answer: HttpAnswer, problems: string[]): string {
  return [
    `${request.operationId} answered ${answer.status}:`,
    ...problems.map((p) => `  - ${p}`),
    `request: ${JSON.stringify({ ...request, body: request.body?.slice(0, SHOWN) })}`,
    `answer body: ${answer.text.slice(0, SHOWN)}`,
  ].join('\n');
}

/** A few resources of every kind, so that generated requests can hit existing ones from the first run on. */
async function seedPool(settings: ContractSettings, pool: ResourcePool, sinkUrl: string): Promise<number> {
  const api = await SpecClient.create(settings.url, { 'X-Auth-Token': settings.main.token });
  const project_id = settings.main.projectId;
  let sent = 0;
  const create = async (operationId: OperationId, path: Record<string, string>, body: unknown) => {
    const result = await api.call(operationId, { path: { project_id, ...path }, body });
    sent += 1;
    pool.remember(operationId, result.body);
    return result.body as Record<string, string>;
  };
  const suffix = Math.random().toString(36).slice(2, 10);
  for (let i = 0; i < 3; i++) {
    const { device_id = '' } = await create('addDevice', {}, { node_id: `fuzz-${suffix}-${i}`, product_id: 'fuzz' });
    await create('createAsyncCommand', { device_id }, { paras: { i }, send_strategy: 'delay' });
    const { rule_id = '' } = await create(
      'createRoutingRule',
      {},
      { subject: { resource: 'device.command.status', event: 'update' } },
    );
    await create(
      'createRuleAction',
      {},
      { rule_id, channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding: { url: sinkUrl } } },
    );
  }
  return sent;
}

export async function fuzzContract(options: FuzzOptions): Promise<FuzzOutcome> {
  const { settings } = options;
  const contract = await loadContract();
  const checker = new AnswerChecker();
  const pool = new ResourcePool();
  const sink = await startSink();
  const outcome: FuzzOutcome = { requests: 0, statuses: {}, operations: {} };
  try {
    outcome.requests += await seedPool(settings, pool, sink.url);
    const ctx: FuzzContext = { settings, pool, sinkUrl: sink.url };
    const ids = options.operations ?? [...contract.operations.keys()];
    const requests = fc.constantFrom(...ids).chain((id) => requestArbitrary(contract.operation(id), ctx));
    const property = fc.asyncProperty(requests, async (request) => {
      const answer = await send(settings, contract, request);
      outcome.requests += 1;
      outcome.statuses[answer.status] = (outcome.statuses[answer.status] ?? 0) + 1;
      outcome.operations[request.operationId] = (outcome.operations[request.operationId] ?? 0) + 1;
      const problems = checker.problems(contract.operation(request.operationId), answer);
      if (answer.status >= 500) problems.push(`a ${answer.status}: the server failed on this input`);
      if (problems.length > 0) throw new Error(describe(request, answer, problems));
      if (answer.status < 300 && answer.text) pool.remember(request.operationId, JSON.parse(answer.text));
    });
    const result = await fc.check(property, { seed: options.seed, numRuns: options.numRuns, endOnFailure: true });
    if (result.failed) {
      const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      outcome.failure = `${fc.defaultReportMessage(result) ?? 'the property failed'}\n${error}`;
    }
    return outcome;
  } finally {
    await sink.close();
  }
}
