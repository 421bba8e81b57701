/**
 * Generated requests for one operation, valid and invalid: path ids that exist (from the pool), ids that do not,
 * ids outside their pattern; query parameters inside and outside their schema; bodies from the request schema,
 * bodies with one thing broken, bodies that are not JSON; missing or foreign credentials; other projects.
 */
import fc from 'fast-check';
import type { JsonSchema } from '../contract/json-schema.js';
import type { OperationId, SpecOperation, SpecParameter } from '../contract/spec.js';
import type { ContractSettings } from '../settings.js';
import { brokenBody, brokenBodyText, brokenParameter } from './invalid.js';
import type { PoolKind, ResourcePool } from './pool.js';
import { type FieldArbitraries, schemaArbitrary } from './schema-arbitrary.js';

export interface FuzzRequest {
  operationId: OperationId;
  /** What the generator meant to send, e.g. `device_id:pooled`, `body:broken`; printed with a failure. */
  intent: string[];
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzContext {
  settings: ContractSettings;
  pool: ResourcePool;
  /** Rule actions point here, never at a host a test may not talk to. */
  sinkUrl: string;
}

interface Part<T> {
  value: T;
  intent: string;
}

const part = <T>(intent: string, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<Part<T>> =>
  arbitrary.map((value) => ({ value, intent }));

const ID_KINDS: Record<string, PoolKind> = { device_id: 'device', rule_id: 'rule', action_id: 'action' };

// '.' and '..' are dot segments: URL normalisation removes them, and the request names another route.
const pathSafe = (value: string) => value !== '' && value !== '.' && value !== '..';

function compactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const TIMES = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date('2030-12-31T23:59:59Z'),
  noInvalidDate: true,
});

function validParameter(param: SpecParameter): fc.Arbitrary<string> {
  if (param.name === 'start_time' || param.name === 'end_time') {
    return fc.oneof(TIMES.map(compactTime), schemaArbitrary(param.schema).map(String));
  }
  return schemaArbitrary(param.schema).map(String);
}

function pathParameter(param: SpecParameter, ctx: FuzzContext): fc.Arbitrary<Part<string>> {
  if (param.name === 'project_id') {
    return fc.oneof(
      { weight: 18, arbitrary: part('project:own', fc.constant(ctx.settings.main.projectId)) },
      { weight: 1, arbitrary: part('project:forbidden', fc.constant(ctx.settings.forbiddenProjectId)) },
      { weight: 1, arbitrary: part('project:random', validParameter(param)) },
    );
  }
  const kind = ID_KINDS[param.name];
  const pooled = kind
    ? [
        {
          weight: 6,
          arbitrary: part(
            `${param.name}:pooled`,
            fc.nat().map((i) => ctx.pool.pick(kind, i) ?? 'none'),
          ),
        },
      ]
    : [];
  return fc.oneof(
    ...pooled,
    { weight: 3, arbitrary: part(`${param.name}:random`, validParameter(param)) },
    { weight: 1, arbitrary: part(`${param.name}:broken`, brokenParameter(param.schema).filter(pathSafe)) },
  );
}

function pathArbitrary(op: SpecOperation, ctx: FuzzContext): fc.Arbitrary<Part<Record<string, string>>[]> {
  const params = op.parameters.filter((p) => p.in === 'path');
  const independent = fc.tuple(
    ...params.map((p) => pathParameter(p, ctx).map((v) => ({ value: { [p.name]: v.value }, intent: v.intent }))),
  );
  if (!params.some((p) => p.name === 'command_id')) return independent;
  // A command is only found on its own device: pick both together.
  const pair = fc.nat().map((i): Part<Record<string, string>>[] => {
    const ref = ctx.pool.pickCommand(i);
    return [
      { value: { project_id: ctx.settings.main.projectId }, intent: 'project:own' },
      { value: { device_id: ref?.device ?? 'none', command_id: ref?.command ?? 'none' }, intent: 'command:pooled' },
    ];
  });
  return fc.oneof({ weight: 2, arbitrary: pair }, { weight: 1, arbitrary: independent });
}

