/**
 * `npm run bench:notify`: command status changes turned into HTTP pushes at a local receiver. The forwarder
 * runs in a process of its own (as in a dispatcher replica) on real Redis with the default 16 partitions; this
 * process drives commands through CommandService (PENDING → SENT → DELIVERED → SUCCESSFUL, one Lua script per
 * transition, as the dispatcher and the ingress make them) at each of BENCH_RATES transitions per second, open loop,
 * spread over BENCH_DEVICES devices, and runs the receiver (node:http, keep-alive, answers 200 at once).
 *
 * Figures per run, over the BENCH_SECONDS after a warm-up: pushes received per second, and transition-to-receipt
 * latency (receipt time minus the event's `event_time_ms`, i.e. the time the transition was made) p50/p99/max.
 * After the load stops, every transition must arrive (checked by count of distinct `webhook-id`). The report
 * is the median of BENCH_RUNS runs. Writes bench/results/notify.{json,md}.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COMMAND_STATUS_SUBJECT, CommandService, type DeviceRef, newId, openRuntime, RuleService } from '@snooze/core';
import { deleteKeys } from '@snooze/core/testing';
import { startChild, stopChild } from './support/child.js';
import { type CpuSnapshot, cpuShares, snapshot, waitForQuiet } from './support/cpu.js';
import { machineInfo, median } from './support/machine.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Offered rates, transitions per second: the target, and a lower one for the latency the target leaves. */
const RATES = (process.env.BENCH_RATES ?? '5000,4000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The load ramps up over RAMP_SECONDS (a cold JIT meeting the full rate at once is not the steady state). */
const RAMP_SECONDS = 3;
const WARMUP_SECONDS = 5;
const DEVICES = Number(process.env.BENCH_DEVICES ?? 2_000);
const PARTITIONS = 16;
const PROJECT = 'bench-project';
const FORWARDER = new URL('../services/dispatcher/src/notify/testing/forwarder-process.ts', import.meta.url).pathname;
const RECEIVER = new URL('./support/notify-receiver.ts', import.meta.url).pathname;

interface RunFigures {
  /** CPU idle share just before the run (other work on the machine skews the figures). */
  idleBefore: number;
  transitionsPerSecond: number;
  pushesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  transitions: number;
  received: number;
  lost: number;
  duplicates: number;
  /** The forwarder process's CPU time over the run (start-up excluded) per push received. */
  forwarderCpuMicrosPerPush: number;
  p99PerSecond: number[];
  /** Over the window, per part (forwarder, receiver, load, redis) and for all other processes (`others`). */
  cpuPercentOfCore: Record<string, number>;
}

interface ReceiverStats {
  pushes: number;
  distinct: number;
  samples: [transitionMs: number, receiptMs: number][];
}

/** The receiver in its own process (bench/support/notify-receiver.ts), as an application server would be. */
async function startReceiver() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = await startChild(RECEIVER, { PORT: String(port) }, `${base}/stats`);
  return {
    url: `${base}/iot/command-status`,
    pid: child.pid ?? 0,
    stats: async () => (await (await fetch(`${base}/stats`)).json()) as ReceiverStats,
    close: () => stopChild(child),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Forwarder {
  child: ChildProcess;
  /** The forwarder's CPU time (µs) from holding every partition until it was stopped. */
  cpu: Promise<number>;
}

function spawnForwarder(keyPrefix: string): Promise<Forwarder> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const flags = (process.env.BENCH_FORWARDER_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...flags, '--import', 'tsx', FORWARDER], {
    env: {
      ...process.env,
      REDIS_URL,
      KEY_PREFIX: keyPrefix,
      PARTITIONS: String(PARTITIONS),
      NOTIFY_CONFIG: process.env.BENCH_NOTIFY_CONFIG ?? '{}',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const all = Array.from({ length: PARTITIONS }, (_, p) => p).join(',');
  let output = '';
  const cpu = new Promise<number>((resolve) => {
    child.once('exit', () => {
      const samples = [...output.matchAll(/cpu (\d+)/g)].map((m) => Number(m[1]));
      resolve((samples.at(-1) ?? Number.NaN) - (samples[0] ?? Number.NaN));
    });
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`holding ${all}\n`)) resolve({ child, cpu });
    });
    child.once('exit', (code) => reject(new Error(`forwarder exited with ${code}`)));
  });
}

