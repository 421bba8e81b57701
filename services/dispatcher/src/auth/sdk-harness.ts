/**
 * Test support only (imported by the `*.test.ts` files next to it, never by production code): the Huawei SDK
 * core as a real client, a throw-away loopback server that records what the SDK puts on the wire, and the
 * conversion of a recorded request into what the HTTP layer hands to `authenticate`.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type * as AkskSignerModule from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import type * as BasicCredentialsModule from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import type * as DerivedSignerModule from '@huaweicloud/huaweicloud-sdk-core/auth/DerivedAKSKSigner';
import type * as HkdfModule from '@huaweicloud/huaweicloud-sdk-core/auth/HKDF';
import type * as ClientBuilderModule from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder';
import type { HcClient, HttpRequestOptions } from '@huaweicloud/huaweicloud-sdk-core/HcClient';
import type * as RegionModule from '@huaweicloud/huaweicloud-sdk-core/region/region';
import type { SignedRequest } from './signature.js';

// The core is CommonJS without an `exports` map; `require` resolves its extension-less subpaths (and the
// `uuid` it needs) the way the SDK expects, independent of how the test runner resolves ESM imports.
const require = createRequire(import.meta.url);
const core = '@huaweicloud/huaweicloud-sdk-core';
export const { BasicCredentials } = require(`${core}/auth/BasicCredentials`) as typeof BasicCredentialsModule;
export const { ClientBuilder } = require(`${core}/ClientBuilder`) as typeof ClientBuilderModule;
export const { Region } = require(`${core}/region/region`) as typeof RegionModule;
export const { AKSKSigner } = require(`${core}/auth/AKSKSigner`) as typeof AkskSignerModule;
export const { DerivedAKSKSigner } = require(`${core}/auth/DerivedAKSKSigner`) as typeof DerivedSignerModule;
export const { HKDF } = require(`${core}/auth/HKDF`) as typeof HkdfModule;

/** The SDK signer's building blocks; `protected` in its typings, plain statics at run time. */
export interface SdkPrimitives {
  urlEncode(value: string): string;
  CanonicalURI(path: string): string;
  CanonicalQueryString(request: { queryParams: Record<string, unknown> }): string;
  buildCanonicalHeaders(headers: Record<string, string>): string;
  buildCanonicalRequest(...parts: [string, string, string, string, string, string]): string;
  Hex(value: string): string;
  hmacSHA256(key: string, value: string): string;
}
export const sdk = AKSKSigner as unknown as SdkPrimitives;

export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/** Answers every request `200 {}` (what the SDK needs to resolve) and keeps it as received. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Exactly what the HTTP layer must pass: raw path and raw query split at the first `?`, raw body bytes. */
export function toSignedRequest(captured: CapturedRequest): SignedRequest {
  const q = captured.url.indexOf('?');
  return {
    method: captured.method,
    path: q === -1 ? captured.url : captured.url.slice(0, q),
    query: q === -1 ? '' : captured.url.slice(q + 1),
    headers: captured.headers,
    rawBody: captured.body.length > 0 ? captured.body : undefined,
  };
}

export interface SdkClientOptions {
  url: string;
  ak: string;
  sk: string;
  projectId: string;
  /** Derived V11 signing for this region; plain SDK-HMAC-SHA256 when absent. */
  derivedRegion?: string;
  /** What IoTDAClient passes is `iotdm`; other values exist only to test their rejection. */
  derivedServiceName?: string;
}

/** Configured the way reference §11 describes, which is what IoTDAClient does internally. */
export function sdkClient(options: SdkClientOptions): HcClient {
  const credentials = new BasicCredentials().withAk(options.ak).withSk(options.sk).withProjectId(options.projectId);
  const builder = new ClientBuilder((hc: HcClient) => hc)
    .withDerivedAuthServiceName(options.derivedServiceName ?? 'iotdm')
    .withCredential(credentials)
    .withOptions({ customUserAgent: 'snooze-test' });
  if (options.derivedRegion === undefined) return builder.withEndpoint(options.url).build();
  // A closure, not the bare static: the predicate uses `this` (reference §9.3 gotcha).
  credentials.withDerivedPredicate((request) => BasicCredentials.getDefaultDerivedPredicate(request));
  return builder.withRegion(new Region(options.derivedRegion, options.url)).build();
}

/** The four asynchronous-command calls, shaped as IoTDAClient builds them (reference §1–§4). */
export function iotdaOperations(deviceId: string): Record<'create' | 'show' | 'list' | 'count', HttpRequestOptions> {
  const base = '/v5/iot/{project_id}/devices/{device_id}';
  const json = 'application/json';
  return {
    create: {
      method: 'POST',
      url: `${base}/async-commands`,
      contentType: json,
      pathParams: { device_id: deviceId },
      queryParams: {},
      headers: { 'Instance-Id': 'instance-7' },
      // Non-ASCII text checks that the body is hashed as the UTF-8 bytes on the wire.
      data: { service_id: 'Switch', command_name: 'ON_OFF', paras: { value: 'ON', note: 'héllo ✓' }, expire_time: 600 },
    },
    show: {
      method: 'GET',
      url: `${base}/async-commands/{command_id}`,
      contentType: json,
      pathParams: { device_id: deviceId, command_id: 'cmd_0001-a' },
      queryParams: {},
      headers: { 'Instance-Id': 'instance-7' },
    },
    list: {
      method: 'GET',
      url: `${base}/async-commands`,
      contentType: json,
      pathParams: { device_id: deviceId },
      queryParams: { limit: 10, marker: '000000000000000042', status: 'PENDING' },
      headers: {},
    },
    count: {
      method: 'POST',
      url: `${base}/async-commands-history/count`,
      contentType: json,
      pathParams: { device_id: deviceId },
      // Characters that Node's querystring leaves unescaped but the signer escapes, plus a space and non-ASCII.
      queryParams: { status: 'SUCCESSFUL', start_time: '20260101T000000Z', command_name: "set lamp*(x)'!é" },
      headers: {},
    },
  };
}
