/**
 * `npm run simulate -- --devices N [options]`: wakes a fleet of simulated NB-IoT devices against an
 * ingress and reports what came back. Progress goes to stderr, the summary to stdout (`--json` for
 * machines).
 */
import { parseArgs } from 'node:util';
import { type FleetProgress, type FleetReport, runFleet } from './fleet.js';
import { cacheCommands, type ProvisionOptions, provisionDevices } from './provision.js';
import type { DeviceBehaviour } from './simulated-device.js';

const USAGE = `Usage: npm run simulate -- --devices N [options]
  --devices N              simulated devices, one UDP socket each (default 100)
  --host H --port P        the ingress (default 127.0.0.1:5683); P1,P2,... for several replicas
                           (device i talks to the (i mod n)-th, as a balancer with affinity would)
  --node-prefix S          node_ids are <S><i> (default sim-)
  --rate R                 wake-ups per second (default 500)
  --wake register|update   how a device wakes: its registration, or (update) a registration update
                           after the whole fleet registered first, as a sleeping NB-IoT device does
                           (default register)
  --hold                   update mode: once registered, wait for a line on stdin before waking
                           (another program caches commands meanwhile); prints "registered" first
  --commands C             commands each device expects (default 1)
  --lifetime S             registration lifetime in seconds (default 300)
  --binding U|UQ           (default U)
  --behaviour B            normal | never-ack | ack-no-result | fail | reject (default normal)
  --result-delay-ms MS     delay before a device reports its result (default 0)
  --confirmable            CON notifications instead of NON
  --drain-ms MS            wait for stragglers after the last wake-up (default 10000)
  --linger-ms MS           keep the sockets open this long after the end (CON retransmissions; default 0)
  --provision URL          create the devices and C delay commands each through the HTTP API first
                           (update mode: the commands once the fleet has registered)
  --token T --project P --product PR   credentials and ids for --provision
  --json                   print the summary as JSON`;

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '100' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5683' },
    'node-prefix': { type: 'string', default: 'sim-' },
    rate: { type: 'string', default: '500' },
    wake: { type: 'string', default: 'register' },
    hold: { type: 'boolean', default: false },
    commands: { type: 'string', default: '1' },
    lifetime: { type: 'string', default: '300' },
    binding: { type: 'string', default: 'U' },
    behaviour: { type: 'string', default: 'normal' },
    'result-delay-ms': { type: 'string', default: '0' },
    confirmable: { type: 'boolean', default: false },
    'drain-ms': { type: 'string', default: '10000' },
    'linger-ms': { type: 'string', default: '0' },
    provision: { type: 'string' },
    token: { type: 'string' },
    project: { type: 'string', default: 'sim-project' },
    product: { type: 'string', default: 'sim-product' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function int(name: keyof typeof values, min: number): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`--${name} must be an integer >= ${min}\n${USAGE}\n`);
    process.exit(2);
  }
  return value;
}

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const devices = int('devices', 1);
const ports = String(values.port)
  .split(',')
  .map((port) => Number(port));
if (!ports.every((port) => Number.isInteger(port) && port >= 1 && port <= 65_535)) {
  process.stderr.write(`--port must be one or more ports, comma-separated\n${USAGE}\n`);
  process.exit(2);
}
const commands = int('commands', 0);
const nodePrefix = values['node-prefix'] as string;
if (values.binding !== 'U' && values.binding !== 'UQ') throw new Error('--binding must be U or UQ');
if (values.wake !== 'register' && values.wake !== 'update') throw new Error('--wake must be register or update');
const wakeWith = values.wake;

/** Waits for one line on stdin. */
function lineOnStdin(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once('data', () => {
      process.stdin.pause();
      resolve();
    });
  });
}

let provision: ProvisionOptions | undefined;
let deviceIds: string[] = [];
if (values.provision) {
  if (!values.token) throw new Error('--provision needs --token');
  provision = {
    url: values.provision,
    token: values.token,
    projectId: values.project as string,
    productId: values.product as string,
    nodePrefix,
    devices,
    commandsPerDevice: commands,
    paras: { value: 'ON' },
  };
  const started = performance.now();
  deviceIds = await provisionDevices(provision);
  if (wakeWith === 'register') await cacheCommands(provision, deviceIds);
  process.stderr.write(`provisioned ${devices} devices in ${Math.round(performance.now() - started)} ms\n`);
}

/** Update mode, between registrations and wake-ups. */
async function beforeWake(): Promise<void> {
  if (provision) await cacheCommands(provision, deviceIds);
  if (values.hold) {
    process.stdout.write('registered\n');
    await lineOnStdin();
  }
}

const report: FleetReport = await runFleet({
  devices,
  host: values.host as string,
  port: ports[0] as number,
  ports,
  nodePrefix,
  rate: int('rate', 1),
  wakeWith,
  beforeWake,
  commandsPerDevice: commands,
  drainMs: int('drain-ms', 0),
  lingerMs: int('linger-ms', 0),
  device: {
    lifetimeS: int('lifetime', 1),
    binding: values.binding,
    behaviour: values.behaviour as DeviceBehaviour,
    resultDelayMs: int('result-delay-ms', 0),
    confirmableNotifications: values.confirmable as boolean,
  },
  onProgress: (p: FleetProgress) =>
    process.stderr.write(
      `[${(p.elapsedMs / 1000).toFixed(1)}s] registered ${p.registered}/${devices}${wakeWith === 'update' ? `  woke ${p.updated}` : ''} (retried ${p.retried})  commands ${p.commands}  answered ${p.answered}  failures ${p.failures}\n`,
    ),
});

if (values.json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const l = report.wakeToCommandMs;
  process.stdout.write(
    [
      `devices            ${report.devices} (registered ${report.registered}, woke by update ${report.updated}, retried ${report.retried}, failures ${report.failures})`,
      `commands received  ${report.commands}, answered ${report.answered}`,
      `duration           ${(report.durationMs / 1000).toFixed(2)} s (wake-up rate ${report.wakeRate.toFixed(0)}/s)`,
      `round trips        ${report.roundTripsPerSecond.toFixed(0)}/s`,
      `wake → command     p50 ${l.p50.toFixed(1)} ms  p90 ${l.p90.toFixed(1)} ms  p99 ${l.p99.toFixed(1)} ms  max ${l.max.toFixed(1)} ms`,
      '',
    ].join('\n'),
  );
}
process.exit(0);
