/**
 * `npm run bench:e2e`: commands delivered and answered end to end. The CoAP ingress (BENCH_INGRESSES
 * replicas, default 1) and the dispatcher run as deployed, each in a process of its own, on
 * real Redis (by default a redis-server of the benchmark's own, so its CPU time is measurable); the
 * simulated fleet runs in another process, one UDP socket per device, queue mode (UQ), each device talking
 * to one replica. Each run provisions BENCH_DEVICES devices, caches
 * one (delay) command for each, and the fleet wakes up at a fixed rate; every device receives its command
 * (PUT /19/1/0), acknowledges it and reports the result.
 *
 * Scenarios (BENCH_SCENARIOS, `<wake-up>:<per second>,...`). A wake-up is either `update`: the fleet
 * registered beforehand (not measured) and the commands were cached while it slept; each device wakes
 * with a registration update, what an NB-IoT device sends when it leaves power saving. Or `register`:
 * the device's first registration, after which the ingress also observes its /19/0/0. Rates: the target
 * (2,000/s), just above it (2,100/s: round trips/s count until the last answer, so a run that keeps up
 * with exactly 2,000 offered measures a little less), well above it (2,500/s: capacity) and a steady low
 * one (latency when nothing queues). Figures per run: round trips per second (answered commands /
 * time from the first wake-up to the last answer), wake-to-command latency (wake-up sent → command write
 * received, in the device process), commands SUCCESSFUL in the store afterwards (all must be), and the
 * CPU time per round trip of each process during the wake-ups. An unmeasured warm-up run of each kind
 * of wake-up comes first (BENCH_WARMUP_DEVICES at 400/s: JIT, script cache). Each scenario reports the
 * median of BENCH_RUNS runs. Writes bench/results/e2e.{json,md}. BENCH_PROFILE_DIR: CPU profiles of
 * every process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { loadavg } from 'node:os';
import { type CommandRef, CommandService, openRuntime } from '@snooze/core';
import { deleteKeys } from '@snooze/core/testing';
import type { FleetReport } from '@snooze/device-simulator';
import { createLogger } from '@snooze/dispatcher';
import type { Redis } from 'ioredis';
import { imageNodeOptions, startChild, stopChild } from './support/child.js';
import { snapshot } from './support/cpu.js';
import { machineInfo, median } from './support/machine.js';

/** Unset: a redis-server of the benchmark's own. */
const REDIS_URL = process.env.BENCH_REDIS_URL;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
/** How a scenario's devices wake (see the file comment) and at what rate per second. */
interface Scenario {
  wake: 'update' | 'register';
  rate: number;
}
const SCENARIOS: Scenario[] = (
  process.env.BENCH_SCENARIOS ?? 'update:400,update:2000,update:2100,update:2500,register:2000'
)
  .split(',')
  .map((spec) => {
    const [wake, rate] = spec.split(':');
    if ((wake !== 'update' && wake !== 'register') || !(Number(rate) > 0)) throw new Error(`bad scenario ${spec}`);
    return { wake, rate: Number(rate) };
  });
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const WARMUP_DEVICES = Number(process.env.BENCH_WARMUP_DEVICES ?? 2_000);
/**
 * Ingress replicas, each a process of its own as deployed (one, as infra/ provisions). With more, devices
 * are spread over them as a UDP balancer with per-device affinity would.
 */
const INGRESSES = Number(process.env.BENCH_INGRESSES ?? 1);
/** The ingress's Node flags as its image sets them (services/coap-ingress/Dockerfile). */
const INGRESS_NODE_OPTIONS = imageNodeOptions('coap-ingress');
const PROJECT = 'bench-project';
const PRODUCT = 'bench-meter';
const PARAS = { valve: 'open', duration_s: 300 };

