import type { CommandStatus } from './model.js';

/**
 * The legal predecessors of each status (reference §5.2). A result may arrive before the ACK
 * (a piggy-backed 2.05, or an ACK lost on the radio), so SENT may go straight to SUCCESSFUL or FAILED.
 * FAILED is also reachable from SENT when the device rejects the write (CoAP 4.xx).
 */
export const LEGAL_FROM: Readonly<Record<CommandStatus, readonly CommandStatus[]>> = {
  PENDING: [],
  SENT: ['PENDING'],
  DELIVERED: ['SENT'],
  SUCCESSFUL: ['SENT', 'DELIVERED'],
  FAILED: ['SENT', 'DELIVERED'],
  TIMEOUT: ['SENT', 'DELIVERED'],
  EXPIRED: ['PENDING'],
};

export function isLegalTransition(from: CommandStatus, to: CommandStatus): boolean {
  return LEGAL_FROM[to].includes(from);
}

export function isFinal(status: CommandStatus): boolean {
  return status === 'SUCCESSFUL' || status === 'FAILED' || status === 'TIMEOUT' || status === 'EXPIRED';
}
