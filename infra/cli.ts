/**
 * `npm run up` / `npm run down` (and `npx tsx infra/cli.ts <any pulumi command>`): the Pulumi CLI through the
 * `pulumi` npm package, which downloads the CLI on first use, for stack SNOOZE_STACK (default dev), on a local
 * state backend, so no Pulumi account is involved.
 *
 * - The backend is PULUMI_BACKEND_URL if set, else `file://~`: what `pulumi login --local` selects, without
 *   changing the login of other projects on this machine.
 * - The dev stack's secrets are encrypted with an empty passphrase unless PULUMI_CONFIG_PASSPHRASE(_FILE) is
 *   set; any other stack must set one.
 * - `up` on a stack without credentials stores a random development token (secret) for project `dev-project`;
 *   `npx tsx infra/cli.ts config get snooze:apiTokens` shows it.
 */
import { type SpawnOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { REPO_ROOT } from './components/shared.js';
import { CONFIG_NAMESPACE } from './config.js';

const DEV_STACK = 'dev';
const DEV_PROJECT = 'dev-project';
const PULUMI = createRequire(import.meta.url).resolve('pulumi/run.js');

const stack = process.env.SNOOZE_STACK || DEV_STACK;
const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL || 'file://~' };
if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
  if (stack !== DEV_STACK) {
    process.stderr.write(`stack ${stack}: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE first\n`);
    process.exit(2);
  }
  env.PULUMI_CONFIG_PASSPHRASE = '';
}

/** Runs the Pulumi CLI in the project; resolves with its stdout when `capture`, else lets it print. */
function pulumi(args: string[], options: { capture?: boolean; input?: string } = {}): Promise<string> {
  const stdio: SpawnOptions['stdio'] = [
    options.input === undefined ? 'inherit' : 'pipe',
    options.capture ? 'pipe' : 'inherit',
    'inherit',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PULUMI, ...args], { cwd: REPO_ROOT, env, stdio });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`pulumi ${args[0]} ${args[1] ?? ''} failed (exit ${code})`)),
    );
  });
}

/** A first `up` of a stack without credentials gets a development token, never echoed. */
async function ensureCredentials(): Promise<void> {
  // `config --json` shows secrets as "[secret]": the values never pass through this process.
  const config = JSON.parse(await pulumi(['config', '--json', '--stack', stack], { capture: true })) as Record<
    string,
    unknown
  >;
  if (`${CONFIG_NAMESPACE}:apiTokens` in config || `${CONFIG_NAMESPACE}:apiKeys` in config) return;
  const token = `dev-${randomBytes(16).toString('hex')}`;
  await pulumi(['config', 'set', '--secret', '--stack', stack, `${CONFIG_NAMESPACE}:apiTokens`], {
    input: `${token}:${DEV_PROJECT}`,
  });
  process.stdout.write(
    `Stored a development token for project ${DEV_PROJECT} as secret ${CONFIG_NAMESPACE}:apiTokens.\n` +
      `Show it with: npx tsx infra/cli.ts config get ${CONFIG_NAMESPACE}:apiTokens\n`,
  );
}

const [command = 'up', ...rest] = process.argv.slice(2);
try {
  if (command === 'up') {
    await pulumi(['stack', 'select', stack, '--create']);
    await ensureCredentials();
    await pulumi(['up', '--stack', stack, ...rest]);
  } else if (command === 'down') {
    await pulumi(['destroy', '--stack', stack, ...rest]);
  } else {
    await pulumi([command, ...rest, '--stack', stack]);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