function queryArbitrary(op: SpecOperation): fc.Arbitrary<Part<[string, string] | undefined>[]> {
  const params = op.parameters.filter((p) => p.in === 'query');
  return fc.tuple(
    ...params.map((p) =>
      fc.oneof(
        { weight: 6, arbitrary: part(`${p.name}:absent`, fc.constant(undefined)) },
        {
          weight: 3,
          arbitrary: part(
            `${p.name}:valid`,
            validParameter(p).map((v): [string, string] => [p.name, v]),
          ),
        },
        {
          weight: 1,
          arbitrary: part(
            `${p.name}:broken`,
            brokenParameter(p.schema).map((v): [string, string] => [p.name, v]),
          ),
        },
      ),
    ),
  );
}

function credentials(ctx: FuzzContext): fc.Arbitrary<Part<Record<string, string>>> {
  return fc.oneof(
    { weight: 18, arbitrary: part('auth:token', fc.constant({ 'X-Auth-Token': ctx.settings.main.token })) },
    { weight: 1, arbitrary: part('auth:none', fc.constant({})) },
    {
      weight: 1,
      arbitrary: part(
        'auth:unknown',
        fc.string({ minLength: 1, maxLength: 12 }).map((t) => ({ 'X-Auth-Token': `x${t}` })),
      ),
    },
  );
}

const INSTANCE_IDS = fc.oneof(
  { weight: 8, arbitrary: part('instance:absent', fc.constant({})) },
  {
    weight: 1,
    arbitrary: part(
      'instance:valid',
      fc.uuid().map((id) => ({ 'Instance-Id': id })),
    ),
  },
  { weight: 1, arbitrary: part('instance:too-long', fc.constant({ 'Instance-Id': 'i'.repeat(65) })) },
);

function bodyArbitrary(schema: JsonSchema, ctx: FuzzContext): fc.Arbitrary<Part<{ text: string; type?: string }>> {
  const fields: FieldArbitraries = {
    url: fc.constantFrom(ctx.sinkUrl, `${ctx.sinkUrl}?fuzz=1`),
    rule_id: fc.oneof(
      fc.nat().map((i) => ctx.pool.pick('rule', i) ?? 'none'),
      schemaArbitrary(schema.properties?.rule_id ?? {}),
    ),
  };
  const valid = schemaArbitrary(schema, fields);
  const json = (value: unknown) => ({ text: JSON.stringify(value), type: 'application/json' });
  return fc.oneof(
    { weight: 6, arbitrary: part('body:valid', valid.map(json)) },
    { weight: 3, arbitrary: part('body:broken', brokenBody(valid, schema).map(json)) },
    {
      weight: 1,
      arbitrary: part(
        'body:not-json',
        brokenBodyText.map((text) => ({ text, type: 'application/json' })),
      ),
    },
    {
      weight: 1,
      arbitrary: part(
        'body:text/plain',
        valid.map((v) => ({ text: JSON.stringify(v), type: 'text/plain' })),
      ),
    },
  );
}

export function requestArbitrary(op: SpecOperation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const body = op.requestBody ? bodyArbitrary(op.requestBody.schema, ctx) : fc.constant(undefined);
  return fc
    .record({
      path: pathArbitrary(op, ctx),
      query: queryArbitrary(op),
      auth: credentials(ctx),
      instance: INSTANCE_IDS,
      body,
    })
    .map(({ path, query, auth, instance, body }) => {
      const headers: Record<string, string> = { ...auth.value, ...instance.value };
      if (body?.value.type) headers['Content-Type'] = body.value.type;
      return {
        operationId: op.id,
        intent: [
          ...path.map((p) => p.intent),
          ...query.filter((q) => q.value).map((q) => q.intent),
          auth.intent,
          instance.intent,
          ...(body ? [body.intent] : []),
        ],
        path: Object.assign({}, ...path.map((p) => p.value)),
        query: Object.fromEntries(query.flatMap((q) => (q.value ? [q.value] : []))),
        headers,
        ...(body ? { body: body.value.text } : {}),
      };
    });
}
