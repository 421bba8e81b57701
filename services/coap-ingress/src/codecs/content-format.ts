import type { OptionValue } from 'coap';

/** The CoAP Content-Format numbers the ingress deals in (RFC 7252 §12.3, LwM2M 1.0). */
export const CONTENT_FORMAT = {
  linkFormat: 40,
  octetStream: 42,
  json: 50,
} as const;

const BY_NAME: Record<string, number> = {
  'text/plain': 0,
  'application/link-format': CONTENT_FORMAT.linkFormat,
  'application/octet-stream': CONTENT_FORMAT.octetStream,
  'application/json': CONTENT_FORMAT.json,
};

/**
 * node-coap hands Content-Format over as a media-type name when it knows the number, as the number
 * otherwise; this gives the number either way (undefined when the option is absent or unreadable).
 */
export function contentFormatOf(value: OptionValue | undefined | null): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return BY_NAME[value] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
  return undefined;
}
