import type { Command } from '@snooze/core';
import { describe, expect, it } from 'vitest';
import {
  CodecError,
  codecFor,
  jsonCodec,
  parseCodecMap,
  resultOf,
  WATER_METER,
  waterMeterCodec,
  waterMeterDevice,
} from '../src/codecs/index.js';

const command = (overrides: Partial<Command> = {}): Command => ({
  projectId: 'p',
  deviceId: 'd',
  commandId: 'c',
  paras: { value: 'ON' },
  expireTime: 0,
  sendStrategy: 'delay',
  status: 'SENT',
  createdAt: 1,
  expiresAt: 2,
  ...overrides,
});

describe('JSON codec', () => {
  it('encodes {mid, service_id, command_name, paras} as application/json', () => {
    const encoded = jsonCodec.encode(command({ serviceId: 'Switch', commandName: 'ON_OFF' }), 42);
    expect(encoded.contentFormat).toBe(50);
    expect(JSON.parse(encoded.payload.toString())).toEqual({
      mid: 42,
      service_id: 'Switch',
      command_name: 'ON_OFF',
      paras: { value: 'ON' },
    });
  });

  it('leaves out what the command does not have', () => {
    expect(JSON.parse(jsonCodec.encode(command(), 1).payload.toString())).toEqual({ mid: 1, paras: { value: 'ON' } });
  });

  it('decodes a result by mid and errcode, anything else as data', () => {
    const result = jsonCodec.decode(Buffer.from('{"mid":7,"errcode":0,"body":{"ok":true}}'), 50);
    expect(result).toEqual({ kind: 'result', mid: 7, errcode: 0, body: { ok: true } });
    expect(resultOf(result as Extract<typeof result, { kind: 'result' }>)).toEqual({ errcode: 0, body: { ok: true } });
    expect(jsonCodec.decode(Buffer.from('{"mid":7,"errcode":3}'), undefined)).toEqual({
      kind: 'result',
      mid: 7,
      errcode: 3,
    });
    expect(jsonCodec.decode(Buffer.from('{"temperature":21}'), 50)).toEqual({
      kind: 'data',
      data: { temperature: 21 },
    });
    expect(jsonCodec.decode(Buffer.from('{"mid":0,"errcode":0}'), 50).kind).toBe('data');
    expect(jsonCodec.decode(Buffer.from('{"mid":70000,"errcode":0}'), 50).kind).toBe('data');
  });

  it('refuses what is not JSON or not application/json', () => {
    expect(() => jsonCodec.decode(Buffer.from('{oops'), 50)).toThrow(expect.objectContaining({ reason: 'invalid' }));
    expect(() => jsonCodec.decode(Buffer.from('{}'), 42)).toThrow(
      expect.objectContaining({ reason: 'unsupported_format' }),
    );
  });
});

describe('water meter codec (the binary example)', () => {
  it('encodes SET_VALVE: type, mid, command, open', () => {
    const encoded = waterMeterCodec.encode(command({ commandName: 'SET_VALVE', paras: { open: true } }), 0x1234);
    expect(encoded.contentFormat).toBe(42);
    expect(encoded.payload).toEqual(Buffer.of(0xa1, 0x12, 0x34, 0x01, 0x01));
    expect(waterMeterDevice.decodeCommand(encoded.payload)).toEqual({
      mid: 0x1234,
      command: 'SET_VALVE',
      args: Buffer.of(1),
    });
  });

  it('encodes SET_REPORT_INTERVAL with a 32-bit interval', () => {
    const encoded = waterMeterCodec.encode(
      command({ commandName: 'SET_REPORT_INTERVAL', paras: { seconds: 3600 } }),
      9,
    );
    expect(encoded.payload).toEqual(Buffer.of(0xa1, 0x00, 0x09, 0x02, 0x00, 0x00, 0x0e, 0x10));
  });

  it.each([
    ['an unknown command', { commandName: 'FLY', paras: {} }],
    ['a valve state that is not boolean', { commandName: 'SET_VALVE', paras: { open: 'yes' } }],
    ['an interval below the minimum', { commandName: 'SET_REPORT_INTERVAL', paras: { seconds: 1 } }],
    ['an interval that is not an integer', { commandName: 'SET_REPORT_INTERVAL', paras: { seconds: 61.5 } }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => waterMeterCodec.encode(command(overrides), 1)).toThrow(CodecError);
  });

  it('decodes results with and without the valve state, and meter reports', () => {
    expect(waterMeterCodec.decode(waterMeterDevice.encodeResult(300, 0, true), 42)).toEqual({
      kind: 'result',
      mid: 300,
      errcode: 0,
      body: { valve: 'open' },
    });
    expect(waterMeterCodec.decode(waterMeterDevice.encodeResult(300, 5), undefined)).toEqual({
      kind: 'result',
      mid: 300,
      errcode: 5,
    });
    expect(waterMeterCodec.decode(waterMeterDevice.encodeReport(123_456, 87, false), 42)).toEqual({
      kind: 'data',
      data: { volume_l: 123_456, battery_pct: 87, valve: 'closed' },
    });
  });

  it('refuses payloads that are not water meter messages', () => {
    expect(() => waterMeterCodec.decode(Buffer.of(0xa2, 0, 1), 42)).toThrow(CodecError);
    expect(() => waterMeterCodec.decode(Buffer.of(0xa2, 0, 0, 0), 42)).toThrow(CodecError);
    expect(() => waterMeterCodec.decode(Buffer.of(0x00), 42)).toThrow(CodecError);
    expect(() => waterMeterCodec.decode(Buffer.alloc(0), 42)).toThrow(CodecError);
    expect(() => waterMeterCodec.decode(waterMeterDevice.encodeReport(1, 1, true), 50)).toThrow(
      expect.objectContaining({ reason: 'unsupported_format' }),
    );
    expect(() => waterMeterDevice.decodeCommand(Buffer.of(0xa1, 0, 1, 0x77))).toThrow(CodecError);
  });
  it('keeps its message types distinct', () => {
    expect(new Set([WATER_METER.commandMessage, WATER_METER.resultMessage, WATER_METER.reportMessage]).size).toBe(3);
  });
});

describe('codec selection (CODECS)', () => {
  it('maps products to codecs, JSON for the rest', () => {
    const codecs = parseCodecMap('meter-a:water-meter, sensor:json');
    expect(codecFor(codecs, 'meter-a')).toBe(waterMeterCodec);
    expect(codecFor(codecs, 'sensor')).toBe(jsonCodec);
    expect(codecFor(codecs, 'other')).toBe(jsonCodec);
    expect(parseCodecMap('').size).toBe(0);
  });

  it('stops at boot on an unknown codec or a malformed entry', () => {
    expect(() => parseCodecMap('meter:nope')).toThrow(/water-meter/);
    expect(() => parseCodecMap(':json')).toThrow(/productId:codec/);
    expect(() => parseCodecMap('justaname')).toThrow(/productId:codec/);
  });
});
