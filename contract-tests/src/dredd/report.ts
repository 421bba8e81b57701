/**
 * What one Dredd run did to every transaction, written by the hooks (inside Dredd's process) and read by the
 * runner, which prints it: Dredd itself reports a skip without its reason.
 */
import { readFile, writeFile } from 'node:fs/promises';

export type Outcome = 'pass' | 'fail' | 'skip';

export interface TransactionRecord {
  /** Dredd's transaction name. */
  name: string;
  operationId: string;
  /** The documented status this transaction is about. */
  status: number;
  outcome: Outcome;
  /** How the request produces that status, or why it is skipped. */
  why: string;
  problems: string[];
}

export interface ContractReport {
  records: TransactionRecord[];
}

export const REPORT_ENV = 'SNOOZE_CONTRACT_REPORT';

export async function writeReport(path: string, report: ContractReport): Promise<void> {
  await writeFile(path, JSON.stringify(report, null, 2));
}

export async function readReport(path: string): Promise<ContractReport> {
  return JSON.parse(await readFile(path, 'utf8')) as ContractReport;
}

const label = (r: TransactionRecord) => `${r.operationId} ${r.status}`;

export function formatSkips(report: ContractReport): string {
  const skipped = report.records.filter((r) => r.outcome === 'skip');
  if (skipped.length === 0) return 'Skipped transactions: none.';
  return [`Skipped transactions (${skipped.length}):`, ...skipped.map((r) => `  - ${label(r)}: ${r.why}`)].join('\n');
}

export function formatFailures(report: ContractReport): string {
  const failed = report.records.filter((r) => r.outcome === 'fail');
  if (failed.length === 0) return 'Failed transactions: none.';
  return [
    `Failed transactions (${failed.length}):`,
    ...failed.map((r) => `  - ${label(r)} (${r.why}):\n      ${r.problems.join('\n      ')}`),
  ].join('\n');
}

export function countOutcomes(report: ContractReport): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, skip: 0 };
  for (const record of report.records) counts[record.outcome] += 1;
  return counts;
}
