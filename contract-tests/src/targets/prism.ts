/**
 * Prism over the bundled spec, as a mock or as a validating proxy, on a free loopback port. It runs as a direct
 * child (`node <prism-cli>`, no npx or shell in between) so stopping it by its PID stops the server itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SPEC_BUNDLE } from '../contract/spec.js';
import { freePort } from './free-port.js';

const require = createRequire(import.meta.url);
const PRISM_CLI = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');
const READY = /Prism is listening on/;
const START_TIMEOUT_MS = 60_000;

export type PrismMode = { kind: 'mock' } | { kind: 'proxy'; upstream: string };

export interface PrismServer {
  url: string;
  /** What Prism printed so far: its log says why it refused or rewrote a request. */
  output(): string;
  close(): Promise<void>;
}

function argsFor(mode: PrismMode, port: number): string[] {
  const common = ['-h', '127.0.0.1', '-p', String(port)];
  return mode.kind === 'mock'
    ? ['mock', ...common, SPEC_BUNDLE]
    : // --errors: a response that breaks the spec becomes a 500 problem+json instead of a logged warning.
      ['proxy', ...common, '--errors', SPEC_BUNDLE, mode.upstream];
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

export async function startPrism(mode: PrismMode): Promise<PrismServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [PRISM_CLI, ...argsFor(mode, port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Prism did not start in ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (READY.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before listening:\n${output}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    await stop(child);
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async close() {
      process.removeListener('exit', stopOnExit);
      await stop(child);
    },
  };
}
