/** Starts a target before the tests of a file and stops it after them. */
import { afterAll, beforeAll } from 'vitest';
import type { ContractSettings } from '../src/settings.js';
import { type LocalTargetOptions, startLocalTarget } from '../src/targets/local.js';
import { startMockTarget } from '../src/targets/mock.js';

interface Target {
  settings: ContractSettings;
  close(): Promise<void>;
}

function useTarget(start: () => Promise<Target>): () => ContractSettings {
  let target: Target | undefined;
  // Prism takes a few seconds to start, more on a busy CI machine.
  beforeAll(async () => {
    target = await start();
  }, 90_000);
  afterAll(() => target?.close());
  return () => {
    if (!target) throw new Error('the target did not start');
    return target.settings;
  };
}

export const useLocalTarget = (options?: LocalTargetOptions) => useTarget(() => startLocalTarget(options));
export const useMockTarget = () => useTarget(startMockTarget);
