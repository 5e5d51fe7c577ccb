/**
 * Liveness of one connection (Network Design Verification: ping every 30 s, pong timeout 10 s, drop after
 * 3 missed pongs). Any frame from the peer counts as proof of life, so a busy link sends no pings.
 *
 * - The dialer pings after pingIntervalMs of silence. The acceptor waits pingIntervalMs + pongTimeoutMs
 *   (it expects the dialer's ping first), so a healthy quiet link carries one ping and one pong per
 *   interval instead of two of each.
 * - A ping with no frame back within pongTimeoutMs is a missed pong; the ping is retried at once rather
 *   than after another interval. maxMissedPongs misses in a row → dead. A lost frame therefore costs one
 *   pongTimeout, not a whole interval, and a single lost pong is never fatal (it takes maxMissedPongs).
 * - EOF needs no timer: the connection's 'close' event is handled by the peer manager at once.
 *
 * One timer per connection, re-armed lazily: hearing a frame only stores a timestamp.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { PeerManagerConfig } from './config.js';

export type LivenessConfig = Pick<PeerManagerConfig, 'pingIntervalMs' | 'pongTimeoutMs' | 'maxMissedPongs'>;

export interface LivenessHooks {
  sendPing(nonce: number, time: number): void;
  /** maxMissedPongs pongs in a row were missed. Called once; the monitor is stopped. */
  dead(): void;
}

export class Liveness {
  lastHeard: number;
  missed = 0;
  /** Smoothed round-trip time (ms), from pongs that answer our pings. */
  rttMs: number | undefined;
  pingsSent = 0;
  private awaitingSince = -1;
  private nonce = 0;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly cfg: LivenessConfig,
    /** Whether this side pings first (the dialer). */
    private readonly leads: boolean,
    private readonly hooks: LivenessHooks,
  ) {
    this.lastHeard = clock.now();
    this.arm(this.idleMs());
  }

  /** Silence after which this side pings. */
  private idleMs(): number {
    return this.leads ? this.cfg.pingIntervalMs : this.cfg.pingIntervalMs + this.cfg.pongTimeoutMs;
  }

  /** Any frame arrived from the peer. */
  heard(): void {
    this.heardAt(this.clock.now());
  }

  /** heard(), with the clock already read by the caller. */
  heardAt(now: number): void {
    this.lastHeard = now;
    this.missed = 0;
  }

  /** A pong arrived: proof of life, and an RTT sample when it answers our latest ping. */
  pong(nonce: number, time: number): void {
    this.heard();
    if (nonce !== this.nonce) return;
    const sample = this.clock.now() - time;
    if (!(sample >= 0)) return;
    this.rttMs = this.rttMs === undefined ? sample : this.rttMs * 0.875 + sample * 0.125;
  }

  /** Whether we heard from the peer within `windowMs`. */
  heardWithin(windowMs: number): boolean {
    return this.clock.now() - this.lastHeard <= windowMs;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(delayMs, () => this.tick());
  }

  private ping(): void {
    const now = this.clock.now();
    this.nonce = (this.nonce + 1) >>> 0;
    this.awaitingSince = now;
    this.pingsSent++;
    this.hooks.sendPing(this.nonce, now);
    this.arm(this.cfg.pongTimeoutMs);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.clock.now();
    if (this.awaitingSince >= 0) {
      if (this.lastHeard >= this.awaitingSince) {
        // Answered (by the pong or by any other frame): back to idle.
        this.awaitingSince = -1;
      } else {
        this.missed++;
        if (this.missed >= this.cfg.maxMissedPongs) {
          this.stop();
          this.hooks.dead();
          return;
        }
        this.ping(); // retry at once: one lost frame costs one pong timeout, not an interval
        return;
      }
    }
    // Within a millisecond counts as due: re-arming for a sub-ulp remainder would fire at the same instant forever.
    const remaining = this.idleMs() - (now - this.lastHeard);
    if (remaining < 1) this.ping();
    else this.arm(remaining);
  }
}
