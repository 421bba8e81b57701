/**
 * A token bucket per project, per process: a simple guard against one tenant starving the others.
 * With N replicas behind a balancer the effective limit is N times the configured one.
 */
export class ProjectRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the request may proceed. A burst of one second's worth is allowed. */
  take(projectId: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(projectId) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(projectId, bucket);
    return allowed;
  }
}
