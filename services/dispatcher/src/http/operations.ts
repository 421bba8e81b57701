/**
 * The handler interface, derived from the types generated from the spec: one method per operationId, with
 * that operation's path/query parameters, body and success response. An operation added to the spec is a
 * type error here until it has a handler; a handler returning a body the spec does not declare is one too.
 */
import type { operations } from '@snooze/client/schema';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '../auth/index.js';

export type OperationId = keyof operations;

type Op<K extends OperationId> = operations[K];
type JsonContent<T> = T extends { content: { 'application/json': infer B } } ? B : undefined;
type Parameters<K extends OperationId> = Op<K>['parameters'];

export type PathParams<K extends OperationId> = Parameters<K> extends { path: infer P } ? P : never;
export type QueryParams<K extends OperationId> =
  Parameters<K> extends { query?: infer Q } ? Exclude<Q, undefined> : never;
export type RequestBody<K extends OperationId> =
  Op<K> extends { requestBody: infer B }
    ? JsonContent<B>
    : Op<K> extends { requestBody?: infer B }
      ? JsonContent<Exclude<B, undefined>> | undefined
      : undefined;

type Responses<K extends OperationId> = Op<K>['responses'];
type SuccessStatus<K extends OperationId> = Extract<keyof Responses<K>, 200 | 201 | 204>;

export type OperationResult<K extends OperationId> = {
  [S in SuccessStatus<K>]: { status: S; body: JsonContent<Responses<K>[S]> };
}[SuccessStatus<K>];

export interface OperationRequest<K extends OperationId> {
  params: PathParams<K>;
  query: QueryParams<K>;
  body: RequestBody<K>;
  identity: Identity;
}

export type OperationHandlers = {
  [K in OperationId]: (request: OperationRequest<K>) => Promise<OperationResult<K>>;
};

type GlueHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Adapts typed handlers to fastify-openapi-glue's `serviceHandlers` (one function per operationId). */
export function toServiceHandlers(handlers: OperationHandlers): Record<OperationId, GlueHandler> {
  const adapted = {} as Record<OperationId, GlueHandler>;
  for (const id of Object.keys(handlers) as OperationId[]) {
    // Per-operation types cannot survive iteration over all of them; the spec's response schemas are what
    // guard the shape at run time (fastify serializes every reply through them).
    const handler = handlers[id] as (request: unknown) => Promise<{ status: number; body: unknown }>;
    adapted[id] = async (request, reply) => {
      if (!request.identity) throw new Error(`${String(id)} reached without an identity`);
      const result = await handler({
        params: request.params as never,
        query: (request.query ?? {}) as never,
        body: request.body as never,
        identity: request.identity,
      });
      void reply.code(result.status);
      return result.status === 204 ? reply.send() : result.body;
    };
  }
  return adapted;
}
