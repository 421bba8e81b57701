/**
 * A fleet of simulated devices waking up at a controlled rate: what the CLI and the benchmark run.
 * Each device wakes once, receives its cached commands and answers them. A wake-up is either a first
 * registration, or (`wakeWith: 'update'`) what a sleeping NB-IoT device sends when it comes out of power
 * saving: a registration update, the fleet having registered beforehand.
 */

import { type ReceivedCommand, SimulatedDevice, type SimulatedDeviceOptions } from './simulated-device.js';
import { type LatencySummary, summarize } from './stats.js';

export interface FleetOptions {
  devices: number;
  host: string;
  port: number;
  /** Several ingress replicas: device i talks to `ports[i % ports.length]` (instead of `port`). */
  ports?: readonly number[];
  nodePrefix: string;
  /** Wake-ups per second. */
  rate: number;
  /**
   * `register` (default): the wake-up is the device's registration. `update`: every device registers
   * first (at the same rate, not measured), then `beforeWake` runs, then each wakes with an update.
   */
  wakeWith?: 'register' | 'update';
  /** Update mode: runs between the registrations and the wake-ups (cache commands for the fleet). */
  beforeWake?: () => Promise<void>;
  /** Commands each device expects; it is done when it has answered that many. */
  commandsPerDevice: number;
  /** After the last wake-up, how long to wait for stragglers. */
  drainMs: number;
  /**
   * After everything was answered, how long the devices stay up before closing their sockets: CON
   * results whose ACK was lost are still being retransmitted meanwhile.
   */
  lingerMs?: number;
  device?: Partial<SimulatedDeviceOptions>;
  onProgress?: (progress: FleetProgress) => void;
  progressEveryMs?: number;
}

export interface FleetProgress {
  elapsedMs: number;
  registered: number;
  /** Registrations tried again: unanswered within the request timeout, or 5.03 (after its Max-Age). */
  retried: number;
  /** Update mode: wake-ups answered 2.04. */
  updated: number;
  commands: number;
  answered: number;
  failures: number;
}

export interface FleetReport extends FleetProgress {
  devices: number;
  /** Answered commands per second, from the first wake-up to the last answer. */
  roundTripsPerSecond: number;
  /** Wake-ups per second actually achieved. */
  wakeRate: number;
  /** First wake-up sent → command write received at the device, ms (first command of each device). */
  wakeToCommandMs: LatencySummary;
  /** Command write received → result sent, ms (includes the configured result delay). */
  commandToAnswerMs: LatencySummary;
  durationMs: number;
  /** CPU time of the simulator process from the first wake-up to the end (user + system), ms. */
  cpuMs: number;
}