interface RunFigures {
  roundTripsPerSecond: number;
  wakeRate: number;
  p50: number;
  p99: number;
  max: number;
  answered: number;
  /** Wake-ups the devices tried again (no answer within their 10 s timeout, or 5.03). */
  retried: number;
  successfulInStore: number;
  /**
   * The same wake-up seen by the ingress (register received → command write sent), p99 as the upper
   * bound of its histogram bucket: the part of the latency that is the server's.
   */
  ingressWakeToSendP99Ms: number;
  /** Every command's status at the end, counted. */
  statuses: Record<string, number>;
  durationMs: number;
  /** CPU ms per round trip of each part: the ingress replicas together, dispatcher (sweeper, notification forwarder), simulator, Redis. */
  cpuPerRoundTripMs: { ingress: number; dispatcher: number; simulator: number; redis: number };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
}

/** A private redis-server on a free port, stopped by its PID at the end. */
async function ownRedis(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (up) return { url: `redis://127.0.0.1:${port}`, stop: () => server.kill('SIGTERM') };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  server.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

/** Redis's own CPU time so far (INFO cpu), ms. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/**
 * The simulator CLI in a child process; resolves with its JSON report. In update mode the fleet
 * registers first and holds; `beforeWake` then runs (caches the commands) before it is released.
 */
function runFleet(
  ports: readonly number[],
  nodePrefix: string,
  scenario: Scenario,
  devices: number,
  beforeWake: () => Promise<void>,
): Promise<FleetReport> {
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const cli = ['services/device-simulator/src/cli.ts', '--devices', String(devices), '--port', ports.join(',')];
  // Results go as CON: one that an overflowing receive buffer drops is retransmitted, not lost; the
  // devices linger after the end for those retransmissions. Queue mode (UQ), as NB-IoT devices in PSM.
  const options = ['--node-prefix', nodePrefix, '--rate', String(scenario.rate), '--confirmable', '--json'];
  options.push('--binding', 'UQ', '--wake', scenario.wake, '--drain-ms', '30000', '--linger-ms', '15000');
  if (scenario.wake === 'update') options.push('--hold');
  // The load generator shares the machine with the servers: it gets the ingress's young-generation size
  // too, so that less of the shared CPU goes to its garbage collection.
  const node = [...profile, ...INGRESS_NODE_OPTIONS, '--import', 'tsx'];
  const child = spawn(process.execPath, [...node, ...cli, ...options], { stdio: ['pipe', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('registered\n')) {
      out = out.slice('registered\n'.length);
      beforeWake().then(
        () => child.stdin.write('\n'),
        () => child.kill(),
      );
    }
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as FleetReport);
      else reject(new Error(`simulator exited with ${code}: ${out}`));
    });
  });
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pooled<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

const loadAtStart = loadavg().map((value) => round(value, 2));
const redisServer = REDIS_URL ? undefined : await ownRedis();
const prefix = `snooze-bench-e2e:${randomUUID().slice(0, 8)}:`;
const logger = createLogger('error');
const runtime = openRuntime({
  redisUrl: REDIS_URL ?? redisServer?.url,
  keyPrefix: prefix,
  onError: (err) => logger.error({ err }),
});
if (runtime.mode !== 'redis') throw new Error('the benchmark runs on Redis');
const { redis } = runtime;
// As deployed (infra/): the dispatcher in a process of its own, on the same Redis; the ingress in this one.
const dispatcherPort = await freePort();
const dispatcher = await startChild(
  'services/dispatcher/src/main.ts',
  {
    HOST: '127.0.0.1',
    PORT: String(dispatcherPort),
    REDIS_URL: REDIS_URL ?? redisServer?.url ?? '',
    REDIS_KEY_PREFIX: prefix,
    API_TOKENS: `bench-token:${PROJECT}`,
    LOG_LEVEL: 'warn',
  },
  `http://127.0.0.1:${dispatcherPort}/healthz`,
);
const service = new CommandService({ store: runtime.store, delivery: runtime.delivery });

interface Replica {
  child: ChildProcess;
  port: number;
  metricsUrl: string;
}

