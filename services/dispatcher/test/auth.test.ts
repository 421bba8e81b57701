import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClient, startCaptureServer } from '../src/auth/sdk-harness.js';
import { addDevice, OTHER_PROJECT, PROJECT, startTestDispatcher, type TestDispatcher } from './harness.js';

const AK = 'AKTESTDISPATCHER';
const SK = 'sk-test-dispatcher-secret';

describe('authentication over HTTP', () => {
  let t: TestDispatcher;
  let device: string;
  beforeAll(async () => {
    t = await startTestDispatcher('redis', { apiKeys: `${AK}:${SK}:${PROJECT}` });
    device = await addDevice(t.api);
  });
  afterAll(() => t.close());

  const anonymous = () => t.api.withHeaders({ 'x-auth-token': '' });

  it.each([
    ['plain SDK-HMAC-SHA256', undefined],
    ['derived V11-HMAC-SHA256', 'cn-north-4'],
  ])('accepts requests signed by the Huawei SDK core (%s)', async (_name, region) => {
    const hc = sdkClient({
      url: t.dispatcher.url,
      ak: AK,
      sk: SK,
      projectId: PROJECT,
      ...(region ? { derivedRegion: region } : {}),
    });
    const base = '/v5/iot/{project_id}/devices/{device_id}';
    const json = 'application/json';
    const created = (await hc.sendRequest({
      method: 'POST',
      url: `${base}/async-commands`,
      contentType: json,
      pathParams: { device_id: device },
      queryParams: {},
      headers: { 'Instance-Id': 'instance-7' },
      data: {
        service_id: 'Switch',
        command_name: 'ON_OFF',
        paras: { value: 'ON', note: 'héllo ✓' },
        send_strategy: 'delay',
      },
    })) as unknown as { command_id: string; status: string };
    expect(created.status).toBe('PENDING');
    const shown = (await hc.sendRequest({
      method: 'GET',
      url: `${base}/async-commands/{command_id}`,
      contentType: json,
      pathParams: { device_id: device, command_id: created.command_id },
      queryParams: {},
      headers: {},
    })) as unknown as { paras: unknown };
    expect(shown.paras).toEqual({ value: 'ON', note: 'héllo ✓' });
    const listed = (await hc.sendRequest({
      method: 'GET',
      url: `${base}/async-commands`,
      contentType: json,
      pathParams: { device_id: device },
      queryParams: { limit: 50, status: 'PENDING' },
      headers: {},
    })) as unknown as { commands: unknown[] };
    expect(listed.commands.length).toBeGreaterThan(0);
    const counted = (await hc.sendRequest({
      method: 'POST',
      url: `${base}/async-commands-history/count`,
      contentType: json,
      pathParams: { device_id: device },
      queryParams: { status: 'SUCCESSFUL', command_name: "set lamp*(x)'!é" },
      headers: {},
    })) as unknown as { count: number };
    expect(counted.count).toBe(0);
  });

  it('accepts a signed request replayed verbatim but refuses it with a changed body', async () => {
    // Sign a real request against a capture server, then send its exact bytes to the dispatcher.
    const capture = await startCaptureServer();
    try {
      const hc = sdkClient({ url: capture.url, ak: AK, sk: SK, projectId: PROJECT });
      await hc.sendRequest({
        method: 'POST',
        url: '/v5/iot/{project_id}/devices/{device_id}/async-commands',
        contentType: 'application/json',
        pathParams: { device_id: device },
        queryParams: {},
        headers: {},
        data: { paras: { value: 'ON' }, send_strategy: 'delay' },
      });
      const signed = capture.requests[0];
      if (!signed) throw new Error('the SDK sent nothing');
      const replay = (body: Buffer) => send(t.dispatcher.url, signed.method, signed.url, signed.headers, body);
      expect((await replay(signed.body)).status).toBe(200);
      const tampered = await replay(Buffer.from(signed.body.toString().replace('"ON"', '"NO"')));
      expect([tampered.status, tampered.body.error_code]).toEqual([401, 'IOTDA.000002']);
    } finally {
      await capture.close();
    }
  });

  it('answers 401 without credentials and with an unknown token, before looking at the body', async () => {
    const none = await anonymous().call('createAsyncCommand', {
      path: { project_id: PROJECT, device_id: device },
      rawBody: '{not json',
    });
    expect([none.status, none.body.error_code]).toEqual([401, 'IOTDA.000002']);
    const unknown = await t.api
      .withHeaders({ 'x-auth-token': 'nope' })
      .call('listDevices', { path: { project_id: PROJECT } });
    expect(unknown.status).toBe(401);
  });

  it("answers 403 for another project's resources", async () => {
    const res = await t.api.call('listDevices', { path: { project_id: OTHER_PROJECT } });
    expect([res.status, res.body.error_code]).toEqual([403, 'IOTDA.000021']);
    const cmd = await t.api.call('showAsyncDeviceCommand', {
      path: { project_id: OTHER_PROJECT, device_id: device, command_id: 'x' },
    });
    expect(cmd.status).toBe(403);
  });
});

describe('rate limiting', () => {
  let t: TestDispatcher;
  beforeAll(async () => {
    t = await startTestDispatcher('memory', { rateLimitPerProject: 5 });
  });
  afterAll(() => t.close());

  it('answers 429 once a project exceeds its requests per second', async () => {
    const statuses = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await t.api.call('listDevices', { path: { project_id: PROJECT } })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toContain(429);
    const limited = await t.api.call('listDevices', { path: { project_id: PROJECT } });
    expect(limited.body.error_code).toBe('IOTDA.021101');
  });
});

/** node:http rather than fetch: the signed `host` header must go out exactly as the SDK signed it. */
function send(
  base: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; body: { error_code?: string } }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port, method, path, headers: { ...headers, 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
