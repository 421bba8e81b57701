/**
 * Dredd's hooks (loaded by hooks/contract.cjs inside Dredd's process). Dredd alone would send the spec's example
 * request for every documented response and check neither types nor enums in OpenAPI 3 mode; these hooks
 * - order the transactions so that ids created by one feed the next (see chain.ts),
 * - rewrite each transaction into the request that really produces its status (see error-paths.ts), or skip it
 *   with a reason,
 * - make gavel validate the body against the dereferenced response schema of the spec,
 * - check what the schema cannot: the error_code of each error path, and empty 204 bodies,
 * - and record every outcome in a report for the runner.
 */
import { randomUUID } from 'node:crypto';
import { type Contract, loadContract, type SpecOperation } from '../contract/spec.js';
import { settingsFromEnv } from '../settings.js';
import { type Sink, startSink } from '../targets/sink.js';
import { Chain, CREATES, rank } from './chain.js';
import type { DreddHooks, DreddTransaction } from './dredd-api.js';
import { scenarioFor } from './error-paths.js';
import type { PlannedRequest } from './planned-request.js';
import { formatFailures, formatSkips, REPORT_ENV, type TransactionRecord, writeReport } from './report.js';
import type { ScenarioContext } from './success.js';
import { sendPlanned, toWire } from './wire.js';

interface Planned {
  op?: SpecOperation;
  status: number;
  why: string;
  request?: PlannedRequest;
}

// Headers of Dredd's example request that the planned request does not decide.
const KEPT_HEADERS = ['User-Agent', 'Instance-Id'];

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function writeInto(
  t: DreddTransaction,
  op: SpecOperation,
  request: PlannedRequest,
  ctx: ScenarioContext,
  status: number,
) {
  const wire = toWire(op, request, ctx.settings, status);
  // Dredd prints this id; it names the request as really sent, on whichever server it went to.
  t.id = `${wire.method} (${status}) ${request.target === 'main' ? '' : wire.url.origin}${wire.url.pathname}${wire.url.search}`;
  t.protocol = wire.url.protocol;
  t.host = wire.url.hostname;
  t.port = wire.url.port;
  t.fullPath = wire.url.pathname + wire.url.search;
  t.request.uri = t.fullPath;
  t.request.method = wire.method;
  const kept = Object.entries(t.request.headers).filter(([name]) => KEPT_HEADERS.includes(name));
  t.request.headers = { ...Object.fromEntries(kept), ...wire.headers };
  t.request.body = wire.body;
  const schema = op.responses.get(status)?.schema;
  if (schema) t.expected.bodySchema = schema;
}

/** What the answer must also satisfy beyond status, headers and schema. */
function extraProblems(t: DreddTransaction, planned: Planned, ctx: ScenarioContext): string[] {
  const real = t.real;
  if (!real || real.statusCode !== planned.status) return [];
  const body = real.body ?? '';
  if (!planned.op?.responses.get(planned.status)?.schema && body !== '') {
    return [`a ${planned.status} answer must have no body, got: ${body.slice(0, 200)}`];
  }
  const expected = planned.request?.errorCode;
  const actual = (parseJson(body) as { error_code?: unknown } | undefined)?.error_code;
  // The mock answers the spec's example error, which cannot know which code this path has.
  if (ctx.settings.mode === 'server' && expected && actual !== expected) {
    return [`error_code ${String(actual)}, expected ${expected} (${planned.why})`];
  }
  return [];
}

function rememberCreated(t: DreddTransaction, planned: Planned, chain: Chain): void {
  const name = planned.op && CREATES[planned.op.id];
  if (!name || t.real?.statusCode !== planned.status || planned.status >= 300) return;
  const value = (parseJson(t.real.body) as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') chain.remember(name, value);
}

export function registerHooks(hooks: DreddHooks, env: NodeJS.ProcessEnv = process.env): void {
  const settings = settingsFromEnv(env);
  const chain = new Chain(randomUUID().slice(0, 8));
  const plans = new WeakMap<DreddTransaction, Planned>();
  const records: TransactionRecord[] = [];
  let contract: Contract;
  let sink: Sink;
  let ctx: ScenarioContext;

  const plan = (t: DreddTransaction): Planned => {
    const planned = plans.get(t) ?? {
      op: contract.byRoute(t.request.method, t.origin.resourceName),
      status: Number(t.expected.statusCode),
      why: '',
    };
    plans.set(t, planned);
    return planned;
  };

  async function prepare(t: DreddTransaction): Promise<void> {
    const planned = plan(t);
    const { op, status } = planned;
    if (!op) throw new Error(`the spec has no operation for ${t.request.method} ${t.origin.resourceName}`);
    const scenario = scenarioFor(op, status, parseJson(t.request.body), ctx);
    if ('skip' in scenario) {
      t.skip = true;
      planned.why = scenario.skip;
      return;
    }
    planned.request = scenario.request;
    planned.why = scenario.request.why;
    await scenario.request.prepare?.();
    writeInto(t, op, scenario.request, ctx, status);
  }

  hooks.beforeAll((transactions, done) => {
    const setup = async () => {
      contract = await loadContract();
      sink = await startSink();
      ctx = { settings, chain, sinkUrl: sink.url, send: sendPlanned((id) => contract.operation(id), settings) };
      // Spec order would read and delete before anything exists; Array#sort is stable, so ties keep it.
      transactions.sort((a, b) => rank(plan(a).op?.id, plan(a).status) - rank(plan(b).op?.id, plan(b).status));
    };
    setup().then(done, (error: unknown) => {
      for (const t of transactions) t.fail = `the hooks could not start: ${message(error)}`;
      done();
    });
  });

  hooks.beforeEach((t, done) => {
    prepare(t).then(done, (error: unknown) => {
      t.fail = message(error);
      done();
    });
  });

  hooks.afterEach((t, done) => {
    const planned = plan(t);
    const extra = t.skip ? [] : extraProblems(t, planned, ctx);
    if (extra.length > 0) t.fail = extra.join('; ');
    rememberCreated(t, planned, chain);
    const failed = !t.skip && (Boolean(t.fail) || t.test?.valid !== true);
    const problems = [t.test?.message, typeof t.fail === 'string' ? t.fail : undefined, ...extra]
      .filter((p): p is string => Boolean(p?.trim()))
      .map((p) => p.trim());
    records.push({
      name: t.name,
      operationId: planned.op?.id ?? `${t.request.method} ${t.origin.resourceName}`,
      status: planned.status,
      outcome: t.skip ? 'skip' : failed ? 'fail' : 'pass',
      why: planned.why,
      problems: failed ? [...new Set(problems)] : [],
    });
    done();
  });

  hooks.afterAll((_transactions, done) => {
    const finish = async () => {
      await sink?.close();
      const path = env[REPORT_ENV];
      if (path) await writeReport(path, { records });
      // Run without the runner (plain `dredd --config dredd.yml`), the hooks print what the runner would.
      else console.log(`${formatSkips({ records })}\n${formatFailures({ records })}`);
    };
    finish().then(done, (error: unknown) => {
      console.error(`the contract hooks could not finish: ${message(error)}`);
      done();
    });
  });
}
