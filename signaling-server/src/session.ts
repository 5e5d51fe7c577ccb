/**
 * One client connection: decodes its frames, enforces its per-connection limits (rate, errors, rooms,
 * join timeout, slow reading) and acts on join / leave / signal. Every error a client causes becomes an
 * `error` frame and a counter; enough of them within a window closes the connection. Nothing thrown
 * here escapes to the socket or the event loop.
 *
 * A Session *is* its WebSocket connection (websocket/connection.ts does the framing), and its state is
 * plain fields: a server holds thousands of connections, and a separate session object, listener
 * closures, rate-limit objects, a Map of rooms and a timer each would add up to more heap per connection
 * than the connection itself (bench/lib/signaling-heap.ts measures it).
 */
import type { Socket } from 'node:net';
import { decodeFrame, encodeFrameView } from '../../src/wire/codec.js';
import { isWireError } from '../../src/wire/errors.js';
import type { Frame, JoinFrame, PeerId, SignalFrame } from '../../src/wire/frames.js';
import { MAX_REASON_LENGTH } from '../../src/wire/limits.js';
import { SignalingCloseCode, SignalingErrorCode } from '../../src/signaling/errors.js';
import type { JoinDeadlines } from './join-deadlines.js';
import type { SignalingLimits } from './limits.js';
import type { SignalingLogger } from './logger.js';
import type { SignalingMetrics } from './metrics.js';
import { FULL_BUCKET_AT, countError, takeToken, type ErrorWindowState, type TokenBucketState } from './rate-limit.js';
import type { Rooms } from './rooms.js';
import { secretMatches, type SecretLookup } from './access.js';
import { WebSocketConnection, type WebSocketLimits } from './websocket/connection.js';
import { CloseCode, Opcode, frame as websocketFrame } from './websocket/frames.js';

/** What a session shares with the server and every other session. */
export interface SessionContext {
  rooms: Rooms<Session>;
  limits: SignalingLimits;
  metrics: SignalingMetrics;
  log: SignalingLogger;
  secretFor: SecretLookup;
  /** Sessions in no room, each closed if it does not join one within limits.joinTimeoutMs. */
  joinDeadlines: JoinDeadlines<Session>;
  /** Called once when the session's connection has closed (after it left its rooms). */
  ended(session: Session, code: number): void;
  now(): number;
}

export class Session extends WebSocketConnection implements TokenBucketState, ErrorWindowState {
  /** Cleared on each heartbeat ping, set by the pong; still clear at the next ping → dead. */
  private alive = true;
  /** The first room joined and this connection's peer id in it: most connections are in exactly one. */
  private room: string | undefined = undefined;
  private peerId: PeerId | undefined = undefined;
  /** Rooms beyond the first (up to maxRoomsPerConnection in all): room → peer id; made when needed. */
  private moreRooms: Map<string, PeerId> | undefined = undefined;
  // Rate limit and error window (rate-limit.ts); public only for its functions.
  bucketFullAt = FULL_BUCKET_AT;
  errorCount = 0;
  errorWindowStart = 0;

  constructor(
    private readonly ctx: SessionContext,
    readonly ip: string,
  ) {
    super();
  }

  /** Takes over the socket of an accepted handshake; the join timeout starts now. */
  start(socket: Socket, head: Buffer): void {
    this.ctx.joinDeadlines.start(this);
    this.attach(socket, head);
  }

  protected override websocketLimits(): WebSocketLimits {
    return this.ctx.limits;
  }

  protected override onMessage(payload: Buffer, binary: boolean): void {
    this.guard(() => this.onClientMessage(payload, binary));
  }

  /**
   * Pings count against the message rate: over it a ping gets no pong but a rate_limited error, which
   * counts towards maxErrors like a message over the rate — a ping flood cannot go on for ever.
   */
  protected override allowPing(): boolean {
    return this.takeMessageToken('ping rate limit exceeded; no pong');
  }

  /** Takes a token of the message rate; over it, counts and answers rate_limited (`dropped` says what went). */
  private takeMessageToken(dropped: string): boolean {
    const { limits, metrics } = this.ctx;
    if (takeToken(this, this.ctx.now(), limits.messagesPerSecond, limits.messageBurst)) return true;
    metrics.rateLimitedTotal++;
    this.fail(SignalingErrorCode.rateLimited, dropped);
    return false;
  }

  protected override onPong(): void {
    this.alive = true;
  }

