/**
 * The mesh-wide relay mode, as a last-writer-wins register keyed by (epoch, origin): an announcement
 * with a higher epoch wins, equal epochs are ordered by origin id (so concurrent announcers agree on one
 * winner everywhere). The state is O(1) — the current winner only — so duplicates and stale
 * announcements are recognised by comparison, with no per-announcement memory to bound.
 *
 * Announcements from the network are bounded twice (DEFAULT_MODE_ANNOUNCE_LIMITS): an epoch may step up
 * by at most maxEpochStep at once (a forged epoch near 2^53 would otherwise freeze the mesh's mode), and a
 * token bucket caps how many are accepted — and so re-flooded — per unit of time. The trade-off: an
 * announcement refused by the bucket is not re-flooded by this node; the mesh still converges through
 * the other paths of the flood and the exchange on every new link (MessageRelay.addPeer).
 */
import { RELAY_MODES } from '../wire/frames.js';
import type { ModeFrame, PeerId, RelayMode } from '../wire/frames.js';
import { DEFAULT_MODE_ANNOUNCE_LIMITS } from './limits.js';
import type { ModeAnnounceLimits } from './limits.js';

export type ModeVerdict = 'accepted' | 'duplicate' | 'stale' | 'epoch-jump' | 'rate-limited' | 'invalid';

export interface ModeAnnouncerStats {
  epoch: number;
  origin: PeerId;
  accepted: number;
  duplicate: number;
  stale: number;
  epochJump: number;
  rateLimited: number;
  invalid: number;
}

/** Orders two (epoch, origin) pairs: negative when a < b. */
export function compareModeVersion(aEpoch: number, aOrigin: string, bEpoch: number, bOrigin: string): number {
  if (aEpoch !== bEpoch) return aEpoch < bEpoch ? -1 : 1;
  return aOrigin < bOrigin ? -1 : aOrigin > bOrigin ? 1 : 0;
}

export class ModeAnnouncer {
  readonly limits: ModeAnnounceLimits;
  private epochValue = 0;
  private originValue: PeerId = '';
  private modeValue: RelayMode | undefined;
  private tokens: number;
  private lastRefill: number | undefined;
  private readonly counts = { accepted: 0, duplicate: 0, stale: 0, epochJump: 0, rateLimited: 0, invalid: 0 };

  constructor(limits: Partial<ModeAnnounceLimits> = {}) {
    this.limits = { ...DEFAULT_MODE_ANNOUNCE_LIMITS, ...limits };
    this.tokens = this.limits.burst;
  }

  get epoch(): number {
    return this.epochValue;
  }

  get origin(): PeerId {
    return this.originValue;
  }

  /** The mode the winning announcement set (undefined before any). */
  get mode(): RelayMode | undefined {
    return this.modeValue;
  }

  /**
   * The winning announcement so far, as a frame to send (undefined before any). It carries the announced
   * mode even when this node has since switched locally: a local switch is not the mesh's.
   */
  current(): ModeFrame | undefined {
    return this.modeValue === undefined
      ? undefined
      : { kind: 'mode', mode: this.modeValue, epoch: this.epochValue, origin: this.originValue };
  }

  /** A new announcement by this node: one epoch past the current winner. */
  announce(mode: RelayMode, localId: PeerId): ModeFrame {
    this.epochValue += 1;
    this.originValue = localId;
    this.modeValue = mode;
    return { kind: 'mode', mode, epoch: this.epochValue, origin: localId };
  }

  /** Judges an announcement from the network; 'accepted' makes it the current winner. */
  receive(frame: ModeFrame, now: number): ModeVerdict {
    const valid =
      RELAY_MODES.includes(frame.mode) &&
      Number.isSafeInteger(frame.epoch) &&
      frame.epoch > 0 &&
      typeof frame.origin === 'string' &&
      frame.origin.length > 0;
    if (!valid) return this.count('invalid');
    const order = compareModeVersion(frame.epoch, frame.origin, this.epochValue, this.originValue);
    if (order === 0) return this.count('duplicate');
    if (order < 0) return this.count('stale');
    if (frame.epoch - this.epochValue > this.limits.maxEpochStep) return this.count('epoch-jump');
    if (!this.takeToken(now)) return this.count('rate-limited');
    this.epochValue = frame.epoch;
    this.originValue = frame.origin;
    this.modeValue = frame.mode;
    return this.count('accepted');
  }

  getStats(): ModeAnnouncerStats {
    return { epoch: this.epochValue, origin: this.originValue, ...this.counts };
  }

  private count(verdict: ModeVerdict): ModeVerdict {
    const field = verdict === 'epoch-jump' ? 'epochJump' : verdict === 'rate-limited' ? 'rateLimited' : verdict;
    this.counts[field]++;
    return verdict;
  }

  private takeToken(now: number): boolean {
    if (this.lastRefill === undefined) this.lastRefill = now;
    const earned = Math.floor((now - this.lastRefill) / this.limits.refillMs);
    if (earned > 0) {
      this.tokens = Math.min(this.limits.burst, this.tokens + earned);
      this.lastRefill += earned * this.limits.refillMs;
    }
    if (this.tokens <= 0) return false;
    this.tokens--;
    return true;
  }
}
