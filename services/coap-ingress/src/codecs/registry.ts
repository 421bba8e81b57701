import type { Codec } from './codec.js';
import { jsonCodec } from './json-codec.js';
import { waterMeterCodec } from './water-meter-codec.js';

/** The codecs a product can be configured with; a new codec is one file plus one line here. */
export const CODECS: Readonly<Record<string, Codec>> = {
  [jsonCodec.name]: jsonCodec,
  [waterMeterCodec.name]: waterMeterCodec,
};

/**
 * Parses `CODECS=productId:codecName,...` into the codec of each product; products not listed use
 * the JSON codec. Unknown codec names stop the ingress at boot.
 */
export function parseCodecMap(spec: string): Map<string, Codec> {
  const map = new Map<string, Codec>();
  for (const entry of spec.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const cut = entry.lastIndexOf(':');
    const productId = entry.slice(0, cut);
    const codec = CODECS[entry.slice(cut + 1)];
    if (cut <= 0 || !codec) {
      throw new Error(
        `CODECS entry "${entry}" must be productId:codec with codec one of ${Object.keys(CODECS).join(', ')}`,
      );
    }
    map.set(productId, codec);
  }
  return map;
}

export function codecFor(codecs: ReadonlyMap<string, Codec>, productId: string): Codec {
  return codecs.get(productId) ?? jsonCodec;
}
