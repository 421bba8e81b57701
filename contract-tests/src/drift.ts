/**
 * A deliberately drifted API, for the suites' own tests: the real handlers, with three of them breaking the
 * contract the ways implementations drift — a required field dropped, a value outside its enum, a status code the
 * spec does not document. Every suite must fail on it, and name the drifted operations.
 */
import type { OperationHandlers } from '@snooze/dispatcher';
import type { OperationId } from './contract/spec.js';

export const DRIFTED: Partial<Record<OperationId, string>> = {
  createAsyncCommand: 'its 200 body drops the required `status`',
  showDevice: 'its 200 body says `status: "SLEEPING"`, outside the enum',
  listRoutingRules: 'it answers 418, a status the spec does not document',
};

// The results below break the handler types on purpose; the casts are the drift.
export function driftHandlers(handlers: OperationHandlers): OperationHandlers {
  return {
    ...handlers,
    async createAsyncCommand(request) {
      const { body, ...result } = await handlers.createAsyncCommand(request);
      const { status: _, ...rest } = body;
      return { ...result, body: rest } as never;
    },
    async showDevice(request) {
      const result = await handlers.showDevice(request);
      return { ...result, body: { ...result.body, status: 'SLEEPING' } } as never;
    },
    async listRoutingRules() {
      return { status: 418, body: { error_code: 'IOTDA.000418', error_msg: "I'm a teapot." } } as never;
    },
  };
}
