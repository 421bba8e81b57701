/** Trips a per-project rate limiter: sends until it refuses, so that the very next request is refused too. */

// A bucket holds one second's worth of requests; no sane limit for a test project needs more to empty it.
const BURST_MAX = 200;

export async function burstUntilRefused(send: () => Promise<Response>, project: string): Promise<void> {
  for (let i = 0; i < BURST_MAX; i++) {
    const response = await send();
    if (!response.bodyUsed) await response.body?.cancel();
    if (response.status === 429) return;
  }
  throw new Error(`no 429 after ${BURST_MAX} requests to project ${project}: is its rate limit on?`);
}
