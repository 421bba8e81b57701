import { once } from 'node:events';
import { connect } from 'node:net';
import { openRuntime } from '@snooze/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startDispatcher } from '../src/server.js';
import { addDevice, PROJECT, startTestDispatcher, type TestDispatcher, TOKEN } from './harness.js';

describe('operational endpoints', () => {
  let t: TestDispatcher;
  beforeAll(async () => {
    t = await startTestDispatcher('redis');
  });
  afterAll(() => t.close());

  it('answers /healthz and /readyz without credentials', async () => {
    expect((await fetch(`${t.dispatcher.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.dispatcher.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBeTruthy();
  });

  it('counts requests, created commands and transitions in /metrics', async () => {
    const device = await addDevice(t.api);
    await t.api.call('createAsyncCommand', {
      path: { project_id: PROJECT, device_id: device },
      body: { paras: {}, send_strategy: 'delay' },
    });
    const text = await (await fetch(`${t.dispatcher.url}/metrics`)).text();
    expect(text).toMatch(/snooze_commands_created_total\{strategy="delay",status="PENDING"\} [1-9]/);
    expect(text).toMatch(/snooze_command_transitions_total\{status="PENDING"\} [1-9]/);
    expect(text).toMatch(
      /snooze_http_requests_total\{route="\/v5\/iot\/:project_id\/devices\/:device_id\/async-commands",method="POST",status="200"\} 1/,
    );
  });

  it('answers an unknown path with 404 in the API error shape', async () => {
    const res = await fetch(`${t.dispatcher.url}/v5/iot/${PROJECT}/nothing-here`, {
      headers: { 'x-auth-token': TOKEN },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ error_code: 'IOTDA.000005' });
  });
});

describe('readiness without a store', () => {
  it('answers /readyz 503 while Redis is unreachable, and the API 500 in the error shape', async () => {
    // Nothing listens on port 1: every store call fails fast.
    const runtime = openRuntime({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'snooze-test:unreachable:' });
    const dispatcher = await startDispatcher({
      runtime,
      logger: createLogger('silent'),
      config: { host: '127.0.0.1', port: 0, apiTokens: `${TOKEN}:${PROJECT}` },
    });
    try {
      expect((await fetch(`${dispatcher.url}/readyz`)).status).toBe(503);
      const res = await fetch(`${dispatcher.url}/v5/iot/${PROJECT}/devices`, { headers: { 'x-auth-token': TOKEN } });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error_code: 'IOTDA.000001', error_msg: 'Internal server error.' });
    } finally {
      await dispatcher.close();
      await runtime.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes a request that is in flight when the shutdown starts', async () => {
    const t = await startTestDispatcher('memory');
    const device = await addDevice(t.api);
    const { port } = new URL(t.dispatcher.url);
    const body = JSON.stringify({ paras: { value: 'ON' }, send_strategy: 'delay' });
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // Headers and half the body are on the wire when close() begins; the rest follows after.
    socket.write(
      `POST /v5/iot/${PROJECT}/devices/${device}/async-commands HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `X-Auth-Token: ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n` +
        body.slice(0, 10),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = t.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.end(body.slice(10));
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    await closing;
    const response = Buffer.concat(chunks).toString();
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).toContain('"status":"PENDING"');
  });
});
