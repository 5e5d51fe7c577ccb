/**
 * WebRtcTransport: mesh links over WebRTC data channels (simple-peer), negotiated through a signaling
 * channel. Addresses are peer ids of the signaling room. The PeerManager decides who dials (the smaller
 * id), so offers normally flow one way; a crossed negotiation ("glare") is still resolved here by the
 * same rule. ICE failure or a closed channel ends the Connection; reconnecting is the PeerManager's job,
 * and every dial negotiates afresh through signaling.
 *
 * iceServers default to none (LAN / loopback): no public STUN server is ever contacted unless configured.
 */
import { RealClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { TypedEmitter } from '../../core/emitter.js';
import type { Transport, TransportEvents } from '../../core/transport.js';
import type { PeerId, Role } from '../../wire/frames.js';
import { byeFrameBytes, helloFrame, judgeFirstFrame } from '../hello.js';
import { encodeFrame } from '../../wire/codec.js';
import { DEFAULT_WEBRTC_LIMITS, type WebRtcLimits } from './limits.js';
import type { SimplePeerFactory, SimplePeerInstance } from './simple-peer-types.js';
import { WebRtcConnection } from './webrtc-connection.js';

/** How the transport reaches other peers' signaling: a SignalingClient fits it. */
export interface SignalChannel {
  /** Sends opaque signal text to `to` (the signaling server stamps our id as `from`). */
  signal(to: PeerId, data: string): void;
  on(event: 'signal', handler: (from: PeerId, data: string) => void): () => void;
  /** Optional: a signal could not reach `to` (not in the room); a dial to it then fails at once. */
  on(event: 'signal-failed', handler: (to: PeerId, code: string) => void): () => void;
}

export interface WebRtcTransportOptions {
  peerId: PeerId;
  role?: Role;
  capabilities?: readonly string[];
  signaling: SignalChannel;
  createPeer: SimplePeerFactory;
  /** Default []: host candidates only, which is what a LAN or one machine needs. */
  iceServers?: RTCIceServer[];
  /** Node only: the WebRTC implementation passed to simple-peer (@roamhq/wrtc). */
  wrtc?: unknown;
  clock?: Clock;
  limits?: Partial<WebRtcLimits>;
}

export interface WebRtcStats {
  dials: number;
  accepted: number;
  connected: number;
  dialFailures: number;
  refusedOffers: number;
  glareResolved: number;
  badSignals: number;
  wireErrors: Record<string, number>;
  pending: number;
}

interface Negotiation {
  peer: SimplePeerInstance;
  remoteId: PeerId;
  outbound: boolean;
  timer: TimerHandle;
  signals: number;
}

export class WebRtcTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'webrtc';
  readonly localPeerId: PeerId;
  private readonly role: Role;
  private readonly capabilities: readonly string[];
  private readonly clock: Clock;
  private readonly limits: WebRtcLimits;
  private readonly pending = new Map<PeerId, Negotiation>();
  private readonly open = new Map<PeerId, WebRtcConnection>();
  private readonly unsubscribe: Array<() => void>;
  private closed = false;
  private readonly counters: Omit<WebRtcStats, 'pending' | 'wireErrors'> = {
    dials: 0,
    accepted: 0,
    connected: 0,
    dialFailures: 0,
    refusedOffers: 0,
    glareResolved: 0,
    badSignals: 0,
  };
  private readonly wireErrors: Record<string, number> = {};

  constructor(private readonly options: WebRtcTransportOptions) {
    super();
    this.localPeerId = options.peerId;
    this.role = options.role ?? 'browser';
    this.capabilities = options.capabilities ?? [];
    this.clock = options.clock ?? new RealClock();
    this.limits = { ...DEFAULT_WEBRTC_LIMITS, ...options.limits };
    this.unsubscribe = [
      options.signaling.on('signal', (from, data) => this.onSignal(from, data)),
      options.signaling.on('signal-failed', (to, code) => {
        const n = this.pending.get(to);
        if (n) this.giveUp(n, `signaling: ${code}`);
      }),
    ];
  }

  async listen(): Promise<void> {
    // Inbound offers arrive through signaling; there is nothing to bind.
  }

  dial(address: PeerId): void {
    if (this.closed) return this.fail(address, 'transport closed');
    if (address === this.localPeerId) return this.fail(address, 'cannot dial self');
    if (this.pending.has(address)) return; // a negotiation is already under way; its outcome will be reported
    if (this.pending.size >= this.limits.maxPendingPeers) return this.fail(address, 'too many pending negotiations');
    this.counters.dials++;
    this.negotiate(address, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
    for (const n of this.pending.values()) this.abandon(n);
    this.pending.clear();
    for (const conn of [...this.open.values()]) conn.close('transport closed');
    this.open.clear();
  }

  stats(): WebRtcStats {
    return { ...this.counters, wireErrors: { ...this.wireErrors }, pending: this.pending.size };
  }

  private negotiate(remoteId: PeerId, outbound: boolean): Negotiation {
    const peer = this.options.createPeer({
      initiator: outbound,
      trickle: true,
      config: { iceServers: this.options.iceServers ?? [] },
      highWaterMark: this.limits.highWaterMarkBytes,
      ...(this.options.wrtc ? { wrtc: this.options.wrtc } : {}),
    });
    const n: Negotiation = {
      peer,
      remoteId,
      outbound,
      signals: 0,
      timer: this.clock.setTimer(this.limits.connectTimeoutMs, () => this.giveUp(n, 'connect timeout')),
    };
    this.pending.set(remoteId, n);
    peer.on('signal', (data) => {
      if (this.pending.get(remoteId) === n) this.options.signaling.signal(remoteId, JSON.stringify(data));
    });
    // Written now so it is the first message on the channel: simple-peer queues writes until it opens.
    peer.write(encodeFrame(helloFrame({ peerId: this.localPeerId, role: this.role, capabilities: this.capabilities })));
    peer.on('data', (message) => this.onHello(n, message));
    peer.on('error', (err) => this.giveUp(n, err.code ?? err.message));
    peer.on('close', () => this.giveUp(n, 'channel closed during negotiation'));
    return n;
  }

  private onSignal(from: PeerId, data: string): void {
    if (this.closed || from === this.localPeerId) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.counters.badSignals++;
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      this.counters.badSignals++;
      return;
    }
    const isOffer = (parsed as { type?: unknown }).type === 'offer';
    let n = this.pending.get(from);
    if (isOffer) n = this.acceptOffer(from, n);
    if (!n) {
      // A candidate or answer for a negotiation we no longer have (timed out, replaced): harmless.
      this.counters.badSignals++;
      return;
    }
    if (++n.signals > this.limits.maxSignalsPerNegotiation) {
      this.counters.badSignals++;
      return this.giveUp(n, 'too many signals');
    }
    try {
      n.peer.signal(parsed);
    } catch {
      this.counters.badSignals++;
      this.giveUp(n, 'bad signal');
    }
  }

  /** An offer from `from`: start answering, unless our own offer to them wins the glare rule. */
  private acceptOffer(from: PeerId, existing: Negotiation | undefined): Negotiation | undefined {
    if (existing?.outbound) {
      // Both sides offered. The smaller id is the rightful initiator (the same rule the PeerManager uses).
      this.counters.glareResolved++;
      if (this.localPeerId < from) return undefined;
      this.giveUp(existing, 'yielded to the remote offer');
    } else if (existing) {
      // A fresh offer restarts a negotiation in progress (the remote gave up on the old one).
      this.abandon(existing);
      this.pending.delete(from);
    }
    if (this.pending.size >= this.limits.maxPendingPeers) {
      this.counters.refusedOffers++;
      return undefined;
    }
    this.counters.accepted++;
    return this.negotiate(from, false);
  }

  private onHello(n: Negotiation, message: Uint8Array): void {
    if (this.pending.get(n.remoteId) !== n) return;
    const check = judgeFirstFrame(message, this.localPeerId, { maxFrameBytes: this.limits.maxFrameBytes }, n.remoteId);
    if (!check.ok) {
      if (check.wireError) this.countWireError(check.wireError);
      if (check.bye) n.peer.write(byeFrameBytes(check.bye.code, check.bye.reason));
      return this.giveUp(n, check.reason);
    }
    this.clock.cancelTimer(n.timer);
    this.pending.delete(n.remoteId);
    n.peer.removeAllListeners('data');
    n.peer.removeAllListeners('close');
    n.peer.removeAllListeners('error');
    n.peer.removeAllListeners('signal');
    // A second link to the same peer replaces the first: the remote restarted or re-dialed after a failure.
    this.open.get(n.remoteId)?.close('replaced by a new connection');
    const conn = new WebRtcConnection(
      n.peer,
      n.remoteId,
      n.outbound,
      check.hello.capabilities,
      check.hello.role,
      this.limits,
      this.clock,
      (code) => this.countWireError(code),
    );
    this.open.set(n.remoteId, conn);
    conn.on('close', () => {
      if (this.open.get(n.remoteId) === conn) this.open.delete(n.remoteId);
    });
    this.counters.connected++;
    this.emit('connection', conn);
  }

  private giveUp(n: Negotiation, reason: string): void {
    if (this.pending.get(n.remoteId) !== n) return;
    this.pending.delete(n.remoteId);
    this.abandon(n);
    if (n.outbound) this.fail(n.remoteId, reason);
  }

  private abandon(n: Negotiation): void {
    this.clock.cancelTimer(n.timer);
    n.peer.removeAllListeners();
    // simple-peer emits 'error' asynchronously while it tears down; keep one listener so it is not unhandled.
    n.peer.on('error', () => {});
    n.peer.destroy();
  }

  private fail(address: PeerId, reason: string): void {
    this.counters.dialFailures++;
    this.emit('dial-failed', address, reason);
  }

  private countWireError(code: string): void {
    this.wireErrors[code] = (this.wireErrors[code] ?? 0) + 1;
  }
}
