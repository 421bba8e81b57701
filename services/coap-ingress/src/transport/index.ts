export * from './coap-options.js';
export * from './coap-transport.js';
