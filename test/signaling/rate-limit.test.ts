/** The per-connection rate limit and error window (rate-limit.ts), as plain arithmetic on a clock we hold. */
import { describe, expect, it } from 'vitest';
import { FULL_BUCKET_AT, countError, takeToken } from '../../signaling-server/src/rate-limit.js';

describe('signaling rate limit: token bucket', () => {
  it('lets a burst of exactly `burst` messages through at once, then one per 1000/perSecond ms', () => {
    const bucket = { bucketFullAt: FULL_BUCKET_AT };
    const t = 10_000;
    for (let i = 0; i < 5; i++) expect(takeToken(bucket, t, 2, 5)).toBe(true);
    expect(takeToken(bucket, t, 2, 5)).toBe(false);
    expect(takeToken(bucket, t + 499, 2, 5)).toBe(false); // a token takes 500 ms to come back
    expect(takeToken(bucket, t + 500, 2, 5)).toBe(true);
    expect(takeToken(bucket, t + 500, 2, 5)).toBe(false);
  });

  it('never holds more than `burst` tokens, however long the connection was quiet', () => {
    const bucket = { bucketFullAt: FULL_BUCKET_AT };
    let passed = 0;
    for (let i = 0; i < 10; i++) if (takeToken(bucket, 1_000_000, 50, 3)) passed++;
    expect(passed).toBe(3);
  });

  it('refills fractionally and passes whole bursts despite float rounding (1000/3 ms per token)', () => {
    const bucket = { bucketFullAt: FULL_BUCKET_AT };
    for (let round = 0; round < 100; round++) {
      const t = 5_000 + round * 1_000; // a full second: all 3 tokens back
      for (let i = 0; i < 3; i++) expect(takeToken(bucket, t, 3, 3)).toBe(true);
      expect(takeToken(bucket, t, 3, 3)).toBe(false);
    }
  });

  it('does not mind a clock that steps back', () => {
    const bucket = { bucketFullAt: FULL_BUCKET_AT };
    expect(takeToken(bucket, 1_000, 1, 1)).toBe(true);
    expect(takeToken(bucket, 500, 1, 1)).toBe(false);
    expect(takeToken(bucket, 2_000, 1, 1)).toBe(true);
  });
});

describe('signaling rate limit: error window', () => {
  it('counts errors within the window and starts over after it', () => {
    const errors = { errorCount: 0, errorWindowStart: 0 };
    expect(countError(errors, 1_000, 10_000)).toBe(1);
    expect(countError(errors, 5_000, 10_000)).toBe(2);
    expect(countError(errors, 10_999, 10_000)).toBe(3);
    expect(countError(errors, 11_000, 10_000)).toBe(1); // the window opened at 1,000 has ended
    expect(countError(errors, 11_001, 10_000)).toBe(2);
  });
});
