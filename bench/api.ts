/**
 * `npm run bench:api`: CreateAsyncCommand throughput and latency of the dispatcher on real Redis, against a
 * bare fastify hello world measured in the same run on the same machine; then Redis memory per PENDING
 * command. Measured beside them, so the report shows where the gap to the baseline comes from: the floor of
 * the stack (bench/support/floor-server.ts: fastify + openapi-glue + the spec's validation, without
 * and with one Redis script call per create) and the dispatcher on its embedded store (no Redis).
 * Writes bench/results/api.{json,md}.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { CommandService, LocalDelivery, RedisStore } from '@snooze/core';
import { deleteKeys } from '@snooze/core/testing';
import autocannon from 'autocannon';
import type { Redis } from 'ioredis';
import { startChild, stopChild } from './support/child.js';
import { machineInfo, median } from './support/machine.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;
const DEVICES = 10_000;
const TOKEN = 'bench-token';
const PROJECT = 'bench-project';
const PORT = 18_080;
const BASELINE_PORT = 18_081;

// What a water-meter valve command looks like: a few parameters and a schedule (~150 bytes).
const PARAS = {
  value: 'ON',
  valve: 2,
  duration_s: 300,
  schedule: { start: '20261126T230000Z', repeat: 'daily', until: '20270101T000000Z' },
  reason: 'night-flush',
};
const BODY = JSON.stringify({ service_id: 'Valve', command_name: 'SET_VALVE', paras: PARAS, send_strategy: 'delay' });

interface RunFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, options: Partial<autocannon.Options>): Promise<RunFigures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function provision(prefix: string): Promise<{ service: CommandService; redis: Redis; store: RedisStore }> {
  const store = RedisStore.connect(REDIS_URL, { keyPrefix: prefix });
  const service = new CommandService({ store, delivery: new LocalDelivery() });
  for (let i = 0; i < DEVICES; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, DEVICES - i) }, (_, j) =>
        service.addDevice({ projectId: PROJECT, nodeId: `86${String(i + j).padStart(13, '0')}`, productId: 'valve' }),
      ),
    );
  }
  return { service, store, redis: (store as unknown as { redis: Redis }).redis };
}

const deviceId = (i: number) => `valve_86${String(i % DEVICES).padStart(13, '0')}`;

/** Creates against a server already started: 1 s unmeasured (the child's JIT warms up), then the run. */
async function createLoad(port: number): Promise<RunFigures> {
  let n = 0;
  const run = (duration: number) =>
    load(`http://127.0.0.1:${port}`, {
      duration,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-auth-token': TOKEN },
          body: BODY,
          // Mutating keeps the load generator cheap: on 2 cores it shares the CPU with the server.
          setupRequest: (request) => {
            request.path = `/v5/iot/${PROJECT}/devices/${deviceId(n++)}/async-commands`;
            return request;
          },
        },
      ],
    });
  await run(1);
  return run(SECONDS);
}

/** The dispatcher creating on Redis under `prefix` (devices provisioned beforehand), or on the embedded store. */
async function dispatcherRun(prefix: string | undefined): Promise<RunFigures> {
  const dispatcher = await startChild(
    'services/dispatcher/src/main.ts',
    {
      HOST: '127.0.0.1',
      PORT: String(PORT),
      ...(prefix ? { REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}),
      API_TOKENS: `${TOKEN}:${PROJECT}`,
      LOG_LEVEL: 'warn',
    },
    `http://127.0.0.1:${PORT}/healthz`,
  );
  try {
    if (!prefix) await provisionOverHttp();
    return await createLoad(PORT);
  } finally {
    await stopChild(dispatcher);
  }
}

/** The floor of the stack (bench/support/floor-server.ts), with or without its Redis script call. */
async function floorRun(withRedis: boolean): Promise<RunFigures> {
  const server = await startChild(
    'bench/support/floor-server.ts',
    { PORT: String(PORT), ...(withRedis ? { FLOOR_REDIS_URL: REDIS_URL } : {}) },
    `http://127.0.0.1:${PORT}/healthz`,
  );
  try {
    return await createLoad(PORT);
  } finally {
    await stopChild(server);
  }
}

