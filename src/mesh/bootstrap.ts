/**
 * Dials bootstrap addresses (`meshcast peer --connect HOST:PORT`) until each has produced a connection,
 * with exponential backoff between failed attempts. A bootstrap address names no peer id, so it cannot
 * go through the PeerManager's table: once connected, the peer is known by id (from its hello) and its
 * records say how to reach it again, and the PeerManager takes over. An address whose connection later
 * drops is dialed again — unless the node is still connected to that peer another way (the connection
 * was a duplicate the PeerManager closed) — so a peer restarted on the same address is found even when
 * nothing else would make it dial us.
 */
import { backoffDelayMs, type BackoffSchedule } from '../core/backoff.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { Connection, Transport } from '../core/transport.js';

/** Retry schedule for bootstrap addresses: 1 s doubling to 30 s, with 20% jitter. */
export const DEFAULT_BOOTSTRAP_BACKOFF: BackoffSchedule = { initialMs: 1_000, maxMs: 30_000, jitter: 0.2 };

interface Target {
  failures: number;
  timer: TimerHandle | undefined;
  connection: Connection | undefined;
  /** The peer this address led to last time. */
  peerId: string | undefined;
}

export class BootstrapDialer {
  private readonly targets = new Map<string, Target>();
  private readonly detach: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly random: Random,
    addresses: readonly string[],
    /** Whether the node has a connection to `peerId` (by any address or transport). */
    private readonly isPeerConnected: (peerId: string) => boolean,
    private readonly schedule: BackoffSchedule = DEFAULT_BOOTSTRAP_BACKOFF,
  ) {
    for (const address of addresses) {
      this.targets.set(address, { failures: 0, timer: undefined, connection: undefined, peerId: undefined });
    }
  }

  start(): void {
    this.detach.push(
      this.transport.on('connection', (conn) => this.onConnection(conn)),
      this.transport.on('dial-failed', (address) => this.onFailed(address)),
    );
    for (const address of this.targets.keys()) this.transport.dial(address);
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.detach.splice(0)) off();
    for (const t of this.targets.values()) if (t.timer) this.clock.cancelTimer(t.timer);
  }

  /** Addresses that currently have an open connection. */
  connected(): string[] {
    return [...this.targets].filter(([, t]) => t.connection && !t.connection.closed).map(([a]) => a);
  }

  private onConnection(conn: Connection): void {
    const t = conn.outbound && conn.dialAddress !== undefined ? this.targets.get(conn.dialAddress) : undefined;
    if (!t) return;
    t.failures = 0;
    t.connection = conn;
    t.peerId = conn.remotePeerId;
    conn.once('close', () => {
      if (t.connection === conn) t.connection = undefined;
      this.retry(conn.dialAddress as string, t);
    });
  }

  private onFailed(address: string): void {
    const t = this.targets.get(address);
    if (!t) return;
    t.failures++;
    this.retry(address, t);
  }

  private retry(address: string, t: Target): void {
    if (this.stopped || t.timer) return;
    const delay = backoffDelayMs(t.failures, this.schedule, this.random);
    t.timer = this.clock.setTimer(delay, () => {
      t.timer = undefined;
      if (this.stopped || t.connection) return;
      // Still linked to that peer through another connection: look again later instead of dialing.
      if (t.peerId !== undefined && this.isPeerConnected(t.peerId)) return this.retryLater(address, t);
      this.transport.dial(address);
    });
  }

  private retryLater(address: string, t: Target): void {
    t.timer = this.clock.setTimer(this.schedule.maxMs, () => {
      t.timer = undefined;
      this.retry(address, t);
    });
  }
}
