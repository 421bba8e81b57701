export * from './fleet.js';
export * from './provision.js';
export * from './simulated-device.js';
export * from './stats.js';