/** The embedded store lives in the dispatcher's process: its devices are added through the API. */
async function provisionOverHttp(): Promise<void> {
  const headers = { 'content-type': 'application/json', 'x-auth-token': TOKEN };
  for (let i = 0; i < DEVICES; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, DEVICES - i) }, async (_, j) => {
        const body = JSON.stringify({ node_id: `86${String(i + j).padStart(13, '0')}`, product_id: 'valve' });
        const response = await fetch(`http://127.0.0.1:${PORT}/v5/iot/${PROJECT}/devices`, {
          method: 'POST',
          headers,
          body,
        });
        if (response.status !== 201) throw new Error(`AddDevice answered ${response.status}`);
      }),
    );
  }
}

async function baselineRun(): Promise<RunFigures> {
  const server = await startChild(
    'bench/support/hello-server.ts',
    { PORT: String(BASELINE_PORT) },
    `http://127.0.0.1:${BASELINE_PORT}/`,
  );
  try {
    await load(`http://127.0.0.1:${BASELINE_PORT}/`, { duration: 1 });
    return await load(`http://127.0.0.1:${BASELINE_PORT}/`, {});
  } finally {
    await stopChild(server);
  }
}

/** INFO used_memory before and after N PENDING commands, minus their paras bytes, per command. */
async function memoryPerPending(): Promise<{ withEvents: number; steadyState: number; parasBytes: number }> {
  const prefix = `snooze-bench:${randomUUID().slice(0, 8)}:`;
  const { service, store, redis } = await provision(prefix);
  try {
    const commands = DEVICES * 2;
    const before = await usedMemory(redis);
    for (let i = 0; i < commands; i += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, j) =>
          service.createCommand({ projectId: PROJECT, deviceId: deviceId(i + j), paras: PARAS, sendStrategy: 'delay' }),
        ),
      );
    }
    const parasBytes = Buffer.byteLength(JSON.stringify(PARAS));
    const withEvents = ((await usedMemory(redis)) - before) / commands - parasBytes;
    // The forwarder trims each partition's event stream once events are fanned out: the steady state.
    for (let p = 0; p < store.partitions; p++) await redis.xtrim(store.keys.events(p), 'MAXLEN', 0);
    const steadyState = ((await usedMemory(redis)) - before) / commands - parasBytes;
    return { withEvents: Math.round(withEvents), steadyState: Math.round(steadyState), parasBytes };
  } finally {
    await deleteKeys(redis, prefix);
    await store.close();
    await redis.quit().catch(() => {});
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/** What is measured, cheapest first; the rows of the report. */
const SUBJECTS = [
  { key: 'baseline', label: 'fastify hello world (baseline)' },
  { key: 'floor', label: "floor: fastify + openapi-glue + the spec's validation, a create-shaped answer" },
  { key: 'floorRedis', label: 'floor + one Lua script call on Redis per create' },
  { key: 'embedded', label: 'CreateAsyncCommand on the embedded store (the dispatcher without Redis)' },
  { key: 'create', label: 'CreateAsyncCommand on Redis' },
] as const;
type SubjectKey = (typeof SUBJECTS)[number]['key'];

function measure(key: SubjectKey, prefix: string): Promise<RunFigures> {
  switch (key) {
    case 'baseline':
      return baselineRun();
    case 'floor':
      return floorRun(false);
    case 'floorRedis':
      return floorRun(true);
    case 'embedded':
      return dispatcherRun(undefined);
    case 'create':
      return dispatcherRun(prefix);
  }
}

function summary(runs: RunFigures[]) {
  return {
    requestsPerSecond: Math.round(median(runs.map((r) => r.requestsPerSecond))),
    p50Ms: median(runs.map((r) => r.p50)),
    p99Ms: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}
type Summary = ReturnType<typeof summary>;

async function main(): Promise<void> {
  const runs = Object.fromEntries(SUBJECTS.map(({ key }) => [key, [] as RunFigures[]])) as Record<
    SubjectKey,
    RunFigures[]
  >;
  for (let run = 1; run <= RUNS; run++) {
    const prefix = `snooze-bench:${randomUUID().slice(0, 8)}:`;
    const { redis, store } = await provision(prefix);
    try {
      for (const { key } of SUBJECTS) runs[key].push(await measure(key, prefix));
    } finally {
      await deleteKeys(redis, prefix);
      await store.close();
      await redis.quit().catch(() => {});
    }
    const line = SUBJECTS.map(({ key }) => {
      const r = runs[key].at(-1) as RunFigures;
      return `${key} ${r.requestsPerSecond.toFixed(0)} req/s p99 ${r.p99} ms (non-2xx ${r.non2xx})`;
    });
    process.stdout.write(`run ${run}/${RUNS}: ${line.join(' | ')}\n`);
  }
  const summaries = Object.fromEntries(SUBJECTS.map(({ key }) => [key, summary(runs[key])])) as Record<
    SubjectKey,
    Summary
  >;
  const ratios = Object.fromEntries(
    SUBJECTS.map(({ key }) => [
      key,
      Math.round((summaries[key].requestsPerSecond / summaries.baseline.requestsPerSecond) * 100) / 100,
    ]),
  ) as Record<SubjectKey, number>;
  const memory = await memoryPerPending();
  const result: Result = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      runs: RUNS,
      secondsPerRun: SECONDS,
      connections: CONNECTIONS,
      devices: DEVICES,
      parasBytes: memory.parasBytes,
    },
    ...summaries,
    ratioToBaseline: ratios,
    targets: { ratio: 0.4, p99Ms: 25, memoryBytes: 600 },
    memoryPerPendingBytes: { steadyState: memory.steadyState, beforeEventTrim: memory.withEvents },
    runs,
  };
  await writeFile('bench/results/api.json', `${JSON.stringify(result, null, 2)}\n`);
  await writeFile('bench/results/api.md', markdown(result));
  process.stdout.write(markdown(result));
}