  protected override onProtocolError(closeCode: number, message: string): void {
    this.ctx.metrics.error(closeCode === CloseCode.messageTooBig ? 'too_large' : 'protocol');
    this.ctx.log('warn', 'protocol-error', { ip: this.ip, code: closeCode, error: message });
  }

  protected override onInternalError(err: unknown): void {
    this.ctx.log('warn', 'internal-error', { ip: this.ip, error: err instanceof Error ? err.message : String(err) });
  }

  protected override onClosed(code: number): void {
    this.guard(() => this.leaveAll());
    this.ctx.ended(this, code);
  }

  /** Heartbeat tick: pings, or terminates a connection that did not answer the previous ping. */
  heartbeat(): void {
    if (!this.alive) {
      this.ctx.metrics.heartbeatTerminationsTotal++;
      this.ctx.log('warn', 'heartbeat-timeout', { ip: this.ip });
      this.terminate();
      return;
    }
    this.alive = false;
    this.guard(() => this.ping());
  }

  /** The join timeout expired (join-deadlines.ts): in no room for joinTimeoutMs. */
  joinTimedOut(): void {
    if (!this.isOpen) return; // already closing for another reason
    this.ctx.log('warn', 'join-timeout', { ip: this.ip });
    this.shutdown(SignalingCloseCode.policyViolation, 'join timeout');
  }

  /** Starts the close handshake (graceful shutdown, policy); the socket is destroyed if it never completes. */
  shutdown(code: number, reason: string): void {
    this.guard(() => this.close(code, reason));
  }

  /** Sends a frame unless the socket is closing, or terminates a client that stopped reading. */
  sendFrame(frame: Frame): void {
    if (this.isOpen) this.sendFrameBytes(websocketFrame(Opcode.binary, encodeFrameView(frame)));
  }

  /**
   * Every frame this session writes (a broadcast's one buffer serves every member; pongs and pings come
   * here too), or the termination of a client that stopped reading.
   */
  protected override sendFrameBytes(bytes: Buffer): void {
    if (!this.isOpen) return;
    if (this.bufferedAmount > this.ctx.limits.maxBufferedBytes) {
      this.ctx.metrics.slowConsumerTerminationsTotal++;
      this.ctx.log('warn', 'slow-consumer', { ip: this.ip, buffered: this.bufferedAmount });
      this.terminate();
      return;
    }
    super.sendFrameBytes(bytes);
  }

  private onClientMessage(payload: Buffer, binary: boolean): void {
    if (!this.isOpen) return; // closing: nothing more is acted on
    this.ctx.metrics.messagesTotal++;
    if (!this.takeMessageToken('message rate limit exceeded; frame dropped')) return;
    if (!binary) return this.fail('malformed', 'text messages are not frames; send binary');
    let frame: Frame;
    try {
      frame = decodeFrame(payload, { maxFrameBytes: this.ctx.limits.maxPayloadBytes });
    } catch (err) {
      return isWireError(err) ? this.fail(err.code, err.message) : this.fail('malformed', 'undecodable frame');
    }
    switch (frame.kind) {
      case 'join':
        return this.onJoin(frame);
      case 'leave':
        return this.onLeave(frame.room);
      case 'signal':
        return this.onSignal(frame);
      default:
        return this.fail(SignalingErrorCode.unexpectedFrame, `a client may not send ${frame.kind} frames`);
    }
  }

  private onJoin(frame: JoinFrame): void {
    const { peerId } = frame;
    if (this.peerIdIn(frame.room) !== undefined) return this.fail(SignalingErrorCode.alreadyJoined, `already in room ${frame.room}`);
    if (this.roomCount() >= this.ctx.limits.maxRoomsPerConnection) {
      const max = this.ctx.limits.maxRoomsPerConnection;
      return this.fail(SignalingErrorCode.roomLimit, `a connection may join at most ${max} rooms`);
    }
    const expected = this.ctx.secretFor(frame.room);
    if (expected !== undefined && !secretMatches(expected, frame.secret)) {
      this.ctx.log('warn', 'unauthorized', { ip: this.ip, room: frame.room });
      this.fail(SignalingErrorCode.unauthorized, `wrong or missing secret for room ${frame.room}`);
      return this.shutdown(SignalingCloseCode.policyViolation, 'unauthorized');
    }
    const result = this.ctx.rooms.join(frame.room, peerId, this);
    if (!result.ok) return this.fail(result.code, `cannot join room ${frame.room} as ${peerId}`);
    const { room } = result; // the room's own copy of its name
    if (this.roomCount() === 0) this.ctx.joinDeadlines.stop(this);
    this.rememberRoom(room, peerId);
    this.ctx.metrics.joinsTotal++;
    const { members } = result;
    this.ctx.log('info', 'join', { ip: this.ip, room, peer: peerId, role: frame.role, members: members.size });
    const peers: PeerId[] = [];
    for (const id of members.keys()) if (id !== peerId) peers.push(id);
    this.sendFrame({ kind: 'joined', room, peerId, peers });
    this.broadcast(members, { kind: 'peer-joined', room, peerId });
  }

