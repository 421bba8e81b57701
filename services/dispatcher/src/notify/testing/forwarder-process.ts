/**
 * One forwarder replica in a process of its own, for the failover test: it runs until it is killed and
 * prints `holding <partitions>` whenever the partitions it works on change, and `cpu <µs>` (its CPU time so
 * far, user + system) after each of those lines and when stopped with SIGTERM.
 * Env: REDIS_URL, KEY_PREFIX, PARTITIONS, HOLDER_ID, NOTIFY_CONFIG (JSON of NotifyConfig overrides), LOG_LEVEL.
 */
import { newId, openRuntime, RuleService } from '@snooze/core';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startForwarder } from '../start.js';

const env = process.env;
const runtime = openRuntime({
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  keyPrefix: env.KEY_PREFIX ?? 'snooze-test:child:',
  partitions: Number(env.PARTITIONS ?? 4),
});
const handle = startForwarder({
  runtime,
  rules: new RuleService(runtime.rules, newId),
  logger: pino({ level: env.LOG_LEVEL ?? 'silent' }),
  registry: new Registry(),
  config: JSON.parse(env.NOTIFY_CONFIG ?? '{}'),
  ...(env.HOLDER_ID ? { holderId: env.HOLDER_ID } : {}),
});

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return `cpu ${user + system}\n`;
};

let reported = '';
setInterval(() => {
  const holding = handle.forwarder.partitions().join(',');
  if (holding !== reported) process.stdout.write(`holding ${holding}\n${cpu()}`);
  reported = holding;
}, 20);

process.on('SIGTERM', () => {
  process.stdout.write(cpu());
  void handle
    .stop()
    .then(() => runtime.close())
    .finally(() => process.exit(0));
});