type Result = Record<SubjectKey, Summary> & {
  date: string;
  machine: ReturnType<typeof machineInfo>;
  settings: { runs: number; secondsPerRun: number; connections: number; devices: number; parasBytes: number };
  ratioToBaseline: Record<SubjectKey, number>;
  targets: { ratio: number; p99Ms: number; memoryBytes: number };
  memoryPerPendingBytes: { steadyState: number; beforeEventTrim: number };
  runs: Record<SubjectKey, RunFigures[]>;
};

function markdown(r: Result): string {
  const s = r.settings;
  const m = r.memoryPerPendingBytes;
  const rows = SUBJECTS.map(
    ({ key, label }) =>
      `| ${label} | ${r[key].requestsPerSecond} | ${r.ratioToBaseline[key]} | ${r[key].p50Ms} | ${r[key].p99Ms} | ${r[key].non2xx} |`,
  );
  return `# API benchmark (npm run bench:api)

${r.date} · ${r.machine.cpus} × ${r.machine.cpuModel} · ${r.machine.memoryGiB} GiB · Node ${r.machine.node}

CreateAsyncCommand (\`delay\`, ${s.parasBytes}-byte paras, ${s.devices} devices, real Redis) against a bare fastify hello world,
${s.connections} connections, ${s.runs} runs of ${s.secondsPerRun} s each; medians. Server and load generator in separate processes.
The two floor rows are the least a server built as the issue asks can do (bench/support/floor-server.ts): what
separates them from the dispatcher is the dispatcher's own work (auth, ids, domain rules, metrics, events).

| | req/s | ratio to baseline | p50 ms | p99 ms | non-2xx |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Ratio to baseline: **${r.ratioToBaseline.create}** on Redis (target ≥ 0.4);
create p99 on Redis **${r.create.p99Ms} ms** (target < 25 ms).

Redis memory per PENDING command beyond its paras bytes (INFO used_memory over ${s.devices * 2} commands):
**${m.steadyState} B** once the forwarder has trimmed the event stream (target < 600 B); ${m.beforeEventTrim} B while its status event is still in the stream.
`;
}

await main();
process.exit(0);
