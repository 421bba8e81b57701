export { DISPATCHER_DEFAULTS, type DispatcherConfig, loadConfig } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { type DispatcherHandle, type DispatcherOptions, startDispatcher } from './server.js';
