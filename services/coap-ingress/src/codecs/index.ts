export * from './codec.js';
export * from './content-format.js';
export * from './json-codec.js';
export * from './registry.js';
export * from './water-meter-codec.js';
