/**
 * One connection as the peer manager sees it: the transport Connection plus handshake state, liveness,
 * and the per-connection budgets that keep a misbehaving peer from costing more than a bounded amount.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Connection } from '../core/transport.js';
import type { PeerId, Role } from '../wire/frames.js';
import type { Liveness } from './liveness.js';

/** Counts events in one-second windows; allow() is false past `limit` in the current window. */
export class RateWindow {
  private windowStart = -Infinity;
  private count = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
  ) {}

  allow(): boolean {
    const now = this.clock.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count++;
    return this.count <= this.limit;
  }
}

export class Link {
  readonly openedAt: number;
  helloReceived = false;
  role: Role | undefined;
  capabilities: readonly string[];
  /** The neighbor handshake completed: the peer is in our active view. */
  accepted = false;
  /** We sent a neighbor request on this link (we are the requester). */
  requested = false;
  liveness: Liveness | undefined;
  handshakeTimer: TimerHandle | undefined;
  /** The dialer's handshake retransmission timer. */
  retryTimer: TimerHandle | undefined;
  requestsSent = 0;
  /** Our neighbor request on this link is high priority. */
  highPriority = false;
  repeatedRequests = 0;
  /** Protocol errors seen on this link. */
  errors = 0;
  /** Set when we close it on purpose: the close is then not a failure of the peer. */
  closingQuietly = false;
  /** A bye received from the peer (its code), if any. */
  byeCode: number | undefined;
  detached = false;
  readonly pongs: RateWindow;
  readonly membership: RateWindow;
  readonly answers: RateWindow;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly conn: Connection,
    clock: Clock,
    limits: { maxPongsPerSecond: number; maxMembershipFramesPerSecond: number; maxAnswersPerSecond: number },
  ) {
    this.openedAt = clock.now();
    this.capabilities = conn.remoteCapabilities;
    this.pongs = new RateWindow(clock, limits.maxPongsPerSecond);
    this.membership = new RateWindow(clock, limits.maxMembershipFramesPerSecond);
    this.answers = new RateWindow(clock, limits.maxAnswersPerSecond);
  }

  get remote(): PeerId {
    return this.conn.remotePeerId;
  }

  get outbound(): boolean {
    return this.conn.outbound;
  }

  listen(onData: (bytes: Uint8Array) => void, onClose: (reason: string) => void): void {
    this.unsubscribe.push(this.conn.on('data', onData), this.conn.on('close', onClose), this.conn.on('error', () => {}));
  }

  stopHandshakeTimers(clock: Clock): void {
    if (this.handshakeTimer !== undefined) clock.cancelTimer(this.handshakeTimer);
    if (this.retryTimer !== undefined) clock.cancelTimer(this.retryTimer);
    this.handshakeTimer = this.retryTimer = undefined;
  }

  /** Stops timers and listeners; the connection itself is closed by the caller. */
  detach(clock: Clock): void {
    if (this.detached) return;
    this.detached = true;
    this.liveness?.stop();
    this.stopHandshakeTimers(clock);
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
