/** Trips a per-project rate limiter: sends until it refuses, so that the very next request is refused too. */

/** Long enough for any sane test limit to grant a token: a bucket refills one second's worth per second. */
const BURST_WINDOW_MS = 3_000;
const PAUSE_MS = 10;

/**
 * A refusal counts only after an allowed request, which took the last whole token. A refusal straight
 * away (the previous burst emptied the bucket a moment ago) may come from a bucket a moment from its next
 * token, which the request under test would then get.
 */
export async function burstUntilRefused(send: () => Promise<Response>, project: string): Promise<void> {
  const deadline = Date.now() + BURST_WINDOW_MS;
  let allowed = false;
  while (Date.now() < deadline) {
    const response = await send();
    if (!response.bodyUsed) await response.body?.cancel();
    if (response.status !== 429) allowed = true;
    else if (allowed) return;
    else await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  throw new Error(
    `no 429 after an allowed request within ${BURST_WINDOW_MS} ms to project ${project}: is its rate limit on?`,
  );
}
