import type { Command } from '@snooze/core';

/** A command as it goes out in `PUT /19/1/0`. */
export interface EncodedCommand {
  payload: Buffer;
  contentFormat: number;
}

/**
 * What a device sent on `/19/0/0`: the result of a command (matched by `mid`; `errcode` 0 is success)
 * or data, which only tells that the device is awake.
 */
export type Uplink =
  | { kind: 'result'; mid: number; errcode: number; body?: Record<string, unknown> }
  | { kind: 'data'; data: unknown };

/**
 * The extension point for device payload formats, as IoTDA's codec plug-ins: one codec per product
 * (CODECS=productId:codecName). A codec encodes a command with the mid the ingress assigned and
 * decodes what the device sends back. Both directions throw CodecError for input they cannot handle.
 */
export interface Codec {
  readonly name: string;
  encode(command: Command, mid: number): EncodedCommand;
  decode(payload: Buffer, contentFormat: number | undefined): Uplink;
}

/** `unsupported_format` is a content format the codec does not speak (CoAP 4.15), `invalid` a bad payload (4.00). */
export class CodecError extends Error {
  constructor(
    readonly reason: 'unsupported_format' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'CodecError';
  }
}

/** The stored result of a device's answer: what IoTDA's ShowAsyncDeviceCommand returns as `result`. */
export function resultOf(uplink: Extract<Uplink, { kind: 'result' }>): Record<string, unknown> {
  return uplink.body === undefined ? { errcode: uplink.errcode } : { errcode: uplink.errcode, body: uplink.body };
}
