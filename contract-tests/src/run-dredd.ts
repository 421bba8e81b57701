/**
 * `npm run test:contract`: the Dredd suite against a target, then the list of skipped transactions with their
 * reasons. Exit status 0 only when every transaction passed or was skipped for a stated reason.
 *
 *   npm run test:contract                         # the local target: dispatchers on real Redis (CI)
 *   npm run test:contract -- --target mock        # Prism's mock of the spec
 *   npm run test:contract -- --url https://iot.example.test --token "$SNOOZE_TOKEN" --project my-project
 *
 * Every flag also has an environment variable (see settings.ts and README.md); flags win.
 */
import { parseArgs } from 'node:util';
import { formatFailures, formatSkips } from './dredd/report.js';
import { runDredd } from './dredd/run.js';
import { type ContractSettings, ENV, settingsFromEnv } from './settings.js';
import { startLocalTarget } from './targets/local.js';
import { startMockTarget } from './targets/mock.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    url: { type: 'string' },
    token: { type: 'string' },
    project: { type: 'string' },
    'forbidden-project': { type: 'string' },
    'rate-limit-url': { type: 'string' },
    'rate-limit-token': { type: 'string' },
    'rate-limit-project': { type: 'string' },
    'failing-url': { type: 'string' },
  },
});

interface Target {
  settings: ContractSettings;
  close(): Promise<void>;
}

const FLAG_ENV: [keyof typeof values, string][] = [
  ['url', ENV.url],
  ['token', ENV.token],
  ['project', ENV.projectId],
  ['forbidden-project', ENV.forbiddenProjectId],
  ['rate-limit-url', ENV.rateLimitUrl],
  ['rate-limit-token', ENV.rateLimitToken],
  ['rate-limit-project', ENV.rateLimitProjectId],
  ['failing-url', ENV.failingUrl],
];

function deployment(): Target {
  const env: Record<string, string | undefined> = { ...process.env, [ENV.mode]: 'server' };
  for (const [flag, name] of FLAG_ENV) {
    const value = values[flag];
    if (typeof value === 'string') env[name] = value;
  }
  return { settings: settingsFromEnv(env), close: async () => {} };
}

async function openTarget(): Promise<Target> {
  const kind = values.target ?? (values.url || process.env[ENV.url] ? 'url' : 'local');
  if (kind === 'local') return startLocalTarget();
  if (kind === 'mock') return startMockTarget();
  if (kind === 'url') return deployment();
  throw new Error(`--target must be local, mock or url, got "${kind}"`);
}

const target = await openTarget();
let ok = false;
try {
  console.log(`Dredd contract suite against ${target.settings.url} (${target.settings.mode})`);
  const result = await runDredd(target.settings, { echo: true });
  const { tally } = result;
  console.log(`\n${formatSkips(result.report)}\n${formatFailures(result.report)}`);
  console.log(
    `\n${tally.total} transactions: ${tally.passing} passed, ${tally.failing} failed, ${tally.errors} errors, ` +
      `${tally.skipped} skipped (${result.unexplainedSkips} without a reason).`,
  );
  ok = result.ok;
} finally {
  await target.close();
}
process.exit(ok ? 0 : 1);
