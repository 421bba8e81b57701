import { describe, expect, it } from 'vitest';
import { loadContract } from '../src/contract/spec.js';
import { runProxySuite } from '../src/proxy/suite.js';
import { useLocalTarget } from './targets.js';

describe('the scenario suite through prism proxy --errors', () => {
  const settings = useLocalTarget();

  it('drives every operation, success and error paths, and Prism finds nothing wrong', async () => {
    const result = await runProxySuite(settings());
    expect(result.failures).toEqual([]);
    expect(result.skipped).toEqual([]);
    const driven = new Set(result.steps.map((step) => step.operationId));
    expect([...driven].sort()).toEqual([...(await loadContract()).operations.keys()].sort());
    const errorPaths = new Set(result.steps.filter((s) => s.status >= 400).map((s) => s.status));
    expect([...errorPaths].sort()).toEqual([400, 401, 403, 404, 413, 422, 429, 500]);
  }, 180_000);
});
