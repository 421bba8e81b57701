/**
 * Runs the Dredd suite against one target: Dredd's CLI in a child process under tsx (its hooks are TypeScript),
 * with `dredd.yml` pointed at the target and the target's settings in the environment of the hooks. The result
 * joins Dredd's own tally with the hooks' report, so that a skip without a reason cannot go unnoticed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { type ContractSettings, ENV, settingsToEnv } from '../settings.js';
import { type ContractReport, countOutcomes, REPORT_ENV, readReport } from './report.js';

const require = createRequire(import.meta.url);
const DREDD_CLI = join(dirname(require.resolve('dredd/package.json')), 'bin', 'dredd');
export const SUITE_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface DreddTally {
  passing: number;
  failing: number;
  errors: number;
  skipped: number;
  total: number;
}

export interface DreddResult {
  exitCode: number;
  /** Dredd's output (stdout and stderr, in order). */
  output: string;
  tally: DreddTally;
  report: ContractReport;
  /** Transactions Dredd skipped that the hooks did not skip with a reason. */
  unexplainedSkips: number;
  /** Every transaction passed or was skipped with a reason. */
  ok: boolean;
}

const TALLY = /complete\S*:? (\d+) passing, (\d+) failing, (\d+) errors, (\d+) skipped, (\d+) total/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the colours Dredd prints
const ANSI = /\u001b\[[0-9;]*m/g;

function readTally(output: string): DreddTally {
  const match = TALLY.exec(output.replace(ANSI, ''));
  if (!match) throw new Error(`Dredd printed no summary:\n${output.slice(-4000)}`);
  const [passing, failing, errors, skipped, total] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { passing, failing, errors, skipped, total };
}

async function writeConfig(dir: string, url: string): Promise<string> {
  const config = parse(await readFile(join(SUITE_DIR, 'dredd.yml'), 'utf8')) as Record<string, unknown>;
  const path = join(dir, 'dredd.yml');
  // Dredd ignores a URL on the command line once it reads a config file: the copy carries the target's.
  await writeFile(path, stringify({ ...config, endpoint: url }));
  return path;
}

/** The environment without settings left over from the caller's, so that only `settings` reach the hooks. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...Object.values(ENV), REPORT_ENV]) delete env[name];
  return env;
}

export async function runDredd(settings: ContractSettings, options: { echo?: boolean } = {}): Promise<DreddResult> {
  const dir = await mkdtemp(join(tmpdir(), 'snooze-dredd-'));
  try {
    const reportPath = join(dir, 'report.json');
    const configPath = await writeConfig(dir, settings.url);
    const child = spawn(process.execPath, ['--import', 'tsx', DREDD_CLI, '--config', configPath], {
      cwd: SUITE_DIR,
      env: { ...cleanEnv(), ...settingsToEnv(settings), [REPORT_ENV]: reportPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code ?? 1));
    });
    const tally = readTally(output);
    const report = await readReport(reportPath).catch((error: unknown) => {
      throw new Error(`the hooks wrote no report (did they load?): ${String(error)}\n${output.slice(-4000)}`);
    });
    const counts = countOutcomes(report);
    const unexplainedSkips = Math.max(0, tally.skipped - counts.skip);
    const everyOneRecorded = report.records.length === tally.total;
    const ok =
      exitCode === 0 && tally.failing + tally.errors + counts.fail + unexplainedSkips === 0 && everyOneRecorded;
    return { exitCode, output, tally, report, unexplainedSkips, ok };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
