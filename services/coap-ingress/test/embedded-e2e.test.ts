/**
 * The embedded mode of `npm start` (in-memory store, LocalDelivery), and a product on the binary
 * water-meter codec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATER_METER, waterMeterDevice } from '../src/index.js';
import { delayCommand, type Stack, startStack } from './harness.js';

const METER = 'prod-water-meter';

describe('embedded mode, binary codec', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ingress: { codecs: `${METER}:water-meter` } });
    await stack.startIngress();
  });
  afterAll(() => stack.close());

  it('delivers cached and immediate JSON commands without Redis', async () => {
    const device = await stack.provision('emb-json');
    const cached = await stack.service.createCommand(delayCommand(device.deviceId));
    const sim = await stack.device({ nodeId: 'emb-json' });
    await sim.register();
    await stack.waitForStatus(cached, 'SUCCESSFUL');
    const immediate = await stack.service.createCommand({
      ...delayCommand(device.deviceId),
      sendStrategy: 'immediately',
    });
    expect(immediate.status).toBe('SENT');
    await stack.waitForStatus(immediate, 'SUCCESSFUL');
    expect(await stack.statusTrail(immediate)).toEqual(['SENT', 'DELIVERED', 'SUCCESSFUL']);
  });

  it('speaks the water meter format to a meter product, both ways', async () => {
    const device = await stack.provision('emb-meter', METER);
    let valveOpen = false;
    const sim = await stack.device({
      nodeId: 'emb-meter',
      handler: (payload, contentFormat) => {
        expect(contentFormat).toBe(42);
        const { mid, command, args } = waterMeterDevice.decodeCommand(payload);
        if (command === 'SET_VALVE') valveOpen = args[0] === 1;
        return { mid, result: { payload: waterMeterDevice.encodeResult(mid, 0, valveOpen), contentFormat: 42 } };
      },
    });
    const open = await stack.service.createCommand({
      ...delayCommand(device.deviceId, { open: true }),
      serviceId: WATER_METER.service,
      commandName: 'SET_VALVE',
    });
    const badParas = await stack.service.createCommand({
      ...delayCommand(device.deviceId, { open: 'please' }),
      serviceId: WATER_METER.service,
      commandName: 'SET_VALVE',
    });
    await sim.register();
    expect((await stack.waitForStatus(open, 'SUCCESSFUL')).result).toEqual({ errcode: 0, body: { valve: 'open' } });
    const failed = await stack.waitForStatus(badParas, 'FAILED');
    expect(failed.result).toMatchObject({ error: 'CODEC' });
    expect(sim.commands).toHaveLength(1);

    // A meter report is data: it wakes the queue.
    const interval = await stack.service.createCommand({
      ...delayCommand(device.deviceId, { seconds: 900 }),
      serviceId: WATER_METER.service,
      commandName: 'SET_REPORT_INTERVAL',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sim.notify(waterMeterDevice.encodeReport(1234, 90, valveOpen), 42);
    await stack.waitForStatus(interval, 'SUCCESSFUL');
  });
});
