/** The mock target: Prism's mock of the spec, which proves that the spec's examples and schemas agree. */
import { type ContractSettings, DEFAULT_FORBIDDEN_PROJECT } from '../settings.js';
import { startPrism } from './prism.js';

export interface MockTarget {
  settings: ContractSettings;
  close(): Promise<void>;
}

export async function startMockTarget(): Promise<MockTarget> {
  const prism = await startPrism({ kind: 'mock' });
  return {
    // Prism accepts any token and knows no projects: the statuses it cannot derive are asked of it (Prefer).
    settings: {
      mode: 'mock',
      url: prism.url,
      main: { token: 'mock-token', projectId: 'contract-project' },
      forbiddenProjectId: DEFAULT_FORBIDDEN_PROJECT,
    },
    close: prism.close,
  };
}
