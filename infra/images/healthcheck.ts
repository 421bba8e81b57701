/**
 * The containers' health probe: `node healthcheck.mjs <url>` exits 0 when the URL answers 2xx within the
 * timeout, 1 otherwise. Node's own fetch, so the image needs no curl or wget (and no shell).
 */
export {};

const TIMEOUT_MS = 2_000;

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node healthcheck.mjs <url>\n');
  process.exit(2);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
