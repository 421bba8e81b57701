/** The CoAP Content-Format numbers the ingress deals in (RFC 7252 §12.3, LwM2M 1.0). */
export const CONTENT_FORMAT = {
  linkFormat: 40,
  octetStream: 42,
  json: 50,
} as const;
