import { describe, it } from 'vitest';
import { runDredd } from '../src/dredd/run.js';
import { expectCleanRun } from './expectations.js';
import { useMockTarget } from './targets.js';

describe('Dredd against the Prism mock of the spec', () => {
  const settings = useMockTarget();

  it("passes every transaction: the spec's examples keep its own schemas", async () => {
    await expectCleanRun(await runDredd(settings()));
  }, 180_000);
});
