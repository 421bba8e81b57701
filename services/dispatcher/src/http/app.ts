/**
 * The HTTP transport: fastify with every API route, schema and validator taken from the bundled spec by
 * fastify-openapi-glue. This file only wires cross-cutting concerns (request ids, raw bodies for signature
 * checks, authentication, rate limits, metrics, error shape); the operations live in `../handlers/`.
 */
import { randomUUID } from 'node:crypto';
import { AppError, LIMITS } from '@snooze/core';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { type Authenticator, authorizeProject, type Identity } from '../auth/index.js';
import type { DispatcherMetrics } from '../metrics.js';
import { errorBody, handleError } from './error-handler.js';
import { type OperationHandlers, toServiceHandlers } from './operations.js';
import type { ProjectRateLimiter } from './rate-limit.js';
import { createValidatorCompiler } from './validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    identity?: Identity;
  }
  interface FastifyContextConfig {
    /** Operational endpoints (health, metrics) that need no credentials. */
    public?: boolean;
  }
}

export interface HttpAppOptions {
  spec: Record<string, unknown>;
  handlers: OperationHandlers;
  authenticator: Authenticator;
  metrics: DispatcherMetrics;
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  rateLimiter?: ProjectRateLimiter;
  /** Resolves when the service can take traffic (its store answers). */
  ready: () => Promise<void>;
  /** Sampled at scrape time for the queue-depth gauge. */
  pendingCount?: () => Promise<number>;
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const accessLog = options.logger.level === 'debug' || options.logger.level === 'trace';
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: () => randomUUID(),
    bodyLimit: options.bodyLimitBytes,
    // Per-request access lines only at debug: at info they would cost more than the request itself.
    logController: new LogController({
      requestIdLogLabel: 'request_id',
      disableRequestLogging: !accessLog,
    }),
    return503OnClosing: true,
    // fastify's router refuses path parameters over 100 characters by itself, as a 414 in its own shape; a device
    // id may have 128. Longer ones (and malformed %-escapes) still fail in the router, before any route or hook.
    routerOptions: { maxParamLength: LIMITS.deviceIdMaxLength },
    frameworkErrors: (error, request, reply) => {
      // No onSend hook runs for these: its headers are set here, and a serializer of the reply's own keeps fastify
      // from appending a charset to the type.
      void reply.header('X-Request-Id', request.id).type('application/json').serializer(JSON.stringify);
      handleError(error, request, reply);
    },
  });
  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('ROUTE_NOT_FOUND', `${request.method} ${request.url}`);
    void reply.code(error.status).send(errorBody(error));
  });
  keepRawJsonBodies(app);
  // The hooks are callback-style, not async: they run on every request, and an async hook costs a promise and a
  // microtask turn each time for work that is synchronous anyway.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('X-Request-Id', request.id);
    // IoTDA clients (and Dredd) expect exactly `application/json`, without fastify's charset suffix.
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
      void reply.header('content-type', 'application/json');
    }
    keepConnectionToDrain(request, reply, options.bodyLimitBytes);
    done(null, payload);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.routeOptions.config.public || !request.routeOptions.url) return done();
    try {
      authenticate(request, options);
      parseJsonBody(request);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
  observe(app, options.metrics);
  registerOperationalRoutes(app, options);
  await app.register(openapiGlue, {
    specification: options.spec,
    serviceHandlers: toServiceHandlers(options.handlers),
  });
  return app;
}

/**
 * fastify closes the connection after refusing a body it did not read (413 over the body limit). A socket
 * closed with the client's body still in its receive buffer makes the kernel send a reset, which can reach
 * the client before the answer: it sees a broken connection instead of the 413 (seen in CI under load).
 * A body of bounded declared length is read off the wire instead (Node discards the rest of an unread
 * request before it parses the next one), so the answer arrives and the connection stays usable; a larger
 * or undeclared one is still cut off.
 */
function keepConnectionToDrain(request: FastifyRequest, reply: FastifyReply, bodyLimitBytes: number): void {
  if (reply.statusCode !== 413 || reply.getHeader('connection') !== 'close') return;
  const declared = Number(request.headers['content-length']);
  if (Number.isInteger(declared) && declared <= DRAINED_BODY_LIMITS * bodyLimitBytes) reply.removeHeader('connection');
}

/** Refused bodies up to this many body limits are drained rather than cut off. */
const DRAINED_BODY_LIMITS = 4;

/**
 * JSON bodies are kept as bytes until the request is authenticated: the AK/SK signature covers the raw
 * bytes, and an anonymous caller learns nothing from parse errors. `parseJsonBody` runs after auth.
 */
function keepRawJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, undefined);
  });
}

function parseJsonBody(request: FastifyRequest): void {
  const raw = request.rawBody;
  // IoTDA's SDK sends `Content-Type: application/json` with no body on the bodiless POST .../count.
  if (!raw || raw.length === 0) return;
  try {
    request.body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('BAD_REQUEST', 'The body is not valid JSON.');
  }
}

/** Credentials, then the project the path names, then the project's rate: all before the body is read. */
function authenticate(request: FastifyRequest, options: HttpAppOptions): void {
  const identity = options.authenticator.authenticate(authInput(request));
  request.identity = identity;
  authorizeProject(identity, (request.params as { project_id: string }).project_id);
  if (options.rateLimiter && !options.rateLimiter.take(identity.projectId)) throw new AppError('RATE_LIMITED');
}

function authInput(request: FastifyRequest) {
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: request.method,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: request.headers,
    rawBody: request.rawBody,
  };
}

function observe(app: FastifyInstance, metrics: DispatcherMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.requestDuration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    done();
  });
}

function registerOperationalRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  const config = { public: true };
  app.get('/healthz', { config }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config }, async (_request, reply) => {
    try {
      await options.ready();
      return { status: 'ready' };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', reason: (error as Error).message });
    }
  });
  app.get('/metrics', { config }, async (_request, reply) => {
    if (options.pendingCount) options.metrics.queueDepth.set(await options.pendingCount());
    return reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
}
