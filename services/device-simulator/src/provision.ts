/**
 * Provisioning through the dispatcher's HTTP API (AddDevice, CreateAsyncCommand with send_strategy
 * delay), so a simulated fleet has devices to register as and cached commands to receive.
 */
export interface ProvisionOptions {
  url: string;
  token: string;
  projectId: string;
  productId: string;
  nodePrefix: string;
  devices: number;
  commandsPerDevice: number;
  paras: Record<string, unknown>;
  concurrency?: number;
}

async function call(options: ProvisionOptions, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${options.url}/v5/iot/${options.projectId}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Auth-Token': options.token },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Runs `work` for 0..count-1 with `concurrency` at a time; resolves with the results in order. */
async function pooled<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Creates the devices `<nodePrefix><i>`; returns their device ids, by index. */
export function provisionDevices(options: ProvisionOptions): Promise<string[]> {
  return pooled(options.devices, options.concurrency ?? 32, async (i) => {
    const device = await call(options, '/devices', {
      node_id: `${options.nodePrefix}${i}`,
      product_id: options.productId,
    });
    return String(device.device_id);
  });
}

/** Caches `commandsPerDevice` delay commands for each device; returns the command ids. */
export async function cacheCommands(options: ProvisionOptions, deviceIds: readonly string[]): Promise<string[]> {
  const perDevice = await pooled(deviceIds.length, options.concurrency ?? 32, async (i) => {
    const ids: string[] = [];
    for (let c = 0; c < options.commandsPerDevice; c++) {
      const command = await call(options, `/devices/${deviceIds[i]}/async-commands`, {
        service_id: 'Simulator',
        command_name: 'PING',
        paras: options.paras,
        send_strategy: 'delay',
      });
      ids.push(String(command.command_id));
    }
    return ids;
  });
  return perDevice.flat();
}

/** Creates the devices `<nodePrefix><i>` and their commands; returns the command ids. */
export async function provisionFleet(options: ProvisionOptions): Promise<string[]> {
  return cacheCommands(options, await provisionDevices(options));
}
