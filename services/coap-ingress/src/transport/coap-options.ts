/**
 * CoAP options (RFC 7252 §5.10) as coap-packet carries them: names and raw values. Only what a device
 * reads and writes: paths, queries and the uint-valued options.
 */
import type { NamedOption, OptionName, ParsedPacket } from 'coap-packet';

type ParsedOption = ParsedPacket['options'][number];

/** A uint option value (RFC 7252 §3.2): big-endian without leading zero bytes, so 0 is empty. */
export function uintOption(name: OptionName, value: number): NamedOption {
  let length = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) length++;
  const bytes = Buffer.allocUnsafe(length);
  if (length > 0) bytes.writeUIntBE(value, 0, length);
  return { name, value: bytes };
}

export function stringOption(name: OptionName, value: string): NamedOption {
  return { name, value: Buffer.from(value) };
}

/** One option per segment, as Uri-Path, Uri-Query and Location-Path repeat. */
export function stringOptions(name: OptionName, values: readonly string[]): NamedOption[] {
  return values.map((value) => stringOption(name, value));
}

/** Whether the request's Uri-Path is exactly these segments. */
export function isUriPath(packet: ParsedPacket, segments: readonly string[]): boolean {
  let index = 0;
  for (const option of packet.options) {
    if (option.name !== 'Uri-Path') continue;
    if (index === segments.length || option.value.toString() !== segments[index]) return false;
    index++;
  }
  return index === segments.length;
}

export function optionStrings(options: readonly (NamedOption | ParsedOption)[], name: OptionName): string[] {
  const values: string[] = [];
  for (const option of options) if (option.name === name) values.push(option.value.toString('utf8'));
  return values;
}

/** The first such option's uint value; undefined without one. */
export function uintValue(packet: ParsedPacket, name: OptionName): number | undefined {
  for (const option of packet.options) {
    if (option.name !== name) continue;
    let value = 0;
    for (const byte of option.value) value = value * 256 + byte;
    return value;
  }
  return undefined;
}
