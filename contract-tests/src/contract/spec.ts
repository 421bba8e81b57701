/**
 * The contract as every suite reads it: the operations of the bundled spec, dereferenced, with their parameters,
 * request body and documented responses as JSON schemas. Dredd's own OpenAPI 3 parser drops most schema
 * keywords (patterns, enums, ranges), so the checks start from this view instead of Dredd's.
 */
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { operations } from '@snooze/client/schema';
import { type JsonSchema, toJsonSchema } from './json-schema.js';

/**
 * The bundle every tool reads (`npm run bundle:spec` writes it). Not imported from openapi/scripts: that module
 * awaits at top level, which Dredd's require() of the hooks cannot load.
 */
export const SPEC_BUNDLE = fileURLToPath(new URL('../../../openapi/dist/openapi.yaml', import.meta.url));

export type OperationId = keyof operations;

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface SpecResponse {
  status: number;
  /** The JSON body's schema; absent when the response documents no body (204). */
  schema?: JsonSchema;
  /** Response headers the spec marks as required (`X-Request-Id` on every answer). */
  requiredHeaders: string[];
}

export interface SpecOperation {
  id: OperationId;
  /** Upper case, as it goes on the wire. */
  method: string;
  /** The path template, e.g. `/v5/iot/{project_id}/devices/{device_id}`. */
  path: string;
  parameters: SpecParameter[];
  requestBody?: { required: boolean; schema: JsonSchema };
  responses: Map<number, SpecResponse>;
}

export interface Contract {
  operations: Map<OperationId, SpecOperation>;
  operation(id: OperationId): SpecOperation;
  /** The operation behind a method and a path template, as Dredd names its transactions' origin. */
  byRoute(method: string, path: string): SpecOperation | undefined;
}

interface RawMedia {
  schema?: object;
}
interface RawResponse {
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, RawMedia>;
}
interface RawOperation {
  operationId: OperationId;
  parameters?: { name: string; in: SpecParameter['in']; required?: boolean; schema: object }[];
  requestBody?: { required?: boolean; content: Record<string, RawMedia> };
  responses: Record<string, RawResponse>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const JSON_MEDIA = 'application/json';

function toResponse(status: number, raw: RawResponse): SpecResponse {
  const schema = raw.content?.[JSON_MEDIA]?.schema;
  const requiredHeaders = Object.entries(raw.headers ?? {})
    .filter(([, header]) => header.required)
    .map(([name]) => name);
  return { status, requiredHeaders, ...(schema ? { schema: toJsonSchema(schema) } : {}) };
}

function toOperation(method: string, path: string, raw: RawOperation): SpecOperation {
  const bodySchema = raw.requestBody?.content[JSON_MEDIA]?.schema;
  return {
    id: raw.operationId,
    method: method.toUpperCase(),
    path,
    parameters: (raw.parameters ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required === true,
      schema: toJsonSchema(p.schema),
    })),
    ...(bodySchema
      ? { requestBody: { required: raw.requestBody?.required === true, schema: toJsonSchema(bodySchema) } }
      : {}),
    responses: new Map(Object.entries(raw.responses).map(([code, r]) => [Number(code), toResponse(Number(code), r)])),
  };
}

async function readContract(specPath: string): Promise<Contract> {
  const api = (await SwaggerParser.dereference(specPath)) as unknown as {
    paths: Record<string, Partial<Record<(typeof METHODS)[number], RawOperation>>>;
  };
  const operations = new Map<OperationId, SpecOperation>();
  for (const [path, item] of Object.entries(api.paths)) {
    for (const method of METHODS) {
      const raw = item[method];
      if (raw) operations.set(raw.operationId, toOperation(method, path, raw));
    }
  }
  const routes = new Map([...operations.values()].map((op) => [`${op.method} ${op.path}`, op]));
  return {
    operations,
    operation(id) {
      const op = operations.get(id);
      if (!op) throw new Error(`the spec has no operation ${id}`);
      return op;
    },
    byRoute: (method, path) => routes.get(`${method.toUpperCase()} ${path}`),
  };
}

const loaded = new Map<string, Promise<Contract>>();

/** The contract of the bundled spec (or another bundle), read once per process. */
export function loadContract(specPath: string = SPEC_BUNDLE): Promise<Contract> {
  let contract = loaded.get(specPath);
  if (!contract) {
    contract = readContract(specPath);
    loaded.set(specPath, contract);
  }
  return contract;
}
