/**
 * The resources that exist on the server while the fuzzer runs, so that generated requests can name them (a
 * random id almost always answers 404). It grows from every successful create; picks are by index, so the
 * generated input stays a plain number and the pick happens when the request is built.
 */
import type { OperationId } from '../contract/spec.js';

export type PoolKind = 'device' | 'rule' | 'action';

export interface CommandRef {
  device: string;
  command: string;
}

export class ResourcePool {
  private readonly ids: Record<PoolKind, string[]> = { device: [], rule: [], action: [] };
  private readonly commands: CommandRef[] = [];

  pick(kind: PoolKind, index: number): string | undefined {
    const ids = this.ids[kind];
    return ids.length === 0 ? undefined : ids[index % ids.length];
  }

  pickCommand(index: number): CommandRef | undefined {
    return this.commands.length === 0 ? undefined : this.commands[index % this.commands.length];
  }

  add(kind: PoolKind, id: string): void {
    if (!this.ids[kind].includes(id)) this.ids[kind].push(id);
  }

  /** Records what a successful create answered. */
  remember(operationId: OperationId, body: Record<string, unknown>): void {
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    const device = text('device_id');
    const command = text('command_id');
    if (operationId === 'addDevice' && device) this.add('device', device);
    if (operationId === 'createAsyncCommand' && device && command) this.commands.push({ device, command });
    if (operationId === 'createRoutingRule' && text('rule_id')) this.add('rule', text('rule_id') as string);
    if (operationId === 'createRuleAction' && text('action_id')) this.add('action', text('action_id') as string);
  }
}
