import type { Command } from '@snooze/core';
import { type Codec, CodecError, type EncodedCommand, type Uplink } from './codec.js';
import { CONTENT_FORMAT } from './content-format.js';

/**
 * The default codec, for devices that speak JSON (Content-Format 50):
 * out `{"mid", "service_id", "command_name", "paras"}`, back `{"mid", "errcode", "body"}` for a
 * result; any other JSON value is data.
 */
export const jsonCodec: Codec = {
  name: 'json',

  encode(command: Command, mid: number): EncodedCommand {
    const message: Record<string, unknown> = { mid };
    if (command.serviceId !== undefined) message.service_id = command.serviceId;
    if (command.commandName !== undefined) message.command_name = command.commandName;
    message.paras = command.paras;
    return { payload: Buffer.from(JSON.stringify(message)), contentFormat: CONTENT_FORMAT.json };
  },

  decode(payload: Buffer, contentFormat: number | undefined): Uplink {
    if (contentFormat !== undefined && contentFormat !== CONTENT_FORMAT.json) {
      throw new CodecError('unsupported_format', `the json codec takes Content-Format 50, not ${contentFormat}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      throw new CodecError('invalid', 'payload is not JSON');
    }
    if (isResult(value)) {
      const { mid, errcode, body } = value;
      return isObject(body) ? { kind: 'result', mid, errcode, body } : { kind: 'result', mid, errcode };
    }
    return { kind: 'data', data: value };
  },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResult(value: unknown): value is { mid: number; errcode: number; body?: unknown } {
  return (
    isObject(value) &&
    Number.isInteger(value.mid) &&
    (value.mid as number) >= 1 &&
    (value.mid as number) <= 65_535 &&
    Number.isInteger(value.errcode)
  );
}
