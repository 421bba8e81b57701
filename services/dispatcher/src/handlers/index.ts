import type { CommandService, RuleService } from '@snooze/core';
import type { OperationHandlers } from '../http/operations.js';
import type { DispatcherMetrics } from '../metrics.js';
import { commandHandlers } from './commands.js';
import { deviceHandlers } from './devices.js';
import { ruleHandlers } from './rules.js';

/** Every operation of the spec; the type makes a missing one a compile error. */
export function createHandlers(
  service: CommandService,
  rules: RuleService,
  metrics: DispatcherMetrics,
): OperationHandlers {
  return { ...commandHandlers(service, metrics), ...deviceHandlers(service), ...ruleHandlers(rules) };
}
