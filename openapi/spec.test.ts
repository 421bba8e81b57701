/**
 * The contract and the code must not drift apart: the error catalogue and the limits live in @snooze/core, the
 * spec restates them for clients. These tests read the committed bundle, the file every tool uses.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ERRORS, LIMITS } from '@snooze/core';
import { describe, expect, it } from 'vitest';
import { SPEC_BUNDLE } from './scripts/bundle-spec.js';

// Deliberately loose: the test walks the document generically and asserts on what it finds.
interface Node {
  [key: string]: Node | undefined;
}

const raw = readFileSync(SPEC_BUNDLE, 'utf8');
const api = (await SwaggerParser.dereference(SPEC_BUNDLE)) as unknown as Node;

function at(node: Node | undefined, ...keys: string[]): Node {
  let current = node;
  for (const key of keys) current = current?.[key];
  if (current === undefined) throw new Error(`spec has no ${keys.join('.')}`);
  return current;
}

const value = <T>(node: Node | undefined, ...keys: string[]): T => at(node, ...keys) as unknown as T;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = Object.entries(at(api, 'paths')).flatMap(([path, item]) =>
  Object.entries(item ?? {})
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ path, method, op: op as Node, id: value<string>(op, 'operationId') })),
);

function operation(id: string): Node {
  const found = operations.find((o) => o.id === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found.op;
}

const schema = (name: string) => at(api, 'components', 'schemas', name);
const catalogue = Object.values(ERRORS);
const statusOf = (code: string) => catalogue.find((e) => e.code === code)?.status;

describe('error codes', () => {
  const table = new Map(
    [...value<string>(api, 'info', 'description').matchAll(/^\| (IOTDA\.\d{6}) \| (\d{3}) \| (.+) \|$/gm)].map(
      ([, code, status, meaning]) => [code, { status: Number(status), meaning }],
    ),
  );

  it('info.description lists exactly the codes of ERRORS, with their status and message', () => {
    expect([...table.keys()].sort()).toEqual(catalogue.map((e) => e.code).sort());
    for (const entry of catalogue) {
      expect(table.get(entry.code), entry.code).toEqual({ status: entry.status, meaning: entry.message });
    }
  });

  it('every error response names only codes whose HTTP status is that response status', () => {
    for (const { id, op } of operations) {
      for (const [status, response] of Object.entries(at(op, 'responses'))) {
        if (Number(status) < 400) continue;
        const example = value<string>(response, 'content', 'application/json', 'example', 'error_code');
        expect(statusOf(example), `${id} ${status} example ${example}`).toBe(Number(status));
        for (const [code] of value<string>(response, 'description').matchAll(/IOTDA\.\d{6}/g)) {
          expect(statusOf(code), `${id} ${status} description names ${code}`).toBe(Number(status));
        }
      }
    }
  });

  it('every code of ERRORS but the unknown-route one is documented on some response with its status', () => {
    // ROUTE_NOT_FOUND answers requests outside the contract, so no operation can list it.
    const documented = new Set<string>([ERRORS.ROUTE_NOT_FOUND.code]);
    for (const { op } of operations) {
      for (const [status, response] of Object.entries(at(op, 'responses'))) {
        const text = JSON.stringify(response);
        for (const [code] of text.matchAll(/IOTDA\.\d{6}/g))
          if (statusOf(code) === Number(status)) documented.add(code);
      }
    }
    expect([...documented].sort()).toEqual(catalogue.map((e) => e.code).sort());
  });
});

describe('responses', () => {
  it.each(operations)('$id documents the common errors, 404 and 413 where they apply', ({ path, id, op }) => {
    const statuses = Object.keys(at(op, 'responses'));
    expect(statuses).toEqual(expect.arrayContaining(['400', '401', '403', '429', '500']));
    const hasIdParam = [...path.matchAll(/\{(\w+)\}/g)].some(([, name]) => name !== 'project_id');
    const needs404 = hasIdParam || id === 'createRuleAction';
    expect(statuses.includes('404'), '404').toBe(needs404);
    expect(statuses.includes('413'), '413').toBe(op.requestBody !== undefined);
  });

  it.each(operations)('$id: every response has X-Request-Id and a body only as application/json', ({ op }) => {
    for (const [status, response] of Object.entries(at(op, 'responses'))) {
      expect(at(response, 'headers', 'X-Request-Id'), status).toBeDefined();
      const content = response?.content;
      if (status === '204') expect(content, status).toBeUndefined();
      else expect(Object.keys(content ?? {}), status).toEqual(['application/json']);
    }
  });

  it('error bodies use the Error schema', () => {
    const error = schema('Error');
    for (const { id, op } of operations) {
      for (const [status, response] of Object.entries(at(op, 'responses'))) {
        if (Number(status) >= 400) expect(at(response, 'content', 'application/json', 'schema'), id).toBe(error);
      }
    }
  });
});

describe('limits', () => {
  const create = schema('CreateAsyncCommandRequest');

  it('states the PENDING cache size', () => {
    const op = operation('createAsyncCommand');
    expect(op['x-max-pending-per-device']).toBe(LIMITS.maxPendingPerDevice);
    expect(value<string>(op, 'description')).toContain(`at most ${LIMITS.maxPendingPerDevice} \`PENDING\``);
  });

  it('states expire_time bounds and default', () => {
    const expire = at(create, 'properties', 'expire_time');
    expect(expire.maximum).toBe(LIMITS.maxExpireSeconds);
    expect(value<string>(expire, 'description')).toContain(String(LIMITS.defaultExpireSeconds));
  });

  it('states the paras size in x-max-bytes', () => {
    const paras = at(create, 'properties', 'paras');
    expect(paras['x-max-bytes']).toBe(LIMITS.maxParasBytes);
    expect(value<string>(paras, 'description')).toContain(String(LIMITS.maxParasBytes));
  });

  it('states paging bounds on every list', () => {
    const lists = operations.filter(({ op }) => JSON.stringify(op.parameters).includes('"name":"limit"'));
    expect(lists.map((o) => o.id).sort()).toEqual([
      'listAsyncCommands',
      'listAsyncHistoryCommands',
      'listDevices',
      'listRoutingRules',
      'listRuleActions',
    ]);
    for (const { op } of lists) {
      const params = value<Node[]>(op, 'parameters');
      const limit = at(
        params.find((p) => p.name === ('limit' as unknown)),
        'schema',
      );
      const offset = at(
        params.find((p) => p.name === ('offset' as unknown)),
        'schema',
      );
      expect([limit.minimum, limit.maximum, limit.default]).toEqual([1, LIMITS.pageLimitMax, LIMITS.pageLimitDefault]);
      expect([offset.minimum, offset.maximum]).toEqual([0, LIMITS.pageOffsetMax]);
    }
  });

  it.each([
    ['DeviceId', LIMITS.deviceIdMaxLength],
    ['CommandId', LIMITS.commandIdMaxLength],
    ['NodeId', LIMITS.nodeIdMaxLength],
    ['ServiceId', LIMITS.serviceIdMaxLength],
    ['CommandName', LIMITS.commandNameMaxLength],
  ])('%s is at most %i characters', (name, max) => {
    const s = schema(name);
    expect(s.maxLength).toBe(max);
    if (s.pattern) expect(value<string>(s, 'pattern')).toContain(`{1,${max}}`);
  });
});

describe('push notification', () => {
  const push = at(
    operation('createRuleAction'),
    'callbacks',
    'commandStatus',
    '{$request.body#/channel_detail/http_forwarding/url}',
    'post',
  );
  const header = (name: string) =>
    value<string>(
      value<Node[]>(push, 'parameters').find((p) => p.name === (name as unknown)),
      'example',
    );

  it('has the DeviceCommandStatusNotification body', () => {
    expect(at(push, 'requestBody', 'content', 'application/json', 'schema')).toBe(
      schema('DeviceCommandStatusNotification'),
    );
  });

  it('has an example signature that verifies as the description says', () => {
    const body = JSON.stringify(at(push, 'requestBody', 'content', 'application/json', 'example'));
    const token = value<string>(
      operation('createRuleAction'),
      'requestBody',
      'content',
      'application/json',
      'example',
      'channel_detail',
      'http_forwarding',
      'token',
    );
    const message = `${header('webhook-id')}.${header('webhook-timestamp')}.${body}`;
    const expected = `v1,${createHmac('sha256', Buffer.from(token, 'utf8')).update(message).digest('base64')}`;
    expect(header('webhook-signature')).toBe(expected);
  });
});

it('names only 127.0.0.1 URLs (Prism calls callback URLs)', () => {
  const urls = [...raw.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s"'`)]*/gi)].map(([url]) => url);
  expect(urls.length).toBeGreaterThan(0);
  expect(urls.filter((url) => !/^https?:\/\/127\.0\.0\.1(:\d+)?(\/|$)/.test(url))).toEqual([]);
});
