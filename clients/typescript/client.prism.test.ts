/**
 * Drives the generated client against a Prism mock of the bundled contract: the typed requests must be what
 * the contract accepts, the answers must validate against the contract's schemas, and requests that break the
 * contract must be refused. Everything listens on 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_BUNDLE } from '../../openapi/scripts/bundle-spec.js';
import { createSnoozeClient, type SnoozeClient } from './src/index.js';

const require = createRequire(import.meta.url);
const prismCli = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');

const PROJECT = '0d1b2c3a4e5f60718293a4b5c6d7e8f9';
const DEVICE = '65a1f0c2b7e5c94d1a3f2e10_860123456789012';
const COMMANDS = '/v5/iot/{project_id}/devices/{device_id}/async-commands';
const devicePath = { project_id: PROJECT, device_id: DEVICE };

// Schemas are annotated with OpenAPI's `example` and the project's `x-*` keywords; everything else stays strict.
const ajv = new Ajv({ allErrors: true });
ajv.addVocabulary(['example', 'x-max-bytes']);

interface Node {
  [key: string]: Node | undefined;
}
const api = (await SwaggerParser.dereference(SPEC_BUNDLE)) as unknown as Node;

function operation(operationId: string): Node {
  for (const item of Object.values(api.paths ?? {})) {
    for (const op of Object.values(item ?? {})) {
      if (op && op.operationId === (operationId as unknown)) return op;
    }
  }
  throw new Error(`no operation ${operationId} in the spec`);
}

/** Asserts that a client answer is one the contract documents for this operation, body included. */
function expectSpecAnswer(operationId: string, answer: { response: Response; data?: unknown; error?: unknown }) {
  const { status, headers } = answer.response;
  const documented = operation(operationId).responses?.[String(status)];
  expect(documented, `${operationId} answered undocumented status ${status}`).toBeDefined();
  expect(headers.get('x-request-id'), 'X-Request-Id').toBeTruthy();
  const schema = documented?.content?.['application/json']?.schema;
  if (!schema) return;
  expect(headers.get('content-type')).toBe('application/json');
  const validate = ajv.compile(schema);
  const body = answer.data ?? answer.error;
  expect(validate(body), `${operationId} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

let prism: ChildProcess;
let prismLog = '';
let baseUrl: string;
let client: SnoozeClient;

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  prism = spawn(process.execPath, [prismCli, 'mock', '-h', '127.0.0.1', '-p', String(port), SPEC_BUNDLE], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Drained so Prism never blocks on a full pipe; kept (bounded) to explain a failed start.
  const keep = (chunk: Buffer) => {
    prismLog = (prismLog + chunk.toString()).slice(-20_000);
  };
  prism.stdout?.on('data', keep);
  prism.stderr?.on('data', keep);

  const deadline = Date.now() + 25_000;
  for (;;) {
    if (prism.exitCode !== null) throw new Error(`Prism exited with ${prism.exitCode}:\n${prismLog}`);
    try {
      await fetch(baseUrl); // any HTTP answer (Prism says 404 for /) means it is listening
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`Prism did not answer on ${baseUrl}:\n${prismLog}`);
      await sleep(150);
    }
  }
  client = createSnoozeClient(baseUrl, { token: 'test-token' });
});

afterAll(async () => {
  if (prism?.pid !== undefined && prism.exitCode === null && prism.signalCode === null) {
    const exited = once(prism, 'exit');
    process.kill(prism.pid, 'SIGTERM');
    await exited;
  }
});

describe('async commands through the typed client', () => {
  it('create → show → list → history → count', async () => {
    const created = await client.POST(COMMANDS, {
      params: { path: devicePath, header: { 'Instance-Id': '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' } },
      body: { service_id: 'Switch', command_name: 'ON_OFF', paras: { value: 'ON' }, send_strategy: 'delay' },
    });
    expect(created.response.status).toBe(200);
    expectSpecAnswer('createAsyncCommand', created);
    const commandId = created.data?.command_id ?? '';

    const shown = await client.GET(`${COMMANDS}/{command_id}`, {
      params: { path: { ...devicePath, command_id: commandId } },
    });
    expect(shown.response.status).toBe(200);
    expectSpecAnswer('showAsyncDeviceCommand', shown);
    expect(shown.data?.command_id).toBe(commandId);

    const listed = await client.GET(COMMANDS, {
      params: { path: devicePath, query: { limit: 10, offset: 0, status: 'PENDING', start_time: '20241127T000000Z' } },
    });
    expect(listed.response.status).toBe(200);
    expectSpecAnswer('listAsyncCommands', listed);
    expect(listed.data?.commands.map((c) => c.command_id)).toContain(commandId);
    expect(listed.data?.page.count).toBeGreaterThanOrEqual(1);

    const history = await client.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands-history', {
      params: { path: devicePath, query: { status: 'SUCCESSFUL' } },
    });
    expect(history.response.status).toBe(200);
    expectSpecAnswer('listAsyncHistoryCommands', history);
    expect(history.data?.page).not.toHaveProperty('count');

    const counted = await client.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands-history/count', {
      params: { path: devicePath, query: { status: 'SUCCESSFUL' } },
    });
    expect(counted.response.status).toBe(200);
    expectSpecAnswer('countAsyncHistoryCommands', counted);
    expect(Number.isInteger(counted.data?.count)).toBe(true);
  });

  it('refuses requests that break the contract with a documented 4xx', async () => {
    const badDevice = await client.POST(COMMANDS, {
      params: { path: { project_id: PROJECT, device_id: 'dots.are.not.allowed' } },
      body: { paras: { value: 'ON' }, send_strategy: 'delay' },
    });
    const unknownStrategy = await client.POST(COMMANDS, {
      params: { path: devicePath },
      // @ts-expect-error send_strategy is immediately | delay in the contract
      body: { paras: { value: 'ON' }, send_strategy: 'later' },
    });
    const missingParas = await client.POST(COMMANDS, {
      params: { path: devicePath },
      // @ts-expect-error paras is required
      body: { send_strategy: 'delay' },
    });
    const unknownField = await client.POST(COMMANDS, {
      params: { path: devicePath },
      // @ts-expect-error request bodies are closed (additionalProperties: false)
      body: { paras: {}, send_strategy: 'delay', priority: 1 },
    });
    const tooLate = await client.POST(COMMANDS, {
      params: { path: devicePath },
      body: { paras: {}, send_strategy: 'delay', expire_time: 172_801 },
    });
    const pageTooBig = await client.GET(COMMANDS, { params: { path: devicePath, query: { limit: 51 } } });

    for (const answer of [badDevice, unknownStrategy, missingParas, unknownField, tooLate]) {
      expect(answer.response.status).toBe(400);
      expectSpecAnswer('createAsyncCommand', answer);
    }
    expect(pageTooBig.response.status).toBe(400);
    expectSpecAnswer('listAsyncCommands', pageTooBig);

    const anonymous = await createSnoozeClient(baseUrl).GET(`${COMMANDS}/{command_id}`, {
      params: { path: { ...devicePath, command_id: '01936f0e-8d2a-7c3b-9f4e-2a1b3c4d5e6f' } },
    });
    expect(anonymous.response.status).toBe(401);
    expectSpecAnswer('showAsyncDeviceCommand', anonymous);
  });
});

describe('devices, rules and actions through the typed client', () => {
  it('adds and shows a device', async () => {
    const added = await client.POST('/v5/iot/{project_id}/devices', {
      params: { path: { project_id: PROJECT } },
      body: {
        node_id: '860123456789012',
        product_id: '65a1f0c2b7e5c94d1a3f2e10',
        auth_info: { auth_type: 'SECRET', secret: '3f1c9a7b5e2d4c6a8b0e1f2a3b4c5d6e', secure_access: true },
      },
    });
    expect(added.response.status).toBe(201);
    expectSpecAnswer('addDevice', added);

    const shown = await client.GET('/v5/iot/{project_id}/devices/{device_id}', {
      params: { path: { project_id: PROJECT, device_id: added.data?.device_id ?? '' } },
    });
    expect(shown.response.status).toBe(200);
    expectSpecAnswer('showDevice', shown);
    expect(shown.data?.device_id).toBe(added.data?.device_id);

    const badSecret = await client.POST('/v5/iot/{project_id}/devices', {
      params: { path: { project_id: PROJECT } },
      body: { node_id: '860123456789012', product_id: '65a1f0c2b7e5c94d1a3f2e10', auth_info: { secret: 'not-hex!' } },
    });
    expect(badSecret.response.status).toBe(400);
  });

  it('creates a rule and an HTTP action, and Prism pushes a valid notification to the action URL', async () => {
    const pushes: { request: IncomingMessage; body: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        pushes.push({ request, body });
        response.writeHead(200).end();
      });
    }).listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const { port } = receiver.address() as { port: number };

    try {
      const rule = await client.POST('/v5/iot/{project_id}/routing-rule/rules', {
        params: { path: { project_id: PROJECT } },
        body: { rule_name: 'command-status', subject: { resource: 'device.command.status', event: 'update' } },
      });
      expect(rule.response.status).toBe(201);
      expectSpecAnswer('createRoutingRule', rule);

      const action = await client.POST('/v5/iot/{project_id}/routing-rule/actions', {
        params: { path: { project_id: PROJECT } },
        body: {
          rule_id: rule.data?.rule_id ?? '',
          channel: 'HTTP_FORWARDING',
          channel_detail: {
            http_forwarding: {
              url: `http://127.0.0.1:${port}/iot/command-status`,
              signature_enable: true,
              token: 'abc123',
            },
          },
        },
      });
      expect(action.response.status).toBe(201);
      expectSpecAnswer('createRuleAction', action);
      expect(action.data?.channel_detail.http_forwarding).not.toHaveProperty('token');

      const deadline = Date.now() + 10_000;
      while (pushes.length === 0 && Date.now() < deadline) await sleep(50);
      expect(pushes.length, 'Prism did not run the commandStatus callback').toBeGreaterThan(0);
      const [push] = pushes;
      expect(push?.request.method).toBe('POST');
      expect(push?.request.url).toBe('/iot/command-status');
      expect(push?.request.headers['content-type']).toBe('application/json');
      // Prism 5.14 drops callback header parameters, so the webhook-* headers are checked in openapi/spec.test.ts.
      const validate = ajv.compile(api.components?.schemas?.DeviceCommandStatusNotification ?? {});
      expect(validate(JSON.parse(push?.body ?? '')), ajv.errorsText(validate.errors)).toBe(true);

      const notAllowed = await client.POST('/v5/iot/{project_id}/routing-rule/actions', {
        params: { path: { project_id: PROJECT } },
        body: {
          rule_id: rule.data?.rule_id ?? '',
          // @ts-expect-error only HTTP_FORWARDING and AMQP_FORWARDING are supported
          channel: 'DIS_FORWARDING',
          channel_detail: { amqp_forwarding: { queue_name: 'snooze-command-status' } },
        },
      });
      expect(notAllowed.response.status).toBe(400);
    } finally {
      receiver.close();
    }
  });
});
