/** What a passing Dredd run must look like, shared by the tests of every target. */
import { expect } from 'vitest';
import { loadContract } from '../src/contract/spec.js';
import { formatFailures } from '../src/dredd/report.js';
import type { DreddResult } from '../src/dredd/run.js';

/** One transaction per documented response of every operation. */
export async function documentedResponses(): Promise<number> {
  const contract = await loadContract();
  return [...contract.operations.values()].reduce((sum, op) => sum + op.responses.size, 0);
}

export async function expectCleanRun(result: DreddResult): Promise<void> {
  expect(formatFailures(result.report)).toBe('Failed transactions: none.');
  expect(result.tally).toMatchObject({ failing: 0, errors: 0, skipped: 0, total: await documentedResponses() });
  expect(result.report.records).toHaveLength(result.tally.total);
  expect(result.ok, result.output.slice(-4000)).toBe(true);
}
