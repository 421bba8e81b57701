import { describe, it } from 'vitest';
import { runDredd } from '../src/dredd/run.js';
import { expectCleanRun } from './expectations.js';
import { useLocalTarget } from './targets.js';

describe('Dredd against the local dispatcher on real Redis', () => {
  const settings = useLocalTarget();

  it('passes a transaction for every documented response of every operation, none skipped', async () => {
    await expectCleanRun(await runDredd(settings()));
  }, 180_000);
});
