/** resolveSignalingLimits: named defaults, and a config no server could run with is refused at start. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIGNALING_LIMITS, MAX_TIMER_MS, resolveSignalingLimits } from '../../signaling-server/src/limits.js';

describe('signaling limits', () => {
  it('overlays overrides on the named defaults', () => {
    expect(resolveSignalingLimits()).toEqual(DEFAULT_SIGNALING_LIMITS);
    expect(resolveSignalingLimits({ joinTimeoutMs: 500 }).joinTimeoutMs).toBe(500);
  });

  it('refuses unknown names, non-positive values, and timeouts longer than a timer can wait', () => {
    expect(() => resolveSignalingLimits({ nope: 1 } as never)).toThrow(TypeError);
    expect(() => resolveSignalingLimits({ maxRooms: 0 })).toThrow(RangeError);
    expect(() => resolveSignalingLimits({ joinTimeoutMs: Number.NaN })).toThrow(RangeError);
    expect(() => resolveSignalingLimits({ joinTimeoutMs: Infinity })).toThrow(RangeError);
    expect(() => resolveSignalingLimits({ heartbeatIntervalMs: MAX_TIMER_MS + 1 })).toThrow(RangeError);
    expect(resolveSignalingLimits({ joinTimeoutMs: MAX_TIMER_MS }).joinTimeoutMs).toBe(MAX_TIMER_MS);
  });
});
