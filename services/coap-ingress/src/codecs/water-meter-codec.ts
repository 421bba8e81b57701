import type { Command } from '@snooze/core';
import { type Codec, CodecError, type EncodedCommand, type Uplink } from './codec.js';
import { CONTENT_FORMAT } from './content-format.js';

/**
 * The example binary codec: an NB-IoT water meter with a valve, in the shape of IoTDA codec plug-ins
 * (a message-type byte, then fields in network byte order), Content-Format 42 both ways.
 *
 * Downlink `PUT /19/1/0`:
 *   0xA1 | mid u16 | command u8 | arguments
 *     SET_VALVE           0x01  open u8 (1 open, 0 closed)      paras {"open": boolean}
 *     SET_REPORT_INTERVAL 0x02  seconds u32 (60..604800)         paras {"seconds": integer}
 * Uplink notifications on `/19/0/0`:
 *   0xA2 | mid u16 | errcode u8 [| valve u8]   command result → {errcode, body: {valve}}
 *   0xB1 | volume u32 (litres) | battery u8 (%) | valve u8   meter reading (data)
 */
export const WATER_METER = {
  service: 'WaterMeter',
  commandMessage: 0xa1,
  resultMessage: 0xa2,
  reportMessage: 0xb1,
  commands: { SET_VALVE: 0x01, SET_REPORT_INTERVAL: 0x02 },
  reportIntervalS: { min: 60, max: 604_800 },
} as const;

type CommandName = keyof typeof WATER_METER.commands;

function valveName(byte: number): 'open' | 'closed' {
  return byte === 1 ? 'open' : 'closed';
}

function argumentsOf(name: CommandName, paras: Record<string, unknown>): Buffer {
  if (name === 'SET_VALVE') {
    if (typeof paras.open !== 'boolean') throw new CodecError('invalid', 'SET_VALVE needs paras.open (boolean)');
    return Buffer.of(paras.open ? 1 : 0);
  }
  const { seconds } = paras;
  const { min, max } = WATER_METER.reportIntervalS;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new CodecError('invalid', `SET_REPORT_INTERVAL needs paras.seconds, an integer in ${min}..${max}`);
  }
  const args = Buffer.alloc(4);
  args.writeUInt32BE(seconds);
  return args;
}

export const waterMeterCodec: Codec = {
  name: 'water-meter',

  encode(command: Command, mid: number): EncodedCommand {
    const name = command.commandName ?? '';
    if (!Object.hasOwn(WATER_METER.commands, name)) {
      throw new CodecError('invalid', `the water meter has no command "${name}"`);
    }
    const code = WATER_METER.commands[name as CommandName];
    const header = Buffer.alloc(4);
    header.writeUInt8(WATER_METER.commandMessage, 0);
    header.writeUInt16BE(mid, 1);
    header.writeUInt8(code, 3);
    return {
      payload: Buffer.concat([header, argumentsOf(name as CommandName, command.paras)]),
      contentFormat: CONTENT_FORMAT.octetStream,
    };
  },

  decode(payload: Buffer, contentFormat: number | undefined): Uplink {
    if (contentFormat !== undefined && contentFormat !== CONTENT_FORMAT.octetStream) {
      throw new CodecError('unsupported_format', `the water meter codec takes Content-Format 42, not ${contentFormat}`);
    }
    const type = payload[0];
    if (type === WATER_METER.resultMessage && (payload.length === 4 || payload.length === 5)) {
      const errcode = payload.readUInt8(3);
      const mid = payload.readUInt16BE(1);
      if (mid === 0) throw new CodecError('invalid', 'mid 0 is never assigned');
      const valve = payload[4];
      return valve === undefined
        ? { kind: 'result', mid, errcode }
        : { kind: 'result', mid, errcode, body: { valve: valveName(valve) } };
    }
    if (type === WATER_METER.reportMessage && payload.length === 7) {
      return {
        kind: 'data',
        data: {
          volume_l: payload.readUInt32BE(1),
          battery_pct: payload.readUInt8(5),
          valve: valveName(payload.readUInt8(6)),
        },
      };
    }
    throw new CodecError('invalid', 'not a water meter message');
  },
};

/** The device side of the same format, for simulated meters and tests. */
export const waterMeterDevice = {
  decodeCommand(payload: Buffer): { mid: number; command: CommandName; args: Buffer } {
    const code = payload[3];
    const command = (Object.keys(WATER_METER.commands) as CommandName[]).find((n) => WATER_METER.commands[n] === code);
    if (payload[0] !== WATER_METER.commandMessage || payload.length < 4 || !command) {
      throw new CodecError('invalid', 'not a water meter command');
    }
    return { mid: payload.readUInt16BE(1), command, args: payload.subarray(4) };
  },

  encodeResult(mid: number, errcode: number, valveOpen?: boolean): Buffer {
    const message = Buffer.alloc(valveOpen === undefined ? 4 : 5);
    message.writeUInt8(WATER_METER.resultMessage, 0);
    message.writeUInt16BE(mid, 1);
    message.writeUInt8(errcode, 3);
    if (valveOpen !== undefined) message.writeUInt8(valveOpen ? 1 : 0, 4);
    return message;
  },

  encodeReport(volumeL: number, batteryPct: number, valveOpen: boolean): Buffer {
    const message = Buffer.alloc(7);
    message.writeUInt8(WATER_METER.reportMessage, 0);
    message.writeUInt32BE(volumeL, 1);
    message.writeUInt8(batteryPct, 5);
    message.writeUInt8(valveOpen ? 1 : 0, 6);
    return message;
  },
};
