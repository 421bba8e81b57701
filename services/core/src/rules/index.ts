export * from './memory-rule-store.js';
export * from './model.js';
export * from './redis-rule-store.js';
export * from './rule-service.js';
export * from './rule-store.js';