/**
 * Open-loop pacing: each transition waits for its start time, so transitions start at `rate` per second
 * overall (after a linear ramp from a tenth of it), however fast or slow the system answers.
 */
function pacer(rate: number) {
  const start = performance.now();
  let due = start;
  return async () => {
    const ramp = Math.min(1, Math.max(0.1, (due - start) / (RAMP_SECONDS * 1000)));
    due += 1000 / (rate * ramp);
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function run(rate: number, index: number): Promise<RunFigures> {
  const idleBefore = Math.round((await waitForQuiet(Number(process.env.BENCH_QUIET_WAIT_S ?? 300))) * 100) / 100;
  const keyPrefix = `snooze-bench:${randomUUID().slice(0, 8)}:`;
  const runtime = openRuntime({ redisUrl: REDIS_URL, keyPrefix, partitions: PARTITIONS });
  if (runtime.mode !== 'redis') throw new Error('the benchmark needs Redis');
  const service = new CommandService({ store: runtime.store, delivery: runtime.delivery });
  const rules = new RuleService(runtime.rules, newId);
  const receiver = await startReceiver();
  let forwarder: Forwarder | undefined;
  try {
    const rule = await rules.createRule({ projectId: PROJECT, subject: COMMAND_STATUS_SUBJECT });
    await rules.createAction({
      projectId: PROJECT,
      ruleId: rule.ruleId,
      channel: 'HTTP_FORWARDING',
      channelDetail: { httpForwarding: { url: receiver.url } },
    });
    await rules.updateRule(PROJECT, rule.ruleId, { active: true });
    const devices: DeviceRef[] = [];
    for (let i = 0; i < DEVICES; i++) {
      devices.push(
        await service.addDevice({
          projectId: PROJECT,
          nodeId: `8600${index}${String(i).padStart(8, '0')}`,
          productId: 'meter',
        }),
      );
    }
    forwarder = await spawnForwarder(keyPrefix);

    const pace = pacer(rate);
    const startedAt = Date.now();
    // CPU of each part, and of everything else on the machine, over the measured window.
    const pids = {
      forwarder: forwarder.child.pid ?? 0,
      receiver: receiver.pid,
      load: process.pid,
      redis: Number(/process_id:(\d+)/.exec(await runtime.redis.info('server'))?.[1] ?? 0),
    };
    let windowStart: Promise<CpuSnapshot> | undefined;
    const windowTimer = setTimeout(() => {
      windowStart = snapshot(pids);
    }, WARMUP_SECONDS * 1000);
    const stopAt = startedAt + (WARMUP_SECONDS + SECONDS) * 1000;
    let transitions = 0;
    const step = async (transition: () => Promise<unknown>) => {
      await pace();
      await transition();
      transitions++;
    };
    await Promise.all(
      devices.map(async (ref) => {
        while (Date.now() < stopAt) {
          const command = await (async () => {
            await pace();
            const created = await service.createCommand({ ...ref, paras: { value: 'ON' }, sendStrategy: 'delay' });
            transitions++;
            return created;
          })();
          await step(() => service.takeNext(ref));
          await step(() => service.markDelivered(command));
          await step(() => service.recordResult(command, true, { code: 0 }));
        }
      }),
    );
    const loadEnd = Date.now();
    clearTimeout(windowTimer);
    const cpu = windowStart ? cpuShares(await windowStart, await snapshot(pids)) : {};
    const drainUntil = Date.now() + 30_000;
    let stats = await receiver.stats();
    while (stats.distinct < transitions && Date.now() < drainUntil) {
      await new Promise((r) => setTimeout(r, 200));
      stats = await receiver.stats();
    }

    const from = startedAt + WARMUP_SECONDS * 1000;
    // Latency of the transitions made in the window; throughput of the pushes received in it.
    const latencies = stats.samples
      .filter(([at]) => at >= from && at < loadEnd)
      .map(([at, received]) => received - at)
      .sort((a, b) => a - b);
    const receivedInWindow = stats.samples.filter(([, received]) => received >= from && received < loadEnd).length;
    // p99 of each second of transitions: shows whether the tail is steady or one stall.
    const perSecond: number[] = [];
    for (let t = from; t < loadEnd; t += 1000) {
      const second = stats.samples
        .filter(([at]) => at >= t && at < t + 1000)
        .map(([at, received]) => received - at)
        .sort((a, b) => a - b);
      perSecond.push(percentile(second, 99));
    }
    const seconds = (loadEnd - from) / 1000;
    await stopChild(forwarder.child);
    const cpuMicros = await forwarder.cpu;
    forwarder = undefined;
    const figures: RunFigures = {
      idleBefore,
      transitionsPerSecond: Math.round(latencies.length / seconds),
      pushesPerSecond: Math.round(receivedInWindow / seconds),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      transitions,
      received: stats.distinct,
      lost: transitions - stats.distinct,
      duplicates: stats.pushes - stats.distinct,
      forwarderCpuMicrosPerPush: Math.round(cpuMicros / Math.max(1, stats.pushes)),
      p99PerSecond: perSecond,
      cpuPercentOfCore: cpu,
    };
    console.info(`${rate}/s run ${index + 1}/${RUNS}:`, JSON.stringify(figures));
    return figures;
  } finally {
    if (forwarder) await stopChild(forwarder.child);
    await receiver.close();
    await deleteKeys(runtime.redis, keyPrefix);
    await runtime.close();
  }
}

const TARGET = { pushesPerSecond: 5_000, p99Ms: 50 };
const MAX_ATTEMPTS = RUNS + 4;
/** `others` above this % of one core over a run's window: the run was disturbed by other work on the machine. */
const DISTURBED_PERCENT = 20;

/** The median figures of RUNS runs at one offered rate. */
async function measure(rate: number) {
  // A run during which other processes used more than a tenth of the machine measured them too: run again
  // (at most MAX_ATTEMPTS times in all), and report how many were set aside.
  const runs: RunFigures[] = [];
  const disturbed: RunFigures[] = [];
  for (let attempt = 0; runs.length < RUNS && attempt < MAX_ATTEMPTS; attempt++) {
    const figures = await run(rate, runs.length);
    if ((figures.cpuPercentOfCore.others ?? 0) > DISTURBED_PERCENT) disturbed.push(figures);
    else runs.push(figures);
  }
  while (runs.length < RUNS && disturbed.length > 0) runs.push(disturbed.shift() as RunFigures);
  const pick = (
    key: 'transitionsPerSecond' | 'pushesPerSecond' | 'p50' | 'p99' | 'max' | 'forwarderCpuMicrosPerPush',
  ) => median(runs.map((r) => r[key]));
  return {
    offeredRate: rate,
    median: {
      transitionsPerSecond: pick('transitionsPerSecond'),
      pushesPerSecond: pick('pushesPerSecond'),
      p50Ms: pick('p50'),
      p99Ms: pick('p99'),
      maxMs: pick('max'),
      forwarderCpuMicrosPerPush: pick('forwarderCpuMicrosPerPush'),
    },
    allDelivered: runs.every((r) => r.lost === 0),
    cpuPercentOfCore: Object.fromEntries(
      ['forwarder', 'receiver', 'load', 'redis', 'others'].map((part) => [
        part,
        median(runs.map((r) => r.cpuPercentOfCore[part] ?? 0)),
      ]),
    ),
    setAside: disturbed.length,
    runs,
  };
}

const results: Awaited<ReturnType<typeof measure>>[] = [];
for (const rate of RATES) results.push(await measure(rate));
const met = (r: (typeof results)[number]) =>
  r.median.pushesPerSecond >= TARGET.pushesPerSecond && r.median.p99Ms < TARGET.p99Ms && r.allDelivered;
const result = {
  benchmark: 'notify',
  date: new Date().toISOString(),
  machine: machineInfo(),
  setup: {
    seconds: SECONDS,
    rampSeconds: RAMP_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    devices: DEVICES,
    partitions: PARTITIONS,
    runs: RUNS,
  },
  target: TARGET,
  targetMet: results.some(met),
  results,
};
const cpuCell = (cpu: Record<string, number>) =>
  ['forwarder', 'receiver', 'load', 'redis', 'others'].map((part) => cpu[part] ?? '?').join(' / ');
const busy = (cpu: Record<string, number>) =>
  ['forwarder', 'receiver', 'load', 'redis'].reduce((sum, part) => sum + (cpu[part] ?? 0), 0);
const rows = results
  .map(
    (r) =>
      `| ${r.offeredRate} | ${r.median.transitionsPerSecond} | ${r.median.pushesPerSecond} | ${r.median.p50Ms} | ${r.median.p99Ms} | ${r.median.maxMs} | ${r.median.forwarderCpuMicrosPerPush} | ${cpuCell(r.cpuPercentOfCore)} | ${r.allDelivered ? 'yes' : 'NO'} |`,
  )
  .join('\n');
await writeFile(new URL('./results/notify.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await writeFile(
  new URL('./results/notify.md', import.meta.url),
  `# Notification forwarding benchmark

\`npm run bench:notify\` — ${result.date}

Machine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node} (${result.machine.platform}); Redis 127.0.0.1.

Setup: command transitions made through CommandService on Redis, open loop, over ${DEVICES} devices (PENDING → SENT →
DELIVERED → SUCCESSFUL, one Lua script each); one active rule with one HTTP action; the forwarder (one replica,
${PARTITIONS} partitions, default settings) in its own process; the receiver (node:http, answers 200) in its own process.
The load ramps up over ${RAMP_SECONDS} s; figures cover the ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up. Pushes/s counts
pushes received in that window; latency = receipt time − the transition's time (\`event_time_ms\`) for the
transitions of that window. Forwarder CPU = its process CPU time per push. CPU % of a core = each process's CPU time
over the window (load = the process making the transitions); \`others\` = every other process on this shared machine.
Median of ${RUNS} runs per rate; each run first waits for the machine to be ≥ 90% idle, and a run during which other
processes used more than ${DISTURBED_PERCENT}% of a core is set aside and run again (set aside: ${results.map((r) => `${r.offeredRate}/s: ${r.setAside}`).join(', ')}). Target: ≥ ${TARGET.pushesPerSecond} pushes/s with p99 < ${TARGET.p99Ms} ms.

| offered/s | transitions/s | pushes/s | p50 ms | p99 ms | max ms | forwarder CPU µs/push | CPU % of a core: forwarder / receiver / load / Redis / others | all delivered |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows}

Target ${result.targetMet ? 'met' : 'NOT met'}.

Where the CPU goes: everything shares the 2 cores. At ${results[0]?.offeredRate}/s the parts used, over the window,
${cpuCell(results[0]?.cpuPercentOfCore ?? {})} % of one core (forwarder / receiver / load / Redis / others):
${busy(results[0]?.cpuPercentOfCore ?? {})}% of the machine's 200%. The forwarder's share is mostly one HTTP request and
response per push (the socket write and read of each), then JSON and GC; Redis's is mostly the transitions' own Lua
scripts. The tail latency is queueing on a machine that busy; in a deployment the receiver and the load are elsewhere
and the forwarder has its core to itself.
`,
);
console.info(
  JSON.stringify(results.map((r) => ({ rate: r.offeredRate, ...r.median }))),
  result.targetMet ? 'target met' : 'target NOT met',
);
process.exit(0);
