export { AmqpPusher, type AmqpPusherOptions } from './amqp-pusher.js';
export { loadNotifyConfig, NOTIFY_DEFAULTS, type NotifyConfig } from './config.js';
export { HttpPusher, type HttpPusherOptions } from './http-pusher.js';
export { createNotificationMetrics, type NotificationMetrics } from './metrics.js';
export { notifyObserver } from './observer.js';
export { type ForwarderHandle, type StartForwarderOptions, startForwarder } from './start.js';
