/**
 * The state a Dredd run threads through its transactions: the resources the success transactions create, and
 * the order that lets each transaction use what an earlier one created (device → command → show → list → count;
 * rule → action → activate → delete).
 */
import type { OperationId } from '../contract/spec.js';

export type ChainedId = 'device_id' | 'command_id' | 'rule_id' | 'action_id';

/** The success transactions that build the chain, in the order they run. */
export const BUILD: readonly OperationId[] = [
  'addDevice',
  'showDevice',
  'listDevices',
  'createAsyncCommand',
  'showAsyncDeviceCommand',
  'listAsyncCommands',
  'listAsyncHistoryCommands',
  'countAsyncHistoryCommands',
  'createRoutingRule',
  'showRoutingRule',
  'listRoutingRules',
  'createRuleAction',
  'showRuleAction',
  'listRuleActions',
  'updateRuleAction',
  'updateRoutingRule',
];

/** The success transactions that remove it again, after every error transaction has had its turn. */
export const TEARDOWN: readonly OperationId[] = ['deleteRuleAction', 'deleteRoutingRule', 'deleteDevice'];

/** Which success answer carries which id, and where in its body. */
export const CREATES: Partial<Record<OperationId, ChainedId>> = {
  addDevice: 'device_id',
  createAsyncCommand: 'command_id',
  createRoutingRule: 'rule_id',
  createRuleAction: 'action_id',
};

const CREATED_BY: Record<ChainedId, OperationId> = {
  device_id: 'addDevice',
  command_id: 'createAsyncCommand',
  rule_id: 'createRoutingRule',
  action_id: 'createRuleAction',
};

const ERRORS_RANK = BUILD.length;

/** Where a transaction runs: the chain first, then every error path (in spec order), then the teardown. */
export function rank(operationId: OperationId | undefined, status: number): number {
  const success = status >= 200 && status < 300;
  if (!operationId || !success) return ERRORS_RANK;
  const built = BUILD.indexOf(operationId);
  if (built !== -1) return built;
  const torn = TEARDOWN.indexOf(operationId);
  return torn === -1 ? ERRORS_RANK : ERRORS_RANK + 1 + torn;
}

export class Chain {
  private readonly ids = new Map<ChainedId, string>();

  /** A value every name this run creates carries, so that runs against a shared deployment never collide. */
  constructor(readonly runId: string) {}

  get nodeId(): string {
    return `contract-${this.runId}`;
  }

  get ruleName(): string {
    return `contract-${this.runId}`;
  }

  /** An id of the right shape that no resource has. */
  get unknownId(): string {
    return `missing-${this.runId}`;
  }

  remember(name: ChainedId, value: string): void {
    this.ids.set(name, value);
  }

  id(name: ChainedId): string {
    const value = this.ids.get(name);
    if (value === undefined) {
      throw new Error(`needs a ${name}, but ${CREATED_BY[name]} did not create one (see its failure)`);
    }
    return value;
  }
}