export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const devices: SimulatedDevice[] = [];
  const progress: FleetProgress = {
    elapsedMs: 0,
    registered: 0,
    updated: 0,
    retried: 0,
    commands: 0,
    answered: 0,
    failures: 0,
  };
  const wakeToCommand: number[] = [];
  /** performance.now() of each device's first wake-up attempt (0: not yet), by index. */
  const firstWake = new Float64Array(options.devices);
  const commandToAnswer: number[] = [];
  let pendingDevices = options.devices;
  let lastAnswerAt = 0;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  for (let i = 0; i < options.devices; i++) {
    const device = await SimulatedDevice.open({
      ...options.device,
      nodeId: `${options.nodePrefix}${i}`,
      host: options.host,
      port: options.ports?.length ? (options.ports[i % options.ports.length] as number) : options.port,
    });
    let answered = 0;
    device.on('command', (command: ReceivedCommand) => {
      progress.commands++;
      // From the first wake-up attempt: retries after lost answers count as waiting.
      if (device.commands.length === 1) wakeToCommand.push(command.at - (firstWake[i] || device.wokeAt));
    });
    device.on('answered', (command: ReceivedCommand) => {
      progress.answered++;
      lastAnswerAt = performance.now();
      commandToAnswer.push(lastAnswerAt - command.at);
      if (++answered === options.commandsPerDevice && --pendingDevices === 0) allDone();
    });
    devices.push(device);
  }
  const updating = options.wakeWith === 'update';
  let registrationsLeft = options.devices;
  let allRegistered: () => void = () => {};
  const registeredAll = new Promise<void>((resolve) => {
    allRegistered = resolve;
  });
  /** Registers as an LwM2M client does: again after a 5.03's Max-Age, or at once after no answer. */
  const register = (i: number): void => {
    if (!updating && firstWake[i] === 0) firstWake[i] = performance.now();
    (devices[i] as SimulatedDevice).register().then(
      (answer) => {
        if (answer.code === '2.01') progress.registered++;
        else if (answer.code === '5.03') retry(register, i, (answer.maxAgeS ?? 1) * 1000);
        else progress.failures++;
        if (answer.code !== '5.03' && --registrationsLeft === 0) allRegistered();
      },
      () => retry(register, i, 0),
    );
  };
  /** Wakes with an update; a device whose registration the server no longer knows (4.04) registers anew. */
  const update = (i: number): void => {
    if (firstWake[i] === 0) firstWake[i] = performance.now();
    (devices[i] as SimulatedDevice).update().then(
      (answer) => {
        if (answer.code === '2.04') progress.updated++;
        else if (answer.code === '5.03') retry(update, i, (answer.maxAgeS ?? 1) * 1000);
        else if (answer.code === '4.04') register(i);
        else progress.failures++;
      },
      () => retry(update, i, 0),
    );
  };
  // Made once, not per wake-up: under tsx (esbuild's keepNames) creating a named closure costs an
  // Object.defineProperty each time.
  const retry = (wake: (i: number) => void, i: number, afterMs: number): void => {
    progress.retried++;
    setTimeout(() => wake(i), afterMs);
  };
  let started = performance.now();
  const timer = setInterval(() => {
    progress.elapsedMs = performance.now() - started;
    options.onProgress?.({ ...progress });
  }, options.progressEveryMs ?? 1_000);
  if (updating) {
    await paced(options, register);
    await Promise.race([registeredAll, sleep(options.drainMs)]);
    await options.beforeWake?.();
    started = performance.now();
  }
  const cpuAtStart = process.cpuUsage();
  await paced(options, updating ? update : register);
  const lastWakeAt = performance.now();
  if (options.commandsPerDevice > 0) await Promise.race([done, sleep(options.drainMs)]);
  else await sleep(options.drainMs);
  clearInterval(timer);
  const cpu = process.cpuUsage(cpuAtStart);
  progress.elapsedMs = performance.now() - started;
  if (options.lingerMs) await sleep(options.lingerMs);
  for (const device of devices) await device.close();
  const end = lastAnswerAt > 0 ? lastAnswerAt : performance.now();
  return {
    ...progress,
    devices: options.devices,
    roundTripsPerSecond: progress.answered / ((end - started) / 1000),
    wakeRate: options.devices / ((lastWakeAt - started) / 1000),
    wakeToCommandMs: summarize(wakeToCommand),
    commandToAnswerMs: summarize(commandToAnswer),
    durationMs: end - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Calls `wake` for every device at `options.rate` per second. Each tick releases the wake-ups that are
 * due, then sleeps until the next one is (1 ms at least): a steady rate without one timer per device,
 * and no more process wake-ups than there is work (each costs tens of µs of CPU, which the benchmark
 * counts against the simulator).
 */
function paced(options: FleetOptions, wake: (i: number) => void): Promise<void> {
  const started = performance.now();
  let woken = 0;
  return new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsedMs = performance.now() - started;
      const due = Math.min(options.devices, Math.floor((elapsedMs / 1000) * options.rate));
      for (; woken < due; woken++) wake(woken);
      if (woken >= options.devices) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(1, Math.ceil(((woken + 1) / options.rate) * 1000 - elapsedMs)));
    };
    tick();
  });
}
