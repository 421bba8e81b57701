export * from './errors.js';
export * from './lifecycle.js';
export * from './limits.js';
export * from './model.js';
export * from './store.js';
