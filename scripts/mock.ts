/**
 * `npm run mock`: a Prism mock of the bundled contract, by default on http://127.0.0.1:4010.
 * MOCK_HOST and MOCK_PORT override the address. Prism executes callbacks, so creating an HTTP rule action makes
 * it POST the example notification to the action's URL.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { SPEC_BUNDLE } from '../openapi/scripts/bundle-spec.js';

const require = createRequire(import.meta.url);
const prismCli = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');

const host = process.env.MOCK_HOST || '127.0.0.1';
const port = Number(process.env.MOCK_PORT || 4010);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`MOCK_PORT must be a TCP port (1-65535), got "${process.env.MOCK_PORT}"`);
  process.exit(2);
}

// Prism runs as a direct child (no npx/shell in between), so the signals forwarded below reach the server itself.
const prism = spawn(process.execPath, [prismCli, 'mock', '-h', host, '-p', String(port), SPEC_BUNDLE], {
  stdio: 'inherit',
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => prism.kill(signal));
}

// Exit as the shell convention has it for a child killed by a signal (128 + signal number).
prism.on('exit', (code, signal) => {
  process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1));
});
