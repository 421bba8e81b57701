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

/** Creates the devices `<nodePrefix><i>` and their commands; returns the command ids. */
export async function provisionFleet(options: ProvisionOptions): Promise<string[]> {
  const commandIds: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.devices) {
      const i = next++;
      const device = await call(options, '/devices', {
        node_id: `${options.nodePrefix}${i}`,
        product_id: options.productId,
      });
      for (let c = 0; c < options.commandsPerDevice; c++) {
        const command = await call(options, `/devices/${String(device.device_id)}/async-commands`, {
          service_id: 'Simulator',
          command_name: 'PING',
          paras: options.paras,
          send_strategy: 'delay',
        });
        commandIds.push(String(command.command_id));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, worker));
  return commandIds;
}