  private onLeave(room: string): void {
    const peerId = this.peerIdIn(room);
    if (peerId === undefined) return this.fail(SignalingErrorCode.notJoined, `not in room ${room}`);
    this.leave(room, peerId);
    if (this.roomCount() === 0) this.ctx.joinDeadlines.start(this);
  }

  private onSignal(frame: SignalFrame): void {
    const from = this.peerIdIn(frame.room);
    if (from === undefined) return this.fail(SignalingErrorCode.notJoined, `not in room ${frame.room}`);
    const target = this.ctx.rooms.get(frame.room, frame.to);
    if (!target) {
      // A benign race (the target left while an offer or candidate was in flight), so it is answered but
      // not charged to the abuse budget; the error names the target so the client fails that dial at once.
      this.ctx.metrics.error(SignalingErrorCode.unknownPeer);
      return this.sendFrame({ kind: 'error', code: SignalingErrorCode.unknownPeer, message: `no peer in room ${frame.room}`, peerId: frame.to });
    }
    // `from` is always the sender's own id in the room: whatever the client wrote there is replaced.
    target.sendFrame({ kind: 'signal', room: frame.room, from, to: frame.to, data: frame.data });
    this.ctx.metrics.signalsRelayedTotal++;
  }

  private leave(room: string, peerId: PeerId): void {
    this.forgetRoom(room);
    const remaining = this.ctx.rooms.leave(room, peerId);
    this.ctx.log('info', 'leave', { ip: this.ip, room, peer: peerId });
    if (remaining) this.broadcast(remaining, { kind: 'peer-left', room, peerId });
  }

  /** Sends `frame` to every member but this session, encoded once for all of them. */
  private broadcast(members: ReadonlyMap<PeerId, Session>, frame: Frame): void {
    let bytes: Buffer | undefined;
    for (const member of members.values()) {
      if (member !== this) member.sendFrameBytes((bytes ??= websocketFrame(Opcode.binary, encodeFrameView(frame))));
    }
  }

  /** Answers a client-caused error with an error frame; too many within the window closes the connection. */
  private fail(code: string, message: string): void {
    this.ctx.metrics.error(code);
    this.sendFrame({ kind: 'error', code, message: message.slice(0, MAX_REASON_LENGTH) });
    if (countError(this, this.ctx.now(), this.ctx.limits.errorWindowMs) >= this.ctx.limits.maxErrors) {
      this.ctx.log('warn', 'too-many-errors', { ip: this.ip, last: code });
      this.shutdown(SignalingCloseCode.policyViolation, 'too many errors');
    }
  }

  private leaveAll(): void {
    this.ctx.joinDeadlines.stop(this);
    if (this.moreRooms) for (const [room, peerId] of [...this.moreRooms]) this.leave(room, peerId);
    if (this.room !== undefined) this.leave(this.room, this.peerId!);
  }

  // The rooms this connection is in: the first in two fields, any further ones in moreRooms.

  private peerIdIn(room: string): PeerId | undefined {
    return room === this.room ? this.peerId : this.moreRooms?.get(room);
  }

  private roomCount(): number {
    return (this.room === undefined ? 0 : 1) + (this.moreRooms?.size ?? 0);
  }

  private rememberRoom(room: string, peerId: PeerId): void {
    if (this.room === undefined) {
      this.room = room;
      this.peerId = peerId;
    } else {
      (this.moreRooms ??= new Map()).set(room, peerId);
    }
  }

  private forgetRoom(room: string): void {
    if (room === this.room) {
      this.room = this.peerId = undefined;
    } else if (this.moreRooms?.delete(room) && this.moreRooms.size === 0) {
      this.moreRooms = undefined;
    }
  }

  /** Runs `fn`, turning anything it throws into a log line and a closed connection, never a crash. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.log('warn', 'internal-error', { ip: this.ip, error: err instanceof Error ? err.message : String(err) });
      this.terminate();
    }
  }
}
