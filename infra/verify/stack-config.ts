/**
 * The configuration the deploy verification runs the program with: the stack's own Pulumi.<stack>.yaml,
 * with what this machine decides put on top (ports found free on 127.0.0.1, loopback publishing, and fresh
 * credentials, since the file's encrypted ones cannot be read without the Pulumi CLI).
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../components/shared.js';
import { CONFIG_NAMESPACE, STACK_DEFAULTS } from '../config.js';

export interface VerificationConfig {
  config: Record<string, string>;
  secretKeys: string[];
  token: string;
  projectId: string;
  apiPort: number;
  coapPort: number;
}

const key = (name: string): string => `${CONFIG_NAMESPACE}:${name}`;

/** The plain values of Pulumi.<stack>.yaml as the Pulumi CLI hands them to a program (objects as JSON). */
export async function stackFileConfig(stack: string): Promise<Record<string, string>> {
  const file = parse(await readFile(join(REPO_ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as {
    config?: Record<string, unknown>;
  };
  const config: Record<string, string> = {};
  for (const [name, value] of Object.entries(file.config ?? {})) {
    const isEncrypted = typeof value === 'object' && value !== null && 'secure' in value;
    if (isEncrypted) continue;
    config[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return config;
}

function portFree(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    } else {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    }
  });
}

/** `count` consecutive ports free on 127.0.0.1, away from the usual defaults. */
export async function freePortRange(count: number, protocol: 'tcp' | 'udp'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map((port) => portFree(port, protocol)))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ${protocol} ports on 127.0.0.1`);
}

export async function verificationConfig(stack: string): Promise<VerificationConfig> {
  const config = await stackFileConfig(stack);
  const replicas = (name: 'dispatcherReplicas' | 'ingressReplicas') =>
    Number(config[key(name)] ?? STACK_DEFAULTS[name]);
  const apiPort = await freePortRange(replicas('dispatcherReplicas'), 'tcp');
  const coapPort = await freePortRange(replicas('ingressReplicas'), 'udp');
  const projectId = 'deploy-verify';
  const token = randomBytes(24).toString('hex');
  const accessKey = `AK${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretKey = randomBytes(24).toString('hex');
  return {
    config: {
      ...config,
      [key('publishAddress')]: '127.0.0.1',
      [key('apiPort')]: String(apiPort),
      [key('coapPort')]: String(coapPort),
      [key('apiTokens')]: `${token}:${projectId}`,
      [key('apiKeys')]: `${accessKey}:${secretKey}:${projectId}`,
    },
    secretKeys: [key('apiTokens'), key('apiKeys')],
    token,
    projectId,
    apiPort,
    coapPort,
  };
}
