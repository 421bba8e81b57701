/**
 * The registration interface and its error cases, driven by libcoap's `coap-client-notls`: an
 * independent CoAP implementation, so the ingress is not only tested against node-coap talking to
 * itself. libcoap exits 0 even on 4.xx, so the printed messages (`-v 6`) are checked.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './harness.js';

const run = promisify(execFile);

/** The code of the response libcoap printed, and its Location-Path. */
async function coapClient(args: string[]): Promise<{ code: string; location: string[]; output: string }> {
  const { stdout, stderr } = await run('coap-client-notls', ['-v', '6', '-B', '3', ...args]);
  const output = `${stdout}\n${stderr}`;
  const response = output.split('\n').find((line) => /t:(ACK|CON|NON) c:[2-5]\.\d\d/.test(line)) ?? '';
  return {
    code: /c:([2-5]\.\d\d)/.exec(response)?.[1] ?? 'none',
    location: [...response.matchAll(/Location-Path:([^,\s\]]+)/g)].map((m) => m[1] as string),
    output,
  };
}

describe('registration interface with libcoap (coap-client-notls)', () => {
  let stack: Stack;
  let base: string;
  beforeAll(async () => {
    stack = await startStack({ redis: true });
    const ingress = await stack.startIngress();
    base = `coap://127.0.0.1:${ingress.port}`;
    await stack.provision('libcoap-1');
  });
  afterAll(() => stack.close());

  const LINKS = ['-t', '40', '-e', '</19/0/0>,</19/1/0>'];

  it('registers, updates and de-registers a provisioned device', async () => {
    const registered = await coapClient(['-m', 'post', ...LINKS, `${base}/rd?ep=libcoap-1&lt=60&lwm2m=1.0&b=UQ`]);
    expect(registered.code).toBe('2.01');
    expect(registered.location[0]).toBe('rd');
    const id = registered.location[1] as string;
    const stored = await stack.service.findDeviceByNodeId('libcoap-1');
    expect(stored).toBeDefined();
    expect((await coapClient(['-m', 'post', `${base}/rd/${id}?lt=120`])).code).toBe('2.04');
    expect((await coapClient(['-m', 'post', `${base}/rd/${id}?b=U`])).code).toBe('2.04');
    expect((await coapClient(['-m', 'delete', `${base}/rd/${id}`])).code).toBe('2.02');
    expect((await coapClient(['-m', 'post', `${base}/rd/${id}`])).code).toBe('4.04');
    expect((await coapClient(['-m', 'delete', `${base}/rd/${id}`])).code).toBe('4.04');
  });

  it.each([
    ['an unprovisioned endpoint', ['-m', 'post', ...LINKS], '/rd?ep=nobody&lt=60', '4.03'],
    ['a missing endpoint name', ['-m', 'post', ...LINKS], '/rd?lt=60', '4.00'],
    ['a lifetime that is not a number', ['-m', 'post'], '/rd?ep=libcoap-1&lt=soon', '4.00'],
    ['a zero lifetime', ['-m', 'post'], '/rd?ep=libcoap-1&lt=0', '4.00'],
    ['an unsupported binding', ['-m', 'post'], '/rd?ep=libcoap-1&b=S', '4.00'],
    ['an unsupported LwM2M version', ['-m', 'post'], '/rd?ep=libcoap-1&lwm2m=2.0', '4.00'],
    [
      'object links that are not link format',
      ['-m', 'post', '-t', '40', '-e', 'not-a-link'],
      '/rd?ep=libcoap-1',
      '4.00',
    ],
    ['object links in JSON', ['-m', 'post', '-t', '50', '-e', '{"links":[]}'], '/rd?ep=libcoap-1', '4.15'],
    ['an unknown path', ['-m', 'get'], '/19/0/0', '4.04'],
    ['a path below a registration', ['-m', 'post'], '/rd/x/y', '4.04'],
    ['GET on the registration resource', ['-m', 'get'], '/rd', '4.05'],
    ['PUT on a registration', ['-m', 'put'], '/rd/abc', '4.05'],
    ['an update of an unknown registration', ['-m', 'post'], '/rd/0-unknown', '4.04'],
  ])('answers %s: %j %s → %s', async (_name, args, path, code) => {
    const answer = await coapClient([...args, `${base}${path}`]);
    expect(answer.code, answer.output).toBe(code);
  });
});
