/**
 * The least any CreateAsyncCommand server built as the issue asks can do per request: fastify with routes and
 * strict validation from the spec (fastify-openapi-glue, the dispatcher's validator compiler), an answer of
 * the create's shape, and with FLOOR_REDIS_URL one Lua script call on Redis that stores the command and its
 * queue entry. No auth, ids, metrics or domain rules: what separates it from the dispatcher is ours, what
 * separates it from the hello world is the framework's and Redis's.
 */
import { randomBytes } from 'node:crypto';
import { deleteKeys } from '@snooze/core/testing';
import Fastify from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { Redis } from 'ioredis';
import { createValidatorCompiler } from '../../services/dispatcher/src/http/validation.js';
import { loadSpec } from '../../services/dispatcher/src/spec.js';

const STORE = `redis.call('HSET', KEYS[1], 'paras', ARGV[2], 'status', 'PENDING')
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;
const prefix = `snooze-floor:${randomBytes(4).toString('hex')}:`;
const redisUrl = process.env.FLOOR_REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl) : undefined;
redis?.defineCommand('floorStore', { numberOfKeys: 2, lua: STORE });
let sequence = 0;

const app = Fastify({ logger: false });
app.setValidatorCompiler(createValidatorCompiler());
app.get('/healthz', async () => ({ status: 'ok' }));
await app.register(openapiGlue, {
  specification: await loadSpec(),
  serviceHandlers: {
    async createAsyncCommand(request: { params: { device_id: string }; body: Record<string, unknown> }) {
      const commandId = String(++sequence).padStart(22, '0');
      const now = Date.now();
      if (redis) {
        const store = (redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>).floorStore;
        await store?.call(
          redis,
          `${prefix}{${request.params.device_id}}:${commandId}`,
          `${prefix}{${request.params.device_id}}:pending`,
          commandId,
          JSON.stringify(request.body.paras),
          now,
        );
      }
      const { service_id, command_name, paras, send_strategy, expire_time = 0 } = request.body;
      const created_time = new Date(now).toISOString().replace(/[-:]|\.\d+/g, '');
      return {
        device_id: request.params.device_id,
        command_id: commandId,
        service_id,
        command_name,
        paras,
        expire_time,
        send_strategy,
        status: 'PENDING',
        created_time,
      };
    },
  },
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', async () => {
  await app.close();
  if (redis) {
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
  process.exit(0);
});
