/**
 * The suites' own test: a dispatcher whose handlers drift from the contract (see src/drift.ts) must make each of
 * them fail, and each must name the drifted operations.
 */
import { describe, expect, it } from 'vitest';
import type { OperationId } from '../src/contract/spec.js';
import { runDredd } from '../src/dredd/run.js';
import { DRIFTED, driftHandlers } from '../src/drift.js';
import { fuzzContract } from '../src/fuzz/fuzzer.js';
import { runProxySuite } from '../src/proxy/suite.js';
import { useLocalTarget } from './targets.js';

const drifted = Object.keys(DRIFTED) as OperationId[];

describe('a dispatcher that drifts from the contract', () => {
  const settings = useLocalTarget({ decorateHandlers: driftHandlers });

  it('fails the Dredd suite, on the drifted success transactions', async () => {
    const result = await runDredd(settings());
    expect(result.ok).toBe(false);
    const failed = (id: OperationId) =>
      result.report.records.find((r) => r.operationId === id && r.status < 300 && r.outcome === 'fail');
    expect(failed('createAsyncCommand')?.problems.join()).toMatch(/Expected status code '200', but got '500'/);
    expect(failed('showDevice')?.problems.join()).toMatch(/No enum match for: "SLEEPING"/);
    expect(failed('listRoutingRules')?.problems.join()).toMatch(/but got '418'/);
  }, 180_000);

  it('fails the prism-proxy scenario suite', async () => {
    const { failures } = await runProxySuite(settings());
    const problems = (id: OperationId) => failures.filter((f) => f.operationId === id).flatMap((f) => f.problems);
    expect(problems('createAsyncCommand')).toContain('status 500, expected 200');
    expect(problems('showDevice').join()).toMatch(/#VIOLATIONS/);
    expect(problems('listRoutingRules')).toContain('status 418 is not documented for listRoutingRules');
  }, 180_000);

  it.each(drifted)(
    'fails the fuzzer, which prints the input that broke %s',
    async (operationId) => {
      const outcome = await fuzzContract({
        settings: settings(),
        seed: 1,
        numRuns: 500,
        operations: [operationId],
      });
      expect(outcome.failure).toMatch(/Counterexample/);
      expect(outcome.failure).toContain(`${operationId} answered`);
    },
    60_000,
  );
});
