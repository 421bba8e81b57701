export * from './coap-timing.js';
export * from './codecs/index.js';
export { INGRESS_DEFAULTS, type IngressConfig, loadIngressConfig } from './config.js';
export { type IngressHandle, type IngressOptions, resolveConfig, startIngress } from './ingress.js';
export type { IngressMetrics } from './metrics.js';
export * from './parameters.js';
