export { DISPATCHER_DEFAULTS, type DispatcherConfig, loadConfig } from './config.js';
export type { OperationHandlers } from './http/operations.js';
export { createLogger, type Logger } from './logger.js';
export { type DispatcherHandle, type DispatcherOptions, startDispatcher } from './server.js';