async function startReplica(index: number): Promise<Replica> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = await startChild(
    'services/coap-ingress/src/main.ts',
    {
      NODE_OPTIONS: INGRESS_NODE_OPTIONS.join(' '),
      COAP_HOST: '127.0.0.1',
      COAP_PORT: String(port),
      INGRESS_ID: `bench-ingress-${index}`,
      REDIS_URL: REDIS_URL ?? redisServer?.url ?? '',
      REDIS_KEY_PREFIX: prefix,
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
    },
    `http://127.0.0.1:${metricsPort}/healthz`,
  );
  return { child, port, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

const replicas: Replica[] = [];
for (let i = 0; i < INGRESSES; i++) replicas.push(await startReplica(i));
const ports = replicas.map((replica) => replica.port);
/** The processes whose CPU time is counted, by name. */
const serverPids: Record<string, number> = { dispatcher: dispatcher.pid as number };
for (const [i, replica] of replicas.entries()) serverPids[`ingress${i}`] = replica.child.pid as number;

/** A command in none of these may still move: its result may still come, or its deadline end it. */
const FINAL = new Set(['SUCCESSFUL', 'FAILED', 'TIMEOUT', 'EXPIRED']);

/**
 * Command statuses once every command is final, or they stopped changing for longer than the result
 * deadline (a device's result that an overflowing receive buffer dropped comes back with the device's
 * CoAP retransmissions, seconds apart; one that never comes ends in TIMEOUT at that deadline).
 */
async function settledStatuses(commands: CommandRef[]): Promise<(string | undefined)[]> {
  let previous = '';
  let unchangedSince = performance.now();
  for (;;) {
    const statuses = await pooled(commands, 200, async (ref) => (await runtime.store.getCommand(ref))?.status);
    if (statuses.every((status) => status !== undefined && FINAL.has(status))) return statuses;
    const key = statuses.join();
    if (key !== previous) unchangedSince = performance.now();
    else if (performance.now() - unchangedSince > service.resultTimeoutMs + 5_000) return statuses;
    previous = key;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Cumulative bucket counts of the replicas' wake-to-send histograms (scraped), summed, by upper bound in ms. */
async function wakeToSendBuckets(): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  const line = /^snooze_coap_wake_to_send_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)/;
  for (const replica of replicas) {
    for (const text of (await (await fetch(replica.metricsUrl)).text()).split('\n')) {
      const match = line.exec(text);
      if (!match) continue;
      const bound = match[1] === '+Inf' ? Infinity : Number(match[1]) * 1000;
      buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
    }
  }
  return buckets;
}

function bucketP99(before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const bound of bounds) {
    if ((after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= 0.99 * total) return bound;
  }
  return Infinity;
}

type Measured = Omit<RunFigures, 'statuses' | 'successfulInStore'>;

/** Counters of every process at the start of the measured phase; the function returned reads the differences. */
async function startMeasuring(): Promise<(report: FleetReport) => Promise<Measured>> {
  const bucketsBefore = await wakeToSendBuckets();
  const cpuAtStart = await snapshot(serverPids);
  const redisCpuAtStart = await redisCpuMs(redis);
  return async (report) => {
    const cpuAtEnd = await snapshot(serverPids);
    // /proc counts clock ticks of 10 ms.
    const cpuMs = (name: string) => ((cpuAtEnd.processes[name] ?? 0) - (cpuAtStart.processes[name] ?? 0)) * 10;
    const ingressCpuMs = replicas.reduce((sum, _, i) => sum + cpuMs(`ingress${i}`), 0);
    const redisCpu = (await redisCpuMs(redis)) - redisCpuAtStart;
    return {
      roundTripsPerSecond: Math.round(report.roundTripsPerSecond),
      wakeRate: Math.round(report.wakeRate),
      p50: round(report.wakeToCommandMs.p50),
      p99: round(report.wakeToCommandMs.p99),
      max: round(report.wakeToCommandMs.max),
      answered: report.answered,
      retried: report.retried,
      ingressWakeToSendP99Ms: bucketP99(bucketsBefore, await wakeToSendBuckets()),
      durationMs: Math.round(report.durationMs),
      cpuPerRoundTripMs: {
        ingress: round(ingressCpuMs / report.answered, 3),
        dispatcher: round(cpuMs('dispatcher') / report.answered, 3),
        simulator: round(report.cpuMs / report.answered, 3),
        redis: round(redisCpu / report.answered, 3),
      },
    };
  };
}

async function oneRun(scenario: Scenario, label: string, devices = DEVICES): Promise<RunFigures> {
  const nodePrefix = `${label}-${randomUUID().slice(0, 4)}-`;
  const deviceIds = await pooled(
    Array.from({ length: devices }, (_, i) => i),
    200,
    async (i) =>
      (await service.addDevice({ projectId: PROJECT, nodeId: `${nodePrefix}${i}`, productId: PRODUCT })).deviceId,
  );
  const cacheCommands = (): Promise<CommandRef[]> =>
    pooled(deviceIds, 200, (deviceId) =>
      service.createCommand({
        projectId: PROJECT,
        deviceId,
        serviceId: 'Valve',
        commandName: 'SET_VALVE',
        paras: PARAS,
        sendStrategy: 'delay',
      }),
    );
  let commands: CommandRef[] = [];
  let measured: ((report: FleetReport) => Promise<Measured>) | undefined;
  if (scenario.wake === 'register') {
    commands = await cacheCommands();
    measured = await startMeasuring();
  }
  const report = await runFleet(ports, nodePrefix, scenario, devices, async () => {
    commands = await cacheCommands();
    measured = await startMeasuring();
  });
  if (!measured) throw new Error('the fleet never woke');
  const figures = await measured(report);
  const statuses = await settledStatuses(commands);
  const tally: Record<string, number> = {};
  for (const status of statuses) tally[String(status)] = (tally[String(status)] ?? 0) + 1;
  const successfulInStore = statuses.filter((status) => status === 'SUCCESSFUL').length;
  return { ...figures, successfulInStore, statuses: tally };
}

const scenarios: { scenario: Scenario; runs: RunFigures[] }[] = [];
try {
  // Warm-up, not measured: JIT compilation, script loading in Redis, pools and caches.
  for (const wake of new Set(SCENARIOS.map((s) => s.wake))) await oneRun({ wake, rate: 400 }, 'warmup', WARMUP_DEVICES);
  for (const scenario of SCENARIOS) {
    const runs: RunFigures[] = [];
    for (let run = 0; run < RUNS; run++) {
      const figures = await oneRun(scenario, `${scenario.wake[0]}${scenario.rate}r${run}`);
      process.stderr.write(`${scenario.wake} ${scenario.rate}/s, run ${run + 1}/${RUNS}: ${JSON.stringify(figures)}\n`);
      runs.push(figures);
    }
    scenarios.push({ scenario, runs });
  }
} finally {
  for (const replica of replicas) await stopChild(replica.child);
  await stopChild(dispatcher);
  await deleteKeys(redis, prefix);
  await runtime.close();
  redisServer?.stop();
}

const summaries = scenarios.map(({ scenario, runs }) => {
  const cpu = (part: keyof RunFigures['cpuPerRoundTripMs']) => median(runs.map((r) => r.cpuPerRoundTripMs[part]));
  const cpuPerRoundTripMs = {
    ingress: cpu('ingress'),
    dispatcher: cpu('dispatcher'),
    simulator: cpu('simulator'),
    redis: cpu('redis'),
  };
  const serverCpu = cpuPerRoundTripMs.ingress + cpuPerRoundTripMs.dispatcher + cpuPerRoundTripMs.redis;
  return {
    wakeWith: scenario.wake,
    wakeRatePerSecond: scenario.rate,
    roundTripsPerSecond: median(runs.map((r) => r.roundTripsPerSecond)),
    wakeToCommandP50Ms: median(runs.map((r) => r.p50)),
    wakeToCommandP99Ms: median(runs.map((r) => r.p99)),
    ingressWakeToSendP99Ms: median(runs.map((r) => r.ingressWakeToSendP99Ms)),
    allSuccessful: runs.every((r) => r.answered === DEVICES && r.successfulInStore === DEVICES),
    cpuPerRoundTripMs,
    /** What two idle cores could serve at 100 % with this CPU cost per round trip (all four processes). */
    cpuBoundRoundTripsPerSecond: Math.round(2_000 / (serverCpu + cpuPerRoundTripMs.simulator)),
    /** The same without the simulator: real devices do not run on the server's cores. */
    serverCpuBoundRoundTripsPerSecond: Math.round(2_000 / serverCpu),
    runs,
  };
});
const result = {
  benchmark: 'e2e',
  date: new Date().toISOString(),
  machine: machineInfo(),
  /** Load average when the benchmark started: other work on the machine takes CPU from the figures. */
  loadAverageAtStart: loadAtStart,
  setup: {
    devices: DEVICES,
    runsPerScenario: RUNS,
    commandsPerDevice: 1,
    ingressReplicas: INGRESSES,
    redis: REDIS_URL ? 'BENCH_REDIS_URL' : 'own redis-server on localhost',
  },
  target: { roundTripsPerSecond: 2_000, wakeToCommandP99Ms: 100 },
  scenarios: summaries,
};
await writeFile('bench/results/e2e.json', `${JSON.stringify(result, null, 2)}\n`);

/** Statuses other than SUCCESSFUL, e.g. `DELIVERED 76, TIMEOUT 49`. */
function otherStates(statuses: Record<string, number>): string {
  const other = Object.entries(statuses).filter(([status]) => status !== 'SUCCESSFUL');
  return other.length === 0 ? '—' : other.map(([status, n]) => `${status} ${n}`).join(', ');
}

const m = result.machine;
const md = [
  '# End-to-end benchmark: cached commands to waking NB-IoT devices',
  '',
  `${result.date}; ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; load average at start ${loadAtStart.join(' / ')}.`,
  `CoAP ingress (${INGRESSES} replica${INGRESSES === 1 ? '' : 's'}) and dispatcher (its sweeper and notification forwarder), a process each, as deployed, on Redis (${result.setup.redis});`,
  `${DEVICES} simulated devices (one UDP socket each, queue mode UQ) in a third process; one cached command per device; median of ${RUNS} runs`,
  'per scenario (`npm run bench:e2e`). A wake-up is a registration update of a registered, sleeping device (what an NB-IoT device',
  'sends when it leaves power saving), or a first registration (a device that attaches for the first time; the ingress then also',
  'observes its /19/0/0).',
  '',
  '| wake-up | wake-ups/s offered | round trips/s | wake→command p50 | p99 | p99 inside the ingress | all SUCCESSFUL | CPU ms per round trip (ingress + dispatcher + simulator + Redis) | CPU-bound capacity of 2 cores (without the simulator) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...summaries.map((s) => {
    const c = s.cpuPerRoundTripMs;
    return `| ${s.wakeWith} | ${s.wakeRatePerSecond} | ${s.roundTripsPerSecond} | ${s.wakeToCommandP50Ms} ms | ${s.wakeToCommandP99Ms} ms | ≤ ${s.ingressWakeToSendP99Ms} ms | ${s.allSuccessful ? 'yes' : 'NO'} | ${c.ingress} + ${c.dispatcher} + ${c.simulator} + ${c.redis} | ${s.cpuBoundRoundTripsPerSecond}/s (${s.serverCpuBoundRoundTripsPerSecond}/s) |`;
  }),
  '',
  'Target: ≥ 2,000 round trips/s and p99 < 100 ms. Every run:',
  '',
  '| wake-up | wake-ups/s | run | round trips/s | achieved wake-ups/s | p50 ms | p99 ms | max ms | answered | wake-ups retried | SUCCESSFUL in store | other states |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...summaries.flatMap((s) =>
    s.runs.map(
      (r, i) =>
        `| ${s.wakeWith} | ${s.wakeRatePerSecond} | ${i + 1} | ${r.roundTripsPerSecond} | ${r.wakeRate} | ${r.p50} | ${r.p99} | ${r.max} | ${r.answered} | ${r.retried} | ${r.successfulInStore} | ${otherStates(r.statuses)} |`,
    ),
  ),
  '',
];
await writeFile('bench/results/e2e.md', md.join('\n'));
process.stdout.write(`${md.join('\n')}\n`);
process.exit(0);
