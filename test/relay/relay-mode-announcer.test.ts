import { describe, expect, it } from 'vitest';
import { DEFAULT_MODE_ANNOUNCE_LIMITS } from '../../src/relay/limits.js';
import { ModeAnnouncer } from '../../src/relay/mode-announcer.js';
import type { ModeFrame, RelayMode } from '../../src/wire/frames.js';

const frame = (epoch: number, origin: string, mode: RelayMode = 'gossip'): ModeFrame => ({ kind: 'mode', mode, epoch, origin });

describe('ModeAnnouncer', () => {
  it('uses the named default limits', () => {
    expect(new ModeAnnouncer().limits).toEqual(DEFAULT_MODE_ANNOUNCE_LIMITS);
  });

  it('accepts a higher epoch, orders equal epochs by origin, and ignores stale and duplicate ones', () => {
    const a = new ModeAnnouncer();
    expect(a.receive(frame(1, 'm'), 0)).toBe('accepted');
    expect(a.receive(frame(1, 'm'), 0)).toBe('duplicate');
    expect(a.receive(frame(1, 'a'), 0)).toBe('stale');
    expect(a.receive(frame(1, 'z'), 0)).toBe('accepted');
    expect(a.receive(frame(2, 'a'), 0)).toBe('accepted');
    expect(a.receive(frame(1, 'zz'), 0)).toBe('stale');
    expect(a.getStats()).toMatchObject({ epoch: 2, origin: 'a', accepted: 3, duplicate: 1, stale: 2 });
  });

  it('announces one epoch past the current winner', () => {
    const a = new ModeAnnouncer();
    a.receive(frame(5, 'x'), 0);
    expect(a.announce('flood', 'me')).toEqual(frame(6, 'me', 'flood'));
    expect(a.receive(frame(6, 'me', 'flood'), 0)).toBe('duplicate');
  });

  it('rejects an epoch jump past maxEpochStep and invalid frames, and counts them', () => {
    const a = new ModeAnnouncer({ maxEpochStep: 10 });
    expect(a.receive(frame(11, 'x'), 0)).toBe('epoch-jump');
    expect(a.receive(frame(Number.MAX_SAFE_INTEGER, 'x'), 0)).toBe('epoch-jump');
    expect(a.receive(frame(10, 'x'), 0)).toBe('accepted');
    expect(a.receive({ ...frame(11, 'x'), mode: 'turbo' as RelayMode }, 0)).toBe('invalid');
    expect(a.receive(frame(1.5, 'x'), 0)).toBe('invalid');
    expect(a.receive(frame(12, ''), 0)).toBe('invalid');
    expect(a.getStats()).toMatchObject({ epoch: 10, epochJump: 2, invalid: 3 });
  });

  it('bounds a spam of ever-higher announcements with its token bucket, refilled over time', () => {
    const limits = { burst: 4, refillMs: 1_000 };
    const a = new ModeAnnouncer(limits);
    const verdicts = Array.from({ length: 100 }, (_, i) => a.receive(frame(i + 1, 'spammer'), 0));
    expect(verdicts.filter((v) => v === 'accepted')).toHaveLength(limits.burst);
    expect(a.getStats().rateLimited).toBe(100 - limits.burst);
    // Two refill periods later, two more are accepted.
    expect(a.receive(frame(a.epoch + 1, 'spammer'), 2_000)).toBe('accepted');
    expect(a.receive(frame(a.epoch + 1, 'spammer'), 2_000)).toBe('accepted');
    expect(a.receive(frame(a.epoch + 1, 'spammer'), 2_000)).toBe('rate-limited');
  });
});
