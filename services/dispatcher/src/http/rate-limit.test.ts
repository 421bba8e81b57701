import { describe, expect, it } from 'vitest';
import { ProjectRateLimiter } from './rate-limit.js';

describe('ProjectRateLimiter', () => {
  it('allows a second worth of requests, then refuses until tokens refill', () => {
    let now = 0;
    const limiter = new ProjectRateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 400; // 1.2 tokens back
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('keeps projects apart', () => {
    const limiter = new ProjectRateLimiter(1, () => 0);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
  });
});
